// Finds the Jupyter installation and makes the tslab kernel available to it.
// Jupyter starts a kernel by running the command written in its kernel spec
// (`tslab kernel ...`), so every Jupyter process we start gets this
// workspace's node_modules/.bin first on PATH.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const notebooksDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const INSTALL_HINT = [
  "Jupyter is needed to run the notebooks and was not found on PATH.",
  "  Debian/Ubuntu: apt-get install -y --no-install-recommends jupyter-nbconvert python3-nbclient jupyter-client jupyter-notebook",
  "  elsewhere:     pip install jupyterlab",
].join("\n");

/** Node's .bin folders from this package up to the repository root. */
function binDirs() {
  const dirs = [];
  for (let dir = notebooksDir; ; dir = dirname(dir)) {
    const bin = join(dir, "node_modules", ".bin");
    if (existsSync(bin)) dirs.push(bin);
    if (dirname(dir) === dir) return dirs;
  }
}

export const jupyterEnv = {
  ...process.env,
  PATH: [...binDirs(), process.env.PATH ?? ""].join(":"),
  // Debian's ipykernel warns about frozen modules on every start otherwise.
  PYDEVD_DISABLE_FILE_VALIDATION: "1",
};

function run(command, args, options = {}) {
  return spawnSync(command, args, { env: jupyterEnv, encoding: "utf8", ...options });
}

/** The path of the `jupyter` command, or exits with the install hint. */
export function requireJupyter() {
  const probe = run("jupyter", ["nbconvert", "--version"]);
  if (probe.error || probe.status !== 0) {
    console.error(INSTALL_HINT);
    process.exit(1);
  }
  return run("sh", ["-c", "command -v jupyter"]).stdout.trim();
}

/** The Python interpreter that runs `jupyter` (its shebang), where the kernel spec must be registered. */
function jupyterPython(jupyterPath) {
  if (process.env.JUPYTER_PYTHON) return process.env.JUPYTER_PYTHON;
  const firstLine = readFileSync(jupyterPath, "utf8").split("\n", 1)[0] ?? "";
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(firstLine);
  if (!shebang) return "python3";
  // `#!/usr/bin/env python3` names the interpreter in its argument.
  return shebang[1].endsWith("/env") && shebang[2] ? shebang[2] : shebang[1];
}

/** Registers the tslab kernel spec with this Jupyter unless it already knows it. */
export function ensureTslabKernel(jupyterPath) {
  const listed = run("jupyter", ["kernelspec", "list", "--json"]);
  if (listed.status === 0 && JSON.parse(listed.stdout).kernelspecs?.tslab) return;
  const install = run("tslab", ["install", `--python=${jupyterPython(jupyterPath)}`], { stdio: "inherit" });
  if (install.error || install.status !== 0) {
    console.error("Could not register the tslab kernel (`tslab install`).");
    process.exit(1);
  }
}
