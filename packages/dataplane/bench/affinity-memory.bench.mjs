// Bytes per entry at 1,000,000 affinity entries: cilium_lb4_affinity
// (AffinityMap) vs lru-cache@11 holding the same information (48-bit packed
// key, {lastUsed, backendId} value) and a plain Map. Each measurement runs
// in its own child process (clean heap, full GCs); implementations
// alternate over several rounds and the median is reported.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median, report, round } from "./harness.mjs";

const N = 1_000_000;
const ROUNDS = 3;
const child = fileURLToPath(new URL("./affinity-memory-child.mjs", import.meta.url));
const impls = {
  bpf: "cilium_lb4_affinity (AffinityMap)",
  "lru-cache": "lru-cache@11",
  map: "Map (no LRU)",
  "lru-cache-smi": "lru-cache@11, 31-bit key and value (less information; lower bound)",
};
const samples = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
const names = Object.keys(impls);
for (let r = 0; r < ROUNDS; r++) {
  for (let j = 0; j < names.length; j++) {
    const impl = names[(r + j) % names.length];
    const out = execFileSync(process.execPath, ["--expose-gc", child, impl, String(N)], { encoding: "utf8" });
    samples[impl].push(JSON.parse(out.trim().split("\n").pop()).bytesPerEntry);
  }
}
const lru = median(samples["lru-cache"]);
for (const [impl, name] of Object.entries(impls)) {
  const m = median(samples[impl]);
  report({
    group: `affinity bytes/entry at ${N.toLocaleString("en-US")} entries`,
    name,
    unit: "B/entry",
    median: round(m, 1),
    min: round(Math.min(...samples[impl]), 1),
    max: round(Math.max(...samples[impl]), 1),
    rounds: ROUNDS,
    ...(impl !== "lru-cache" ? { ratioVs: "lru-cache@11", ratio: round(m / lru) } : {}),
  });
}
