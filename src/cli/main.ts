// The `latency-lab` command line: parse → call the library → exit code. The only place that
// decides exit codes: 0 done, 1 the server or run could not be used, 2 usage errors.
import { Command, CommanderError } from "commander";
import { LabError, oneLine } from "../errors";
import { toolVersion } from "../util/paths";
import { COMMANDS } from "./commands/index";

export async function main(argv: string[]): Promise<number> {
  const program = new Command("latency-lab")
    .description("Measure how fast language models are served (vLLM or the built-in simulator).")
    .version(toolVersion())
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`latency-lab: ${text.replace(/^error: /, "").trim()}\n`),
    });
  let exitCode = 0;
  for (const define of COMMANDS) {
    const cmd = define();
    cmd.exitOverride();
    cmd.configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`latency-lab ${cmd.name()}: ${text.replace(/^error: /, "").trim()}\n`),
    });
    program.addCommand(cmd);
  }
  program.hook("postAction", (_this, actionCommand) => {
    const code = (actionCommand as Command & { exitCodeResult?: number }).exitCodeResult;
    if (typeof code === "number") exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
      return 2;
    }
    if (err instanceof LabError) {
      process.stderr.write(`latency-lab: ${err.shortMessage}\n`);
      if (process.env.LATENCY_LAB_VERBOSE && err.detail) process.stderr.write(`${err.detail}\n`);
      return err.exitCode;
    }
    process.stderr.write(`latency-lab: ${oneLine(err)}\n`);
    if (process.env.LATENCY_LAB_VERBOSE && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
