/** One run of a sweep: the script against a fresh cluster seeded with `seed`. */
import type { TopologyOptions } from "@svclab/cluster";
import { ShellSession } from "../session";
import { parseMeasures, type RunRecord } from "./measures";

export interface SweepJob {
  readonly script: string;
  readonly cwd: string;
  readonly topology?: TopologyOptions;
}

export async function runSeed(job: SweepJob, seed: number): Promise<RunRecord> {
  let stdout = "";
  const session = new ShellSession({
    seed,
    workdir: job.cwd,
    sink: (stream, text) => {
      if (stream === "stdout") stdout += text;
    },
    ...(job.topology === undefined ? {} : { topology: job.topology }),
  });
  const status = await session.run(job.script);
  const { measures, error } = parseMeasures(stdout);
  return error === undefined ? { seed, status, measures } : { seed, status, measures, error };
}
