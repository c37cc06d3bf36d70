// `latency-lab bench`: measure one model on one OpenAI-compatible server. Flags are validated
// before anything is sent; the server is checked (reachable, serves --model) before the run.
import * as fs from "node:fs";
import { Command } from "commander";
import { LabError, UsageError, oneLine } from "../../errors";
import { withExitCode } from "../action";
import { loadPromptSet, singlePromptSet, type PromptSet } from "../../datasets/prompts";
import { runBench, DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT_S } from "../../load/run-bench";
import { parseSlo } from "../../load/slo";
import { createProgress, renderBenchTable } from "../../render/terminal";

/** Flags shared by bench and max-concurrency (raw strings from commander). */
export interface CommonFlags {
  baseUrl: string;
  model: string;
  prompt?: string;
  promptSet?: string;
  maxTokens?: string;
  ignoreEos?: boolean;
  timeout?: string;
  stallTimeout?: string;
  temperature?: string;
  warmup?: string;
  seed?: string;
  out?: string;
  json?: boolean;
  progress?: boolean;
  apiKey?: string;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--base-url <url>", "OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    .requiredOption("--model <name>", "served model name (as listed by /v1/models)")
    .option("--prompt <text>", "one prompt, sent as a single user turn")
    .option("--prompt-set <name|file>", "bundled set (article), a JSON file, or synthetic:IN:OUT[:COUNT]")
    .option("--max-tokens <k>", `max output tokens per request (default ${DEFAULT_MAX_TOKENS})`)
    .option("--ignore-eos", "keep generating after EOS (exact output lengths)")
    .option("--timeout <seconds>", `per-request time limit (default ${DEFAULT_TIMEOUT_S})`)
    .option("--stall-timeout <seconds>", "longest gap between stream events before a request counts as stalled")
    .option("--temperature <t>", "sampling temperature (default: the server's)")
    .option("--seed <n>", "seed for arrivals and synthetic prompts (default 0)")
    .option("--out <dir>", "write requests.jsonl (as they finish), summary.json and metadata.json here")
    .option("--json", "print exactly one JSON document on stdout")
    .option("--progress", "show the progress line even when stderr is not a terminal")
    .option("--api-key <key>", "API key (default: env OPENAI_API_KEY, else \"none\"); never written anywhere");
}

export function intFlag(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isInteger(v) || v < min) {
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

export function numberFlag(flag: string, raw: string | undefined, opts: { min?: number; allowInf?: boolean } = {}): number | undefined {
  if (raw === undefined) return undefined;
  if (opts.allowInf && /^inf(inity)?$/i.test(raw.trim())) return Infinity;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || v <= (opts.min ?? 0)) {
    throw new UsageError(`${flag} must be a number > ${opts.min ?? 0}${opts.allowInf ? " (or inf)" : ""}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

function temperatureFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || v < 0) throw new UsageError(`--temperature must be a number ≥ 0, got ${JSON.stringify(raw)}`);
  return v;
}

export function promptsFrom(flags: CommonFlags): PromptSet {
  if (flags.prompt !== undefined && flags.promptSet !== undefined) throw new UsageError("give either --prompt or --prompt-set, not both");
  if (flags.prompt === undefined && flags.promptSet === undefined) throw new UsageError("give --prompt TEXT or --prompt-set NAME|FILE");
  if (flags.prompt !== undefined) {
    if (flags.prompt.trim() === "") throw new UsageError("--prompt is empty; give the prompt text");
    return singlePromptSet(flags.prompt);
  }
  return loadPromptSet(flags.promptSet as string, { model: flags.model, seed: intFlag("--seed", flags.seed, 0) ?? 0 });
}

export function checkOutDir(dir: string | undefined): void {
  if (dir === undefined) return;
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`--out ${JSON.stringify(dir)} is a file; give a directory`);
  fs.mkdirSync(dir, { recursive: true });
}

export function commonRunOptions(flags: CommonFlags) {
  if (!/^https?:\/\//.test(flags.baseUrl)) throw new UsageError(`--base-url ${JSON.stringify(flags.baseUrl)} must start with http:// or https://, e.g. http://127.0.0.1:8000/v1`);
  if (flags.model.trim() === "") throw new UsageError("--model is empty; give the served model name");
  return {
    baseUrl: flags.baseUrl,
    model: flags.model,
    apiKey: flags.apiKey ?? process.env.OPENAI_API_KEY ?? "none",
    maxTokens: intFlag("--max-tokens", flags.maxTokens, 1),
    ignoreEos: flags.ignoreEos === true,
    timeoutS: numberFlag("--timeout", flags.timeout),
    stallTimeoutS: numberFlag("--stall-timeout", flags.stallTimeout),
    temperature: temperatureFlag(flags.temperature),
    warmup: intFlag("--warmup", flags.warmup, 0),
    seed: intFlag("--seed", flags.seed, 0),
    outDir: flags.out,
  };
}

/**
 * Ctrl-C: the first stops sending and lets requests in flight finish; the second aborts them.
 * Records of everything that finished are on disk either way.
 */
export function interruptHandling(command: string): { soft: AbortController; hard: AbortController; dispose(): void } {
  const soft = new AbortController();
  const hard = new AbortController();
  const onSigint = (): void => {
    if (!soft.signal.aborted) {
      soft.abort();
      process.stderr.write(`latency-lab ${command}: interrupted; finishing the requests in flight (Ctrl-C again to abort them)\n`);
    } else {
      hard.abort();
    }
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  return { soft, hard, dispose: () => { process.off("SIGINT", onSigint); process.off("SIGTERM", onSigint); } };
}

/** Runs a command body; LabErrors become one stderr line and their exit code. */
export async function runCommand(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    process.stderr.write(`latency-lab ${command}: ${oneLine(err)}\n`);
    return err instanceof LabError ? err.exitCode : 1;
  }
}

interface BenchFlags extends CommonFlags {
  requests?: string;
  concurrency?: string;
  requestRate?: string;
  burstiness?: string;
  duration?: string;
  slo?: string;
}

export function define(): Command {
  const cmd = new Command("bench").description("Measure TTFT, TPOT, ITL, E2E and throughput of one model on an OpenAI-compatible server.");
  addCommonOptions(cmd)
    .option("--requests <n>", "measured requests (default 10)")
    .option("--warmup <n>", "warm-up requests, recorded but excluded (default 1)")
    .option("--concurrency <c>", "requests in flight (closed loop; default 1 = sequential)")
    .option("--request-rate <r>", "open loop: requests per second (Poisson; inf = all at once)")
    .option("--burstiness <b>", "gamma shape of arrival gaps with --request-rate (1 = Poisson)")
    .option("--duration <seconds>", "stop sending after this long")
    .option("--slo <spec>", "also report goodput under this SLO, e.g. tpot:p95<=50ms")
    .action(withExitCode(async (flags: BenchFlags) => runCommand("bench", async () => {
      const common = commonRunOptions(flags);
      const requests = intFlag("--requests", flags.requests, 1) ?? 10;
      const concurrency = intFlag("--concurrency", flags.concurrency, 1);
      const requestRate = numberFlag("--request-rate", flags.requestRate, { allowInf: true });
      if (concurrency !== undefined && requestRate !== undefined) throw new UsageError("give either --concurrency or --request-rate, not both");
      const burstiness = numberFlag("--burstiness", flags.burstiness, { allowInf: true });
      if (burstiness !== undefined && requestRate === undefined) throw new UsageError("--burstiness needs --request-rate");
      const durationS = numberFlag("--duration", flags.duration);
      const slo = flags.slo === undefined ? undefined : parseSlo(flags.slo);
      const set = promptsFrom(flags);
      checkOutDir(common.outDir);

      const progress = createProgress({ total: requests, label: "bench", enabled: flags.progress === true ? true : undefined });
      const intr = interruptHandling("bench");
      try {
        const { document } = await runBench({
          ...common, warmup: common.warmup ?? 1, prompts: set.prompts, requests, concurrency, requestRate, burstiness, durationS, slo,
          signal: intr.soft.signal, hardSignal: intr.hard.signal, command: "bench",
          onRecord: (r) => { if (!r.isWarmup) progress.tick(r.ok); },
        });
        progress.stop();
        for (const w of document.warnings as string[]) process.stderr.write(`latency-lab bench: warning: ${w}\n`);
        process.stdout.write(flags.json ? `${JSON.stringify(document)}\n` : renderBenchTable(document));
        if (document.interrupted) {
          process.stderr.write(`latency-lab bench: interrupted; ${document.requests.completed + document.requests.failed} measured requests kept${common.outDir ? ` in ${common.outDir}` : ""}\n`);
          return 130;
        }
        return 0;
      } finally {
        progress.stop();
        intr.dispose();
      }
    })));
  return cmd;
}
