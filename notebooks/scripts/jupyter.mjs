#!/usr/bin/env node
// Starts Jupyter on this folder with the tslab kernel registered. JupyterLab
// when it is installed, else the classic notebook server; extra arguments go
// to Jupyter (e.g. `npm run jupyter -- --no-browser --ip=0.0.0.0`).
import { spawn, spawnSync } from "node:child_process";
import { ensureTslabKernel, jupyterEnv, notebooksDir, requireJupyter } from "./jupyter-env.mjs";

ensureTslabKernel(requireJupyter());
const hasLab = spawnSync("jupyter", ["lab", "--version"], { env: jupyterEnv }).status === 0;
const app = hasLab ? "lab" : "notebook";
// Jupyter refuses to run as root unless told; containers often run as root.
const asRoot = process.getuid?.() === 0 ? ["--allow-root"] : [];
const server = spawn("jupyter", [app, `--notebook-dir=${notebooksDir}`, ...asRoot, ...process.argv.slice(2)], {
  env: jupyterEnv,
  cwd: notebooksDir,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
