#!/usr/bin/env node
// Executes every notebook in this folder headlessly with the tslab kernel and
// checks it: no cell may end in an error, and the outputs must equal the
// committed ones (see notebook-diff.mjs for the few fields that may vary).
//
//   node scripts/check-notebooks.mjs [--update] [--keep] [name.ipynb ...]
//
// --update writes the fresh outputs back into the committed notebooks; it
// still refuses notebooks with failing cells. --keep leaves the executed
// notebooks in their temporary folder, to look at a failed run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { ensureTslabKernel, jupyterEnv, notebooksDir, requireJupyter } from "./jupyter-env.mjs";
import { differences, errors, formatProblems, forCommit } from "./notebook-diff.mjs";

const args = process.argv.slice(2);
const update = args.includes("--update");
const keep = args.includes("--keep");
const named = args.filter((arg) => !arg.startsWith("--"));
const notebooks = (named.length > 0 ? named.map((name) => basename(name)) : readdirSync(notebooksDir))
  .filter((name) => name.endsWith(".ipynb"))
  .sort();
if (notebooks.length === 0) {
  console.error(`No notebooks to check in ${notebooksDir}.`);
  process.exit(1);
}

const jupyter = requireJupyter();
ensureTslabKernel(jupyter);

const outDir = mkdtempSync(join(tmpdir(), "svclab-notebooks-"));
const started = performance.now();
// One nbconvert process runs the notebooks one after another, each in a fresh
// kernel. Errors are allowed to reach the output, and the config waits out
// tslab's cancel window after a failed cell, so every cell runs and every
// failure gets reported.
const execution = spawnSync(
  "jupyter",
  [
    "nbconvert",
    "--config",
    join(notebooksDir, "scripts", "nbconvert_config.py"),
    "--to",
    "notebook",
    "--execute",
    "--ExecutePreprocessor.kernel_name=tslab",
    "--ExecutePreprocessor.timeout=180",
    "--ExecutePreprocessor.allow_errors=True",
    "--output-dir",
    outDir,
    ...notebooks.map((name) => join(notebooksDir, name)),
  ],
  { env: jupyterEnv, encoding: "utf8", cwd: notebooksDir },
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (execution.status !== 0) {
  console.error(execution.stderr);
  console.error(`nbconvert failed (exit ${execution.status}).`);
  if (!keep) rmSync(outDir, { recursive: true, force: true });
  process.exit(1);
}

console.log(`${notebooks.length} notebook(s) executed in ${seconds} s`);
let failed = false;
let outdated = false;
for (const name of notebooks) {
  const committed = JSON.parse(readFileSync(join(notebooksDir, name), "utf8"));
  const executed = JSON.parse(readFileSync(join(outDir, name), "utf8"));
  // --update checks the format of what it would commit, the check that of what is committed.
  const problems = [...formatProblems(update ? executed : committed), ...errors(executed)];
  if (problems.length === 0 && update) {
    writeFileSync(join(notebooksDir, name), `${JSON.stringify(forCommit(executed), null, 1)}\n`);
    console.log(`updated ${name}`);
    continue;
  }
  if (problems.length === 0) {
    problems.push(...differences(committed, executed));
    outdated ||= problems.length > 0;
  }
  if (problems.length === 0) {
    console.log(`ok      ${name}`);
  } else {
    failed = true;
    console.error(`FAILED  ${name}`);
    for (const problem of problems) console.error(`  ${problem}`);
  }
}
if (keep) console.log(`executed notebooks kept in ${outDir}`);
else rmSync(outDir, { recursive: true, force: true });
if (failed) {
  if (update) console.error("Notebooks with failing cells were not updated.");
  if (outdated) console.error("Outputs changed: after an intended change, run `npm run notebooks -- --update` and review the diff.");
  process.exit(1);
}
