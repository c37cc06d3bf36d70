// Server config → the exact command line: the article's `python -m vllm.entrypoints.openai.api_server …`,
// `vllm serve MODEL …`, or the simulator's entry point with the same flags. Pure.
import { projectPath } from "../util/paths";
import { DEFAULT_HOST, DEFAULT_PORT, type ServerConfig } from "./config";

export interface Argv {
  file: string;
  args: string[];
  /** Extra environment. For vLLM the API key travels here (VLLM_API_KEY), never on the command
   *  line, so neither `ps` nor vLLM's "non-default args" log line shows it. */
  env: Record<string, string>;
}

function keyEnv(config: ServerConfig): Record<string, string> {
  return config.apiKey ? { VLLM_API_KEY: config.apiKey } : {};
}

/** The vLLM flags shared by every entry point (the model itself excluded). */
function engineFlags(config: ServerConfig): string[] {
  const a: string[] = ["--host", config.host ?? DEFAULT_HOST, "--port", String(config.port ?? DEFAULT_PORT)];
  if (config.tokenizer) a.push("--tokenizer", config.tokenizer);
  if (config.servedModelName) a.push("--served-model-name", config.servedModelName);
  if (config.tensorParallelSize !== undefined) a.push("--tensor-parallel-size", String(config.tensorParallelSize));
  if (config.dtype) a.push("--dtype", config.dtype);
  if (config.quantization) a.push("--quantization", config.quantization);
  if (config.gpuMemoryUtilization !== undefined) a.push("--gpu-memory-utilization", String(config.gpuMemoryUtilization));
  if (config.maxModelLen !== undefined) a.push("--max-model-len", String(config.maxModelLen));
  if (config.enablePrefixCaching === true) a.push("--enable-prefix-caching");
  if (config.enablePrefixCaching === false) a.push("--no-enable-prefix-caching");
  if (config.reasoningParser) a.push("--reasoning-parser", config.reasoningParser);
  return a;
}

export function buildVllmArgv(config: ServerConfig): Argv {
  const extra = config.extraArgs ?? [];
  if (config.engine === "sim") {
    const sim = ["--model", config.model, ...engineFlags(config)];
    if (config.gpu) sim.push("--gpu", config.gpu);
    if (config.fastStart) sim.push("--fast-start");
    if (config.seed !== undefined) sim.push("--seed", String(config.seed));
    // The simulator reads the key from its flags only, and masks it in its own log.
    if (config.apiKey) sim.push("--api-key", config.apiKey);
    return { file: process.execPath, args: [projectPath("bin", "latency-sim.cjs"), ...sim, ...extra], env: keyEnv(config) };
  }
  if (config.entrypoint === "serve") {
    return { file: config.vllmExecutable ?? "vllm", args: ["serve", config.model, ...engineFlags(config), ...extra], env: keyEnv(config) };
  }
  // api_server never reads a positional model: it must be --model (vllm-surface.md §1).
  return {
    file: config.python ?? "python",
    args: ["-m", "vllm.entrypoints.openai.api_server", ...engineFlags(config).slice(0, 4), "--model", config.model, ...engineFlags(config).slice(4), ...extra],
    env: keyEnv(config),
  };
}

/** The command line as text with the API key masked, for logs and metadata. */
export function renderCommandLine(argv: Argv): string {
  const out: string[] = [];
  for (let i = 0; i < argv.args.length; i++) {
    const a = argv.args[i] as string;
    out.push(/\s/.test(a) ? JSON.stringify(a) : a);
    if (a === "--api-key" && i + 1 < argv.args.length) {
      out.push("***");
      i++;
    }
  }
  return [argv.file, ...out].join(" ");
}
