// Benchmark driver (`npm run bench`): runs every bench/*.bench.mjs in its
// own Node process (with --expose-gc), one after another, collects the
// `BENCH_RESULT <json>` lines they print (see harness.mjs), prints a table
// and writes bench/results.json. Benchmarks import the built dist/, so
// build first (`npm run build`).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, "..", "dist", "index.js"))) {
  console.error("bench: dist/ is missing; run `npm run build` first");
  process.exit(1);
}
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results = [];
const failures = [];
for (const file of files) {
  console.log(`\n== ${file}`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ["--expose-gc", join(here, file)], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of run.stdout.split("\n")) {
    if (line.startsWith("BENCH_RESULT ")) results.push({ file, ...JSON.parse(line.slice("BENCH_RESULT ".length)) });
    else if (line.trim() !== "") console.log(line);
  }
  if (run.stderr.trim() !== "") console.error(run.stderr.trimEnd());
  if (run.status !== 0) failures.push(`${file} exited with ${run.status ?? run.signal}`);
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const rows = results.map((r) => [
  r.group,
  r.name,
  `${r.median} ${r.unit}`,
  r.ratio === undefined ? "" : `${r.ratio}x vs ${r.ratioVs}`,
]);
const header = ["benchmark", "implementation", "median", "ratio"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ").trimEnd();
console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
for (const r of rows) console.log(line(r));

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  loadavg: os.loadavg(),
  results,
};
writeFileSync(join(here, "results.json"), JSON.stringify(out, null, 2) + "\n");
console.log(`\nwrote ${join("bench", "results.json")} (${results.length} results)`);
if (failures.length > 0) {
  console.error(`\nfailed: ${failures.join("; ")}`);
  process.exit(1);
}
