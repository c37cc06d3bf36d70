// vLLM's command-line flags (the ones the simulator models), plus sim-only flags. Real vLLM
// flags we do not model are accepted with a warning, because people paste real command lines.
import { UsageError } from "../errors";
import { DTYPE_ARGS, type DtypeArg } from "./physics";
import { listGpuProfiles } from "./profiles";

export interface SimOptions {
  host: string;
  port: number;
  model: string;
  tokenizer: string | null;
  servedModelName: string[] | null;
  tensorParallelSize: number;
  dtype: DtypeArg;
  quantization: string | null;
  gpuMemoryUtilization: number;
  /** null: the largest length the model allows (vLLM's default; `-1`/`auto` likewise). */
  maxModelLen: number | null;
  maxNumSeqs: number | null;
  maxNumBatchedTokens: number | null;
  enablePrefixCaching: boolean;
  reasoningParser: string | null;
  apiKey: string | null;
  /** Sim-only. */
  gpu: string;
  fastStart: boolean;
  seed: number;
  /** Emit `reasoning_content` (vLLM before Nov 2025) instead of `reasoning`. */
  legacyReasoningField: boolean;
  /** Flat `{"object":"error",…}` bodies (vLLM before Aug 2025). */
  legacyErrorFormat: boolean;
  /** The engine dies after N finished requests (for /health 503 tests). */
  failAfterRequests: number | null;
  /** Multiplies every modelled startup sleep (1 = realistic, 0 = as --fast-start). */
  loadTimeScale: number;
  /** Flags given explicitly, as vLLM's `non-default args` line shows them (snake_case → value). */
  nonDefaultArgs: Record<string, string | number | boolean | string[]>;
  /** Warnings to log at startup (unmodelled real vLLM flags). */
  warnings: string[];
}

/** Current vLLM main's default (PR #38284, 2026-04-21); releases before used 0.9. */
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.92;
export const DEFAULT_PORT = 8000;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_GPU = "t4";
/** vLLM's own default model when none is given. */
export const DEFAULT_MODEL = "Qwen/Qwen3-0.6B";

export const REASONING_PARSERS = ["deepseek_r1", "deepseek_v3", "qwen3", "granite", "glm45", "mistral", "hunyuan_a13b", "step3", "gpt_oss", "seed_oss", "ernie45", "kimi_k2", "minimax_m2", "olmo3"];

// Real vLLM flags the simulator accepts and ignores; true = takes a value.
const UNMODELLED: Record<string, boolean> = {
  "enforce-eager": false, "trust-remote-code": false, "disable-log-requests": false, "enable-log-requests": false, "disable-log-stats": false,
  "enable-chunked-prefill": false, "no-enable-chunked-prefill": false, "disable-frontend-multiprocessing": false, "enable-auto-tool-choice": false,
  "disable-uvicorn-access-log": false, "enable-force-include-usage": false, "enable-prompt-tokens-details": false, "disable-custom-all-reduce": false,
  "enable-lora": false, "async-scheduling": false, "skip-tokenizer-init": false, "enable-reasoning": false, "disable-fastapi-docs": false,
  "swap-space": true, "block-size": true, "kv-cache-dtype": true, "max-logprobs": true, "chat-template": true, "tool-call-parser": true,
  "uvicorn-log-level": true, "load-format": true, "download-dir": true, "revision": true, "tokenizer-mode": true, "pipeline-parallel-size": true,
  "cpu-offload-gb": true, "max-seq-len-to-capture": true, "compilation-config": true, "generation-config": true, "override-generation-config": true,
  "allowed-origins": true, "root-path": true, "ssl-keyfile": true, "ssl-certfile": true, "data-parallel-size": true, "limit-mm-per-prompt": true,
  "hf-overrides": true, "distributed-executor-backend": true, "max-cudagraph-capture-size": true, "stream-interval": true, "config": true,
  "tokenizer-revision": true, "code-revision": true, "lora-modules": true, "max-loras": true, "api-server-count": true, "middleware": true,
  "max-num-partial-prefills": true, "long-prefill-token-threshold": true, "scheduling-policy": true, "num-gpu-blocks-override": true,
  "rope-scaling": true, "rope-theta": true, "max-parallel-loading-workers": true, "model-impl": true, "structured-outputs-config": true,
  "guided-decoding-backend": true, "speculative-config": true, "kv-transfer-config": true, "prefix-caching-hash-algo": true, "task": true,
  "runner": true, "chat-template-content-format": true, "response-role": true, "max-lora-rank": true, "max-log-len": true,
  "tool-parser-plugin": true, "logits-processors": true, "otlp-traces-endpoint": true, "collect-detailed-traces": true,
  "show-hidden-metrics-for-version": true, "worker-cls": true, "mm-processor-kwargs": true, "log-config-file": true,
  "enable-sleep-mode": false, "disable-sliding-window": false, "disable-cascade-attn": false, "enable-expert-parallel": false,
  "enable-server-load-tracking": false, "return-tokens-as-token-ids": false, "enable-request-id-headers": false, "headless": false,
  "enable-eplb": false, "calculate-kv-scales": false, "disable-async-output-proc": false, "enable-prefix-caching-metrics": false,
};

const BOOL_FLAGS = new Set(["enable-prefix-caching", "no-enable-prefix-caching", "fast-start", "legacy-reasoning-field", "legacy-error-format"]);
const VALUE_FLAGS = new Set([
  "host", "port", "model", "tokenizer", "served-model-name", "tensor-parallel-size", "dtype", "quantization", "gpu-memory-utilization",
  "max-model-len", "max-num-seqs", "max-num-batched-tokens", "reasoning-parser", "api-key", "gpu", "seed", "fail-after-requests", "load-time-scale",
]);
const SHORT: Record<string, string> = { tp: "tensor-parallel-size", q: "quantization" };

function bad(flag: string, value: string, expected: string): UsageError {
  return new UsageError(`--${flag}: expected ${expected}, got '${value}'; fix the value of --${flag}`);
}

function intValue(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(value)) throw bad(flag, value, `an integer`);
  const n = Number(value);
  if (n < min || n > max) throw bad(flag, value, `an integer from ${min} to ${max}`);
  return n;
}

function floatValue(flag: string, value: string, check: (n: number) => boolean, expected: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !check(n)) throw bad(flag, value, expected);
  return n;
}

/** vLLM's human-readable lengths: 1k = 1000, 1K = 1024, 25.6k; -1 or auto = the largest that fits. */
export function parseMaxModelLen(value: string): number | null {
  if (value === "-1" || value === "auto") return null;
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(value);
  if (!m) throw bad("max-model-len", value, "a token count such as 4096, 4k or 4K");
  const mult = { "": 1, k: 1e3, K: 1024, m: 1e6, M: 1024 ** 2 }[m[2] as "" | "k" | "K" | "m" | "M"];
  const n = Number(m[1]) * mult;
  if (!Number.isInteger(n) || n < 1) throw bad("max-model-len", value, "a whole number of tokens ≥ 1");
  return n;
}

/** Parse argv (without node and script). Throws UsageError naming the flag. */
export function parseSimArgs(argv: string[]): SimOptions {
  const o: SimOptions = {
    host: DEFAULT_HOST, port: DEFAULT_PORT, model: DEFAULT_MODEL, tokenizer: null, servedModelName: null, tensorParallelSize: 1,
    dtype: "auto", quantization: null, gpuMemoryUtilization: DEFAULT_GPU_MEMORY_UTILIZATION, maxModelLen: null, maxNumSeqs: null,
    maxNumBatchedTokens: null, enablePrefixCaching: true, reasoningParser: null, apiKey: null, gpu: DEFAULT_GPU, fastStart: false,
    seed: 0, legacyReasoningField: false, legacyErrorFormat: false, failAfterRequests: null, loadTimeScale: 1, nonDefaultArgs: {}, warnings: [],
  };
  const args = [...argv];
  if (args[0] === "serve") args.shift();
  let positionalModel: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith("-") || arg === "-") {
      if (positionalModel !== null) throw new UsageError(`unrecognized arguments: ${arg}; give the model once, positionally or with --model`);
      positionalModel = arg;
      continue;
    }
    const eq = arg.indexOf("=");
    let name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, "").replace(/_/g, "-");
    name = SHORT[name] ?? name;
    const inline = eq >= 0 ? arg.slice(eq + 1) : null;
    const takeValue = (): string => {
      if (inline !== null) return inline;
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) throw new UsageError(`--${name}: expected a value; give --${name} VALUE`);
      i++;
      return next;
    };
    if (name in UNMODELLED) {
      const value = UNMODELLED[name] ? takeValue() : null;
      o.warnings.push(`--${name}${value !== null ? ` ${value}` : ""} is a vLLM flag the simulator does not model; ignored`);
      continue;
    }
    if (BOOL_FLAGS.has(name)) {
      if (inline !== null) throw new UsageError(`--${name}: takes no value; drop '=${inline}'`);
      if (name === "enable-prefix-caching" || name === "no-enable-prefix-caching") {
        o.enablePrefixCaching = name === "enable-prefix-caching";
        o.nonDefaultArgs.enable_prefix_caching = o.enablePrefixCaching;
      } else if (name === "fast-start") o.fastStart = true;
      else if (name === "legacy-reasoning-field") o.legacyReasoningField = true;
      else o.legacyErrorFormat = true;
      continue;
    }
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`unrecognized arguments: ${arg}; see docs/simulator.md for the flags the simulator takes`);
    const value = takeValue();
    const key = name.replace(/-/g, "_");
    switch (name) {
      case "host": o.host = value; break;
      case "port": o.port = intValue(name, value, 0, 65535); break;
      case "model": o.model = value; break;
      case "tokenizer": o.tokenizer = value; break;
      case "served-model-name": {
        const names = [value];
        while (args[i + 1] !== undefined && !(args[i + 1] as string).startsWith("-")) names.push(args[++i] as string);
        o.servedModelName = names;
        break;
      }
      case "tensor-parallel-size": o.tensorParallelSize = intValue(name, value, 1, 8); break;
      case "dtype":
        if (!(DTYPE_ARGS as readonly string[]).includes(value)) throw bad(name, value, `one of ${DTYPE_ARGS.join(", ")}`);
        o.dtype = value as DtypeArg;
        break;
      case "quantization": o.quantization = value; break;
      case "gpu-memory-utilization": o.gpuMemoryUtilization = floatValue(name, value, (n) => n > 0 && n <= 1, "a fraction in (0, 1]"); break;
      case "max-model-len": o.maxModelLen = parseMaxModelLen(value); break;
      case "max-num-seqs": o.maxNumSeqs = intValue(name, value, 1); break;
      case "max-num-batched-tokens": o.maxNumBatchedTokens = intValue(name, value, 1); break;
      case "reasoning-parser":
        if (!REASONING_PARSERS.includes(value)) throw bad(name, value, `one of ${REASONING_PARSERS.join(", ")}`);
        o.reasoningParser = value;
        break;
      case "api-key": o.apiKey = value; break;
      case "gpu": {
        const ids = listGpuProfiles().map((g) => g.id);
        if (!ids.includes(value.toLowerCase())) throw bad(name, value, `one of ${ids.join(", ")}`);
        o.gpu = value.toLowerCase();
        break;
      }
      case "seed": o.seed = intValue(name, value, 0); break;
      case "fail-after-requests": o.failAfterRequests = intValue(name, value, 1); break;
      case "load-time-scale": o.loadTimeScale = floatValue(name, value, (n) => n >= 0, "a number ≥ 0"); break;
    }
    if (!["gpu", "seed", "fail-after-requests", "load-time-scale"].includes(name)) {
      o.nonDefaultArgs[key] = name === "served-model-name" ? (o.servedModelName as string[]) : name === "api-key" ? "***" : (o as unknown as Record<string, string | number>)[camel(name)] ?? value;
    }
  }
  if (positionalModel !== null) {
    o.nonDefaultArgs = { model_tag: positionalModel, ...o.nonDefaultArgs };
    if (o.nonDefaultArgs.model === undefined) o.model = positionalModel;
    o.nonDefaultArgs.model = o.model;
  }
  return o;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
