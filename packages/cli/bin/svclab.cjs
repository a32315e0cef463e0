#!/usr/bin/env node
"use strict";
// The svclab CLI: `svclab run FILE.sh`, `svclab shell` (see `svclab --help`).

// V8's compiled code for the modules (the shell's 2 MiB bundle, yaml) is kept
// between runs: a tenth less CPU for a `svclab run`. DISABLE_V8_COMPILE_CACHE=1 turns it off.
require("v8-compile-cache");

let cli;
try {
  cli = require("../dist/index");
} catch (err) {
  if (err && err.code === "MODULE_NOT_FOUND" && String(err.message).includes("dist/index")) {
    process.stderr.write("svclab: @svclab/cli is not built yet; run `npm run build` in the repository first\n");
    process.exit(1);
  }
  throw err;
}

// Pipes are asynchronous in Node; a terminal transcript needs stdout and
// stderr written in order, as a shell's children write them.
for (const stream of [process.stdout, process.stderr]) {
  if (stream._handle && typeof stream._handle.setBlocking === "function") stream._handle.setBlocking(true);
}

cli.main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`svclab: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
