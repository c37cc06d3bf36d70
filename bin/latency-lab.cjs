#!/usr/bin/env node
// Entry point of the `latency-lab` CLI: TypeScript sources run through tsx's CommonJS hook,
// the same sources the tslab notebooks import.
"use strict";
require("tsx/cjs");
require("../src/cli/main.ts").main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`latency-lab: internal error: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 70; },
);
