/**
 * `svclab sweep FILE.sh --seeds A-B`: the script over a range of seeds, in
 * worker threads (one per core by default), reporting the distribution of
 * the `MEASURE name=value` lines it prints. `--shard K/N` runs the K-th of
 * N contiguous slices of the range (K from 0, as a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX), `--out FILE` keeps the runs as JSON, and
 * `svclab sweep merge FILE...` reports over several shards' files.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { formatReport, type RunRecord } from "./measures";
import { runSeed, type SweepJob } from "./run-seed";

/** Seeds handed to a worker at a time: small enough to balance, large enough to keep messages rare. */
const BATCH = 16;

export interface SweepRange {
  /** First seed. */
  readonly from: number;
  /** Last seed (inclusive). */
  readonly to: number;
}

export interface SweepFile {
  readonly seeds: SweepRange;
  readonly shard: { readonly index: number; readonly count: number };
  readonly runs: readonly RunRecord[];
}

export class SweepUsageError extends Error {}

export function parseSeedRange(text: string): SweepRange {
  const m = /^(-?\d+)-(-?\d+)$/.exec(text) ?? /^(-?\d+)$/.exec(text);
  const from = Number(m?.[1]);
  const to = m?.[2] === undefined ? from : Number(m[2]);
  if (m === null || to < from) throw new SweepUsageError(`--seeds must be A-B with A <= B, got ${JSON.stringify(text)}`);
  return { from, to };
}

export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index >= count) throw new SweepUsageError(`--shard must be K/N with 0 <= K < N, got ${JSON.stringify(text)}`);
  return { index, count };
}

/** The K-th of N contiguous, nearly equal slices of the range. */
export function shardSeeds(range: SweepRange, shard: { index: number; count: number }): number[] {
  const total = range.to - range.from + 1;
  const start = Math.floor((total * shard.index) / shard.count);
  const end = Math.floor((total * (shard.index + 1)) / shard.count);
  return Array.from({ length: end - start }, (_, i) => range.from + start + i);
}

/** Runs the seeds on `threads` worker threads (in this thread when 1); records in seed order. */
export async function runSweep(job: SweepJob, seeds: readonly number[], threads: number): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  if (threads <= 1) {
    for (const seed of seeds) records.push(await runSeed(job, seed));
    return records;
  }
  let next = 0;
  const workers = Array.from({ length: Math.min(threads, Math.ceil(seeds.length / BATCH)) }, () => {
    const worker = new Worker(join(__dirname, "worker.js"), { workerData: job });
    return new Promise<void>((resolve, reject) => {
      worker.on("message", (batch: RunRecord[]) => {
        records.push(...batch);
        const seedsLeft = seeds.slice(next, next + BATCH);
        next += seedsLeft.length;
        worker.postMessage(seedsLeft.length > 0 ? seedsLeft : null);
      });
      worker.on("error", reject);
      worker.on("exit", () => resolve());
    });
  });
  await Promise.all(workers);
  return records.sort((a, b) => a.seed - b.seed);
}

/** Reads shard files and checks they are slices of one sweep. */
export function mergeSweepFiles(files: readonly { name: string; value: unknown }[]): RunRecord[] {
  const bySeed = new Map<number, RunRecord>();
  for (const { name, value } of files) {
    const f = value as Partial<SweepFile> | null;
    if (f === null || typeof f !== "object" || !Array.isArray(f.runs)) throw new SweepUsageError(`${name}: not the output of svclab sweep --out`);
    for (const r of f.runs) {
      if (bySeed.has(r.seed)) throw new SweepUsageError(`${name}: seed ${r.seed} is in another file too`);
      bySeed.set(r.seed, r);
    }
  }
  return [...bySeed.values()].sort((a, b) => a.seed - b.seed);
}

export { formatReport };

export const DEFAULT_THREADS = Math.max(1, availableParallelism());
