#!/usr/bin/env node
// Renders every notebook, with its committed outputs, to HTML in
// docs/notebooks/ (one command: `npm run render -w @svclab/notebooks`), or with
// --check verifies that the committed HTML is what rendering gives now.
//
// nbconvert picks one form of each output. Its default order puts SVG first,
// and Debian's nbconvert 6.5 then strips the SVG markup (its `clean_html`
// filter), leaving a blank gap; PNG is ranked first here, so the pictures'
// PNG copies are shown. Cells tagged `hide-input` (setup, hidden checks)
// show their output only, as in Jupyter.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { jupyterEnv, notebooksDir, requireJupyter } from "./jupyter-env.mjs";

export const docsDir = resolve(notebooksDir, "..", "docs", "notebooks");

const PRIORITY = ["text/html", "application/pdf", "text/latex", "image/png", "image/jpeg", "image/svg+xml", "text/markdown", "text/plain"];

/** Renders the notebooks to HTML files in `outDir`; returns the HTML file names. */
export function render(outDir) {
  requireJupyter();
  const notebooks = readdirSync(notebooksDir).filter((n) => n.endsWith(".ipynb")).sort();
  mkdirSync(outDir, { recursive: true });
  const result = spawnSync(
    "jupyter",
    [
      "nbconvert",
      "--to",
      "html",
      "--TagRemovePreprocessor.enabled=True",
      "--TagRemovePreprocessor.remove_input_tags=hide-input",
      `--NbConvertBase.display_data_priority=${JSON.stringify(PRIORITY)}`,
      "--output-dir",
      outDir,
      ...notebooks.map((n) => join(notebooksDir, n)),
    ],
    { env: jupyterEnv, encoding: "utf8" },
  );
  if (result.status !== 0) {
    console.error(result.stderr);
    throw new Error(`nbconvert --to html failed (exit ${result.status})`);
  }
  return notebooks.map((n) => n.replace(/\.ipynb$/, ".html"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--check")) {
    const fresh = mkdtempSync(join(tmpdir(), "svclab-render-"));
    try {
      const stale = render(fresh).filter((name) => {
        let committed = "";
        try {
          committed = readFileSync(join(docsDir, name), "utf8");
        } catch {
          return true;
        }
        return committed !== readFileSync(join(fresh, name), "utf8");
      });
      const extra = readdirSync(docsDir).filter((n) => n.endsWith(".html") && !readdirSync(fresh).includes(n));
      if (stale.length > 0 || extra.length > 0) {
        for (const name of stale) console.error(`stale   docs/notebooks/${name}`);
        for (const name of extra) console.error(`extra   docs/notebooks/${name} (no such notebook)`);
        console.error("Run `npm run render -w @svclab/notebooks` and commit docs/notebooks.");
        process.exit(1);
      }
      console.log(`ok      docs/notebooks (${readdirSync(fresh).length} HTML files current)`);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  } else {
    for (const name of render(docsDir)) console.log(`rendered docs/notebooks/${name}`);
  }
}
