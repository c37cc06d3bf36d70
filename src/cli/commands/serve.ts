// PLACEHOLDER (being written): the 'serve' subcommand.
import { Command } from "commander";
import { withExitCode } from "../action";

export function define(): Command {
  return new Command("serve").description("(not yet built)").action(withExitCode(async () => {
    process.stderr.write("latency-lab serve: not built yet\n");
    return 1;
  }));
}
