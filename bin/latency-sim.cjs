#!/usr/bin/env node
// The CPU simulator of vLLM's OpenAI server: takes `vllm serve` flags (see docs/simulator.md).
"use strict";
require("tsx/cjs");
require("../src/sim/main.ts").main(process.argv.slice(2));
