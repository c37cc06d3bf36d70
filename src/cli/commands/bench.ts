// PLACEHOLDER (being written): the 'bench' subcommand.
import { Command } from "commander";
import { withExitCode } from "../action";

export function define(): Command {
  return new Command("bench").description("(not yet built)").action(withExitCode(async () => {
    process.stderr.write("latency-lab bench: not built yet\n");
    return 1;
  }));
}
