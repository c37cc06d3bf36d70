// `latency-lab reproduce`: the article's whole experiment (table 7.1) on the simulator or vLLM.
// Progress goes to stderr; stdout carries the table, or with --json exactly one reproduce@1 document.
import * as fs from "node:fs";
import { Command } from "commander";
import { LabError, UsageError, oneLine } from "../../errors";
import { runReproduce, type ReproduceEvent } from "../../experiment/reproduce";
import { renderTable71 } from "../../experiment/table";
import { withExitCode } from "../action";

interface ReproduceFlags {
  engine?: string;
  experiment?: string;
  out?: string;
  json?: boolean;
  python?: string;
  gpu?: string;
  quiet?: boolean;
}

function progressLine(e: ReproduceEvent): string | null {
  const short = (m: string): string => m.split("/").pop() as string;
  switch (e.type) {
    case "warning": return `warning: ${e.message}`;
    case "model": return `[${e.index + 1}/${e.total}] ${e.model}`;
    case "phase": return `  ${short(e.model)}: ${e.phase}${e.detail ? ` ${e.detail}` : ""}`;
    case "done": return e.result.error ? `  ${short(e.model)}: failed: ${e.result.error}` : null;
    default: return null;
  }
}

export function define(): Command {
  return new Command("reproduce")
    .description("Reproduce the article's table 7.1: each model in turn — start, load time, prompt classes, GPU memory, max concurrency, stop.")
    .option("--engine <engine>", "sim or vllm (default: the experiment's, sim for seed-t4)")
    .option("--experiment <file>", "experiment JSON (default data/experiments/seed-t4.json)")
    .option("--out <dir>", "run directory (default data/runs/<timestamp>-<engine>/)")
    .option("--python <path>", "Python that has vLLM (engine vllm)")
    .option("--gpu <id>", "simulator GPU profile (default: the experiment's)")
    .option("--json", "print exactly one reproduce@1 JSON document on stdout")
    .option("--quiet", "no progress lines on stderr")
    .action(withExitCode(async (flags: ReproduceFlags) => {
      const interrupt = new AbortController();
      const onSignal = (): void => {
        if (!interrupt.signal.aborted) process.stderr.write("latency-lab reproduce: interrupted; keeping the records so far and stopping the server\n");
        interrupt.abort();
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      try {
        if (flags.engine !== undefined && flags.engine !== "sim" && flags.engine !== "vllm") throw new UsageError(`--engine must be sim or vllm, got ${JSON.stringify(flags.engine)}`);
        if (flags.out && fs.existsSync(flags.out) && !fs.statSync(flags.out).isDirectory()) throw new UsageError(`--out ${JSON.stringify(flags.out)} is a file; give a directory`);
        const run = await runReproduce({
          experiment: flags.experiment, engine: flags.engine as "sim" | "vllm" | undefined, outDir: flags.out, python: flags.python, gpu: flags.gpu,
          signal: interrupt.signal,
          onProgress: (e) => {
            const line = flags.quiet ? (e.type === "warning" ? progressLine(e) : null) : progressLine(e);
            if (line) process.stderr.write(`latency-lab reproduce: ${line}\n`);
          },
        });
        if (flags.json) process.stdout.write(`${JSON.stringify(run.document)}\n`);
        else process.stdout.write(`${renderTable71(run.table, run.tableNotes)}\n\nRun directory: ${run.runDir}\nElapsed: ${run.elapsedS.toFixed(1)} s\n`);
        if (flags.json) process.stderr.write(`latency-lab reproduce: elapsed ${run.elapsedS.toFixed(1)} s; run directory ${run.runDir}\n`);
        if (run.interrupted) {
          process.stderr.write(`latency-lab reproduce: interrupted; every completed record is in ${run.runDir}\n`);
          return 130;
        }
        for (const f of run.failures) process.stderr.write(`latency-lab reproduce: ${f}\n`);
        return run.failures.length > 0 ? 1 : 0;
      } catch (err) {
        process.stderr.write(`latency-lab reproduce: ${oneLine(err)}\n`);
        if (process.env.LATENCY_LAB_VERBOSE && err instanceof LabError && err.detail) process.stderr.write(`${err.detail}\n`);
        return err instanceof LabError ? err.exitCode : 1;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    }));
}
