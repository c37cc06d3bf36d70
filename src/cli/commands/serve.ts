// `latency-lab serve`: start one server (vLLM or the simulator), keep it up until SIGINT/SIGTERM,
// then stop its whole process group and exit 0. stdout carries only the ready line (with --json,
// exactly one serve@1 document); the server's log goes to --log-file, else to stderr.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { LabError, PreflightError, UsageError, oneLine } from "../../errors";
import { preflight, preflightWarnings } from "../../server/preflight";
import { startServer } from "../../server/launch";
import type { ServerConfig } from "../../server/config";
import type { ServeDocument } from "../../types";
import { withExitCode } from "../action";
import { intFlag, numberFlag } from "./bench";

interface ServeFlags {
  engine: string;
  model: string;
  python?: string;
  host: string;
  port: string;
  gpu?: string;
  fastStart?: boolean;
  seed?: string;
  logFile?: string;
  readyTimeout: string;
  entrypoint: string;
  apiKey?: string;
  tensorParallelSize?: string;
  dtype?: string;
  quantization?: string;
  gpuMemoryUtilization?: string;
  maxModelLen?: string;
  tokenizer?: string;
  servedModelName?: string;
  enablePrefixCaching?: boolean;
  reasoningParser?: string;
  json?: boolean;
}

function toConfig(flags: ServeFlags, extraArgs: string[]): ServerConfig {
  if (flags.engine !== "vllm" && flags.engine !== "sim") throw new UsageError(`--engine must be vllm or sim, got ${JSON.stringify(flags.engine)}`);
  if (flags.entrypoint !== "api_server" && flags.entrypoint !== "serve") throw new UsageError(`--entrypoint must be api_server or serve, got ${JSON.stringify(flags.entrypoint)}`);
  if (flags.model.trim() === "") throw new UsageError("--model is empty; give a Hugging Face id or a local path");
  const gmu = numberFlag("--gpu-memory-utilization", flags.gpuMemoryUtilization);
  if (gmu !== undefined && gmu > 1) throw new UsageError(`--gpu-memory-utilization must be a fraction in (0, 1], got ${flags.gpuMemoryUtilization}`);
  const port = intFlag("--port", flags.port, 0) as number;
  if (port > 65535) throw new UsageError(`--port must be 0–65535, got ${flags.port}`);
  return {
    engine: flags.engine,
    model: flags.model,
    host: flags.host,
    port,
    python: flags.python,
    entrypoint: flags.entrypoint,
    gpu: flags.gpu,
    fastStart: flags.fastStart,
    seed: intFlag("--seed", flags.seed, 0),
    apiKey: flags.apiKey,
    tensorParallelSize: intFlag("--tensor-parallel-size", flags.tensorParallelSize, 1),
    dtype: flags.dtype,
    quantization: flags.quantization ?? null,
    gpuMemoryUtilization: gmu,
    maxModelLen: intFlag("--max-model-len", flags.maxModelLen, 1),
    tokenizer: flags.tokenizer,
    servedModelName: flags.servedModelName,
    enablePrefixCaching: flags.enablePrefixCaching,
    reasoningParser: flags.reasoningParser,
    extraArgs,
    logPath: flags.logFile,
    readyTimeoutMs: (numberFlag("--ready-timeout", flags.readyTimeout) as number) * 1000,
  };
}

/** Copies what the server appends to its log file onto stderr (polling: the file is written by another process). */
function followLog(file: string): () => void {
  let offset = 0;
  const pump = (): void => {
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return;
    }
    if (size <= offset) return;
    const fd = fs.openSync(file, "r");
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    offset = size;
    process.stderr.write(buf);
  };
  const timer = setInterval(pump, 200);
  return () => {
    clearInterval(timer);
    pump();
  };
}

function fail(err: unknown): number {
  process.stderr.write(`latency-lab serve: ${oneLine(err)}\n`);
  if (process.env.LATENCY_LAB_VERBOSE && err instanceof LabError && err.detail) process.stderr.write(`${err.detail}\n`);
  return err instanceof LabError ? err.exitCode : 1;
}

export function define(): Command {
  return new Command("serve")
    .description("Start vLLM (python -m vllm.entrypoints.openai.api_server) or the simulator and keep it up until Ctrl-C.")
    .option("--engine <engine>", "sim (the built-in simulator, default) or vllm", "sim")
    .requiredOption("--model <model>", "Hugging Face id or local path")
    .option("--python <path>", "Python that has vLLM (default: python)")
    .option("--host <host>", "interface to bind (0.0.0.0 exposes the server: use --api-key)", "127.0.0.1")
    .option("--port <port>", "port (0 = a free one)", "8000")
    .option("--entrypoint <kind>", "api_server (the article's) or serve (vllm serve)", "api_server")
    .option("--gpu <id>", "simulator: GPU profile (default t4)")
    .option("--fast-start", "simulator: skip the modelled load delay")
    .option("--seed <n>", "simulator: RNG seed")
    .option("--log-file <path>", "write the server log here (default: a temp file, copied to stderr)")
    .option("--ready-timeout <seconds>", "fail if /health is not 200 by then", "600")
    .option("--api-key <key>", "require this key (passed as VLLM_API_KEY; never written anywhere)")
    .option("--tensor-parallel-size <n>", "vLLM --tensor-parallel-size")
    .option("--dtype <dtype>", "vLLM --dtype (auto, half, float16, bfloat16, float, float32)")
    .option("--quantization <method>", "vLLM --quantization (only for a checkpoint quantized that way)")
    .option("--gpu-memory-utilization <f>", "vLLM --gpu-memory-utilization (fraction of the GPU preallocated)")
    .option("--max-model-len <n>", "vLLM --max-model-len")
    .option("--tokenizer <name>", "vLLM --tokenizer")
    .option("--served-model-name <name>", "vLLM --served-model-name")
    .option("--enable-prefix-caching", "vLLM --enable-prefix-caching")
    .option("--no-enable-prefix-caching", "vLLM --no-enable-prefix-caching")
    .option("--reasoning-parser <name>", "vLLM --reasoning-parser (e.g. deepseek_r1)")
    .option("--json", "print one serve@1 JSON line on stdout once ready")
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(withExitCode(async (flags: ServeFlags, cmd: Command) => {
      let config: ServerConfig;
      try {
        config = toConfig(flags, cmd.args);
        const reasons = await preflight([config]);
        if (reasons.length > 0) throw new PreflightError(reasons);
        for (const w of await preflightWarnings([config])) process.stderr.write(`latency-lab serve: warning: ${w}\n`);
      } catch (err) {
        return fail(err);
      }
      const stopRequested = new AbortController();
      const onSignal = (): void => stopRequested.abort();
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const logPath = config.logPath ?? path.join(os.tmpdir(), `latency-lab-serve-${process.pid}.log`);
      const stopFollowing = flags.logFile ? () => undefined : followLog(logPath);
      try {
        const server = await startServer({ ...config, logPath }, { signal: stopRequested.signal });
        const doc: ServeDocument = {
          schema: "latency-lab/serve@1", engine: config.engine, model: config.model, base_url: server.baseUrl, pid: server.pid,
          load_time_s: server.loadTimeS, phases: server.phases, first_completion_s: server.firstCompletionS, log_file: server.logPath,
        };
        process.stdout.write(flags.json ? `${JSON.stringify(doc)}\n` : `serving ${server.model} at ${server.baseUrl}/v1 (pid ${server.pid}, ready in ${server.loadTimeS.toFixed(1)} s); Ctrl-C stops it\n`);
        const stopped = new Promise<"signal">((resolve) => stopRequested.signal.addEventListener("abort", () => resolve("signal"), { once: true }));
        const why = await Promise.race([stopped, server.exited]);
        await server.stop();
        if (why === "signal") return 0;
        const code = why.exitCode !== null ? `code ${why.exitCode}` : `signal ${why.signal}`;
        return fail(new LabError(`${config.model}: the server exited with ${code} after it was ready; see ${server.logPath}`, { detail: server.logTail().join("\n") }));
      } catch (err) {
        return stopRequested.signal.aborted ? (fail(err), 130) : fail(err);
      } finally {
        stopFollowing();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    }));
}
