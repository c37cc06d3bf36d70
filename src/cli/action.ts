// Shared by every subcommand module.
import type { Command } from "commander";

/** Wraps a subcommand's async action so its returned number becomes the process exit code. */
export function withExitCode<A extends unknown[]>(fn: (...args: A) => Promise<number>) {
  return async function (this: Command, ...args: A): Promise<void> {
    const cmd = args[args.length - 1] as Command & { exitCodeResult?: number };
    cmd.exitCodeResult = await fn(...args);
  };
}
