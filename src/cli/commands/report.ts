// PLACEHOLDER (being written): the 'report' subcommand.
import { Command } from "commander";
import { withExitCode } from "../action";

export function define(): Command {
  return new Command("report").description("(not yet built)").action(withExitCode(async () => {
    process.stderr.write("latency-lab report: not built yet\n");
    return 1;
  }));
}
