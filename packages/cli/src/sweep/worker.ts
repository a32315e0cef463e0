/**
 * A sweep's worker thread: takes batches of seeds from the main thread and
 * answers with their run records until told there are no more.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runSeed, type SweepJob } from "./run-seed";

const job = workerData as SweepJob;
const port = parentPort;
if (port !== null) {
  port.on("message", (seeds: number[] | null) => {
    if (seeds === null) {
      port.close();
      return;
    }
    void (async () => {
      const records = [];
      for (const seed of seeds) records.push(await runSeed(job, seed));
      port.postMessage(records);
    })();
  });
  port.postMessage([]);
}
