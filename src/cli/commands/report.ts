// `latency-lab report RUN_DIR [--out FILE.html] [--gpu ID] [--json]`: the standalone HTML report of a run.
import * as path from "node:path";
import { Command } from "commander";
import { LabError, oneLine } from "../../errors";
import { writeReport } from "../../render/report";
import { withExitCode } from "../action";

interface ReportFlags {
  out?: string;
  gpu?: string;
  chartsOnly?: boolean;
  json?: boolean;
}

export function define(): Command {
  return new Command("report")
    .description("Write a standalone HTML report (table 7.1 vs published, roofline checks, charts) of a reproduce run dir.")
    .argument("<run-dir>", "a run dir written by `latency-lab reproduce` (data/runs/<timestamp>-<engine>)")
    .option("--out <file>", "HTML file to write (default: <run-dir>/report.html)")
    .option("--gpu <id>", "GPU profile for the roofline checks (default: the run's, else t4)")
    .option("--charts-only", "only the header and the charts, two per row (for screenshots)")
    .option("--json", "print one JSON document instead of the path")
    .action(withExitCode(async (runDir: string, flags: ReportFlags) => {
      try {
        const result = writeReport(runDir, flags.out ?? path.join(runDir, "report.html"), { gpu: flags.gpu, chartsOnly: flags.chartsOnly });
        process.stdout.write(flags.json
          ? JSON.stringify({ schema: "latency-lab/report@1", out: result.outFile, charts: result.charts, bytes: result.bytes }) + "\n"
          : `${result.outFile}\n`);
        return 0;
      } catch (err) {
        process.stderr.write(`latency-lab report: ${oneLine(err)}\n`);
        return err instanceof LabError ? err.exitCode : 1;
      }
    }));
}
