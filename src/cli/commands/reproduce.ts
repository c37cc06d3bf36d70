// PLACEHOLDER (being written): the 'reproduce' subcommand.
import { Command } from "commander";
import { withExitCode } from "../action";

export function define(): Command {
  return new Command("reproduce").description("(not yet built)").action(withExitCode(async () => {
    process.stderr.write("latency-lab reproduce: not built yet\n");
    return 1;
  }));
}
