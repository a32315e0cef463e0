#!/usr/bin/env node
"use strict";
// The svclab CLI: `svclab run FILE.sh`, `svclab shell` (see `svclab --help`).
const { main } = require("../dist/cli");

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`svclab: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
