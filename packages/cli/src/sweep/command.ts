/** `svclab sweep ...` and `svclab sweep merge ...`: argument handling and output. */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { TopologyOptions } from "@svclab/cluster";
import { DEFAULT_THREADS, formatReport, mergeSweepFiles, parseSeedRange, parseShard, runSweep, shardSeeds, SweepUsageError, type SweepFile } from "./sweep";

export const SWEEP_USAGE = `Usage: svclab sweep FILE.sh --seeds A-B [--threads N] [--shard K/N] [--out FILE] [--topology FILE]
       svclab sweep merge FILE.json...

Runs the script once per seed from A to B, each against a fresh cluster, and
reports the distribution of the "MEASURE name=value" lines it prints.
  --threads N   Worker threads (default: one per core)
  --shard K/N   Run only the K-th (from 0) of N slices of the seed range
  --out FILE    Write every run (seed, exit status, measurements) as JSON
`;

export interface SweepIO {
  readonly stdout: NodeJS.WritableStream;
  readonly cwd: string;
  readonly readTopology: (path: string) => TopologyOptions;
}

function readText(path: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, path), "utf8");
  } catch {
    throw new SweepUsageError(`${path}: No such file or directory`);
  }
}

export async function sweepMain(argv: readonly string[], io: SweepIO): Promise<number> {
  if (argv[0] === "merge") {
    const names = argv.slice(1);
    if (names.length === 0) throw new SweepUsageError("sweep merge needs the JSON files of svclab sweep --out");
    const files = names.map((name) => {
      const text = readText(name, io.cwd);
      try {
        return { name, value: JSON.parse(text) as unknown };
      } catch {
        throw new SweepUsageError(`${name}: not JSON`);
      }
    });
    io.stdout.write(formatReport(mergeSweepFiles(files)));
    return 0;
  }
  let file: string | undefined;
  let seeds: string | undefined;
  let threads = DEFAULT_THREADS;
  let shard = { index: 0, count: 1 };
  let out: string | undefined;
  let topology: TopologyOptions | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new SweepUsageError(`option ${a} needs a value`);
      return v;
    };
    if (a === "--seeds") seeds = value();
    else if (a === "--threads") {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new SweepUsageError(`--threads must be a positive integer, got ${JSON.stringify(v)}`);
      threads = Number(v);
    } else if (a === "--shard") shard = parseShard(value());
    else if (a === "--out") out = value();
    else if (a === "--topology") topology = io.readTopology(value());
    else if (a.startsWith("-")) throw new SweepUsageError(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else throw new SweepUsageError(`unexpected argument ${JSON.stringify(a)}`);
  }
  if (file === undefined) throw new SweepUsageError("sweep needs a script file");
  if (seeds === undefined) throw new SweepUsageError("sweep needs --seeds A-B");
  const range = parseSeedRange(seeds);
  const script = readText(file, io.cwd);
  const runs = await runSweep({ script, cwd: io.cwd, ...(topology === undefined ? {} : { topology }) }, shardSeeds(range, shard), threads);
  if (out !== undefined) {
    const doc: SweepFile = { seeds: range, shard, runs };
    writeFileSync(resolve(io.cwd, out), `${JSON.stringify(doc)}\n`);
  }
  io.stdout.write(formatReport(runs));
  return 0;
}
