// The wall time of `svclab run examples/session-affinity.sh` as a user runs
// it (process start included), against a bare `node` start in the same run.
// Run: npm run bench.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const cli = join(here, "..", "bin", "svclab.cjs");
const script = join(here, "..", "..", "..", "examples", "session-affinity.sh");
function wallMs(args) {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${args.join(" ")} exited with ${run.status}: ${run.stderr}`);
  return performance.now() - t0;
}
const bare = [];
const article = [];
for (let i = 0; i < 7; i++) {
  bare.push(wallMs(["-e", ""]));
  article.push(wallMs([cli, "run", "--echo", script]));
}
console.log(
  `svclab run --echo examples/session-affinity.sh (process start included): median ${median(article).toFixed(0)} ms ` +
    `(bare node start ${median(bare).toFixed(0)} ms, ratio ${(median(article) / median(bare)).toFixed(1)}x)`,
);
