// `latency-lab max-concurrency`: the largest concurrency whose requests meet an SLO (default
// p95 TPOT ≤ 50 ms, the article's "max concurrency (<50 ms latency)" made explicit).
import { Command } from "commander";
import { withExitCode } from "../action";
import { findMaxConcurrency, DEFAULT_MAX_CONCURRENCY_LIMIT } from "../../load/slo-search";
import { DEFAULT_SLO, parseSlo } from "../../load/slo";
import { createProgress, renderMaxConcurrencyTable } from "../../render/terminal";
import { addCommonOptions, checkOutDir, commonRunOptions, intFlag, interruptHandling, promptsFrom, runCommand, type CommonFlags } from "./bench";

interface MaxConcurrencyFlags extends CommonFlags {
  slo?: string;
  maxConcurrencyLimit?: string;
  requestsPerLevel?: string;
}

export function define(): Command {
  const cmd = new Command("max-concurrency").description("Find the largest concurrency that meets an SLO (doubling, then bisection).");
  addCommonOptions(cmd)
    .option("--slo <spec>", `objective, e.g. "tpot:p95<=50ms" or "ttft:p99<=1s,tpot:mean<40ms" (default ${DEFAULT_SLO})`)
    .option("--max-concurrency-limit <n>", `highest concurrency to try (default ${DEFAULT_MAX_CONCURRENCY_LIMIT})`)
    .option("--requests-per-level <n>", "completed requests per level (default max(32, 2 × concurrency))")
    .option("--warmup <n>", "warm-up requests before the first level (default 1)")
    .action(withExitCode(async (flags: MaxConcurrencyFlags) => runCommand("max-concurrency", async () => {
      const common = commonRunOptions(flags);
      const slo = parseSlo(flags.slo ?? DEFAULT_SLO);
      const maxConcurrencyLimit = intFlag("--max-concurrency-limit", flags.maxConcurrencyLimit, 1);
      const requestsPerLevel = intFlag("--requests-per-level", flags.requestsPerLevel, 1);
      const set = promptsFrom(flags);
      checkOutDir(common.outDir);

      const progress = createProgress({ total: null, label: "c=1", enabled: flags.progress === true ? true : undefined });
      const intr = interruptHandling("max-concurrency");
      try {
        const { document } = await findMaxConcurrency({
          ...common, warmup: common.warmup ?? 1, prompts: set.prompts, slo, maxConcurrencyLimit, requestsPerLevel,
          signal: intr.soft.signal, hardSignal: intr.hard.signal,
          onRecord: (r) => { if (!r.isWarmup) progress.tick(r.ok); },
          onLevel: (l) => progress.setLabel(`c=${l.concurrency} ${l.pass ? "pass" : "fail"};`),
        });
        progress.stop();
        process.stdout.write(flags.json ? `${JSON.stringify(document)}\n` : renderMaxConcurrencyTable(document));
        return document.interrupted ? 130 : 0;
      } finally {
        progress.stop();
        intr.dispose();
      }
    })));
  return cmd;
}
