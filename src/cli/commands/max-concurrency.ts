// PLACEHOLDER (being written): the 'max-concurrency' subcommand.
import { Command } from "commander";
import { withExitCode } from "../action";

export function define(): Command {
  return new Command("max-concurrency").description("(not yet built)").action(withExitCode(async () => {
    process.stderr.write("latency-lab max-concurrency: not built yet\n");
    return 1;
  }));
}
