// Every subcommand, one module each. Each module exports define(): a commander Command whose
// action is wrapped with withExitCode().
import type { Command } from "commander";
import * as serve from "./serve";
import * as bench from "./bench";
import * as maxConcurrency from "./max-concurrency";
import * as reproduce from "./reproduce";
import * as report from "./report";

export const COMMANDS: Array<() => Command> = [serve.define, bench.define, maxConcurrency.define, reproduce.define, report.define];
