// From flags to a runnable engine plan, failing the way vLLM fails (same text, same stage),
// and the startup log lines vLLM prints (vllm-surface.md §2-3).
import { ServerStartError } from "../errors";
import type { SimOptions } from "./args";
import {
  defaultBatchLimits, memoryPlan, modelledLoadPhases, resolveDtype, weightBytes,
  type Dtype, type LoadPhasesS, type MemoryPlan,
} from "./physics";
import { findModelProfile, getGpuProfile, listModelProfiles, type GpuProfile, type ModelProfile } from "./profiles";

/** The vLLM release whose behaviour is modelled (main at 2026-05-19, before v0.21.0), marked as simulated. */
export const SIM_VLLM_VERSION = "0.20.2+sim";
const GIB = 2 ** 30;

export type StartupStage = "config" | "engine-init" | "kv-cache";

/** Startup failed like vLLM would: `logLines` is what vLLM prints (stderr), `shortMessage` one line for us. */
export class SimStartupError extends ServerStartError {
  constructor(
    reason: string,
    shortMessage: string,
    readonly stage: StartupStage,
    readonly logLines: string[],
  ) {
    super(reason, shortMessage, { detail: logLines.join("\n") });
  }
}

export interface BootPlan {
  options: SimOptions;
  gpu: GpuProfile;
  model: ModelProfile;
  dtype: Dtype;
  servedNames: string[];
  maxModelLen: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  plan: MemoryPlan;
  load: LoadPhasesS;
}

// Quantization methods that need a config file in the checkpoint (get_quant_config looks for one).
const FILE_BASED_QUANT = new Set(["awq", "awq_marlin", "gptq", "gptq_marlin", "gptq_marlin_24", "marlin", "compressed-tensors", "modelopt", "bitsandbytes", "gguf"]);

function pydanticFailure(cls: string, message: string, inputRepr: string): string[] {
  return [
    "Traceback (most recent call last):",
    '  File "/usr/local/bin/vllm", line 10, in <module>',
    "    sys.exit(main())",
    "  ...",
    `pydantic_core._pydantic_core.ValidationError: 1 validation error for ${cls}`,
    `  Value error, ${message} [type=value_error, input_value=${inputRepr}, input_type=ArgsKwargs]`,
    "    For further information visit https://errors.pydantic.dev/2.13/v/value_error",
  ];
}

function engineFailure(message: string): string[] {
  return [`ERROR [core.py:866] EngineCore failed to start.`, "Traceback (most recent call last):", "  ...", `ValueError: ${message}`];
}

const ENGINE_INIT_FAILED = "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {'EngineCore_DP0': 1}";

/** Resolve flags against the profiles. Throws SimStartupError at the stage vLLM would fail. */
export function planBoot(o: SimOptions): BootPlan {
  const gpu = getGpuProfile(o.gpu);
  const model = findModelProfile(o.model);
  if (!model) {
    const msg = `Invalid repository ID or local directory specified: '${o.model}'.\nPlease verify the following requirements:\n1. Provide a valid Hugging Face repository ID.\n2. Specify a local directory that contains a recognized configuration file.\n   - For Hugging Face models: ensure the presence of a 'config.json'.\n   - For Mistral models: ensure the presence of a 'params.json'.`;
    throw new SimStartupError(
      "unknown-model",
      `no simulator profile for model '${o.model}'; known: ${listModelProfiles().map((m) => m.id).join(", ")} (add one to data/profiles/models.json)`,
      "config",
      pydanticFailure("ModelConfig", msg, `ArgsKwargs((), {'model': '${o.model}', ...})`),
    );
  }
  if (o.quantization !== null && model.quantization === null && FILE_BASED_QUANT.has(o.quantization)) {
    throw new SimStartupError(
      "quantization",
      `--quantization ${o.quantization}: ${model.id} is not a ${o.quantization} checkpoint (Cannot find the config file for ${o.quantization}); drop --quantization or use a quantized checkpoint`,
      "config",
      pydanticFailure("VllmConfig", `Cannot find the config file for ${o.quantization}`, "ArgsKwargs((), {'model_config': ModelConfig(...), 'cache_config': CacheConfig(...), ...})"),
    );
  }
  if (o.quantization !== null && model.quantization !== null && o.quantization !== model.quantization) {
    const msg = `Quantization method specified in the model config (${model.quantization}) does not match the quantization method specified in the \`quantization\` argument (${o.quantization}).`;
    throw new SimStartupError("quantization", `--quantization ${o.quantization}: ${msg}`, "config", pydanticFailure("ModelConfig", msg, "ArgsKwargs(...)"));
  }
  const derived = model.max_position_embeddings;
  if (o.maxModelLen !== null && o.maxModelLen > derived) {
    const msg = `User-specified max_model_len (${o.maxModelLen}) is greater than the derived max_model_len (max_position_embeddings=${derived} or model_max_length=None in model's config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1. VLLM_ALLOW_LONG_MAX_MODEL_LEN must be used with extreme caution. If the model uses relative position encoding (RoPE), positions exceeding derived_max_model_len lead to nan. If the model uses absolute position encoding, positions exceeding derived_max_model_len will cause a CUDA array out-of-bounds error.`;
    throw new SimStartupError("max-model-len", `--max-model-len ${o.maxModelLen} exceeds ${model.id}'s ${derived}; lower --max-model-len`, "config", pydanticFailure("ModelConfig", msg, "ArgsKwargs(...)"));
  }
  let dtype: Dtype;
  try {
    dtype = resolveDtype(gpu, model, o.dtype);
  } catch (err) {
    const msg = (err as Error).message;
    throw new SimStartupError("dtype", `--dtype ${o.dtype}: ${gpu.name} has no bfloat16; use --dtype half`, "engine-init", [...engineFailure(msg), ENGINE_INIT_FAILED]);
  }
  const defaults = defaultBatchLimits(gpu);
  const maxNumSeqs = o.maxNumSeqs ?? defaults.maxNumSeqs;
  const maxNumBatchedTokens = o.maxNumBatchedTokens ?? defaults.maxNumBatchedTokens;
  const plan = memoryPlan(gpu, model, { dtype, gpuMemoryUtilization: o.gpuMemoryUtilization, maxNumBatchedTokens, maxNumSeqs, tensorParallelSize: o.tensorParallelSize });
  const load = modelledLoadPhases(gpu, model, dtype);
  if (weightBytes(model, dtype) / o.tensorParallelSize + plan.nonTorchBytes > plan.budgetBytes) {
    throw new SimStartupError("oom", `${model.id} weights do not fit in ${o.gpuMemoryUtilization} × ${gpu.name} memory; raise --gpu-memory-utilization or use a bigger --gpu`, "engine-init", [
      ...engineFailure("Failed to load model - not enough GPU memory. Try lowering --gpu-memory-utilization to free memory for weights, increasing --tensor-parallel-size, or using --quantization."),
      ENGINE_INIT_FAILED,
    ]);
  }
  // vLLM's default max_model_len is the model's; with -1/auto it is the largest that fits.
  const maxModelLen = o.maxModelLen ?? derived;
  if (plan.kvTokens < maxModelLen) {
    const needGiB = ((maxModelLen / plan.blockSizeTokens) * plan.blockBytes) / GIB;
    const availGiB = plan.kvPoolBytes / GIB;
    const msg =
      plan.numBlocks === 0
        ? "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine. See https://docs.vllm.ai/en/latest/configuration/conserving_memory/ for more details."
        : `To serve at least one request with the model's max seq len (${maxModelLen}), (${needGiB.toFixed(2)} GiB KV cache is needed, which is larger than the available KV cache memory (${availGiB.toFixed(2)} GiB). Based on the available memory, the estimated maximum model length is ${plan.kvTokens}. Try increasing \`gpu_memory_utilization\` (which also controls CPU memory on the CPU backend) or decreasing \`max_model_len\` when initializing the engine. See https://docs.vllm.ai/en/latest/configuration/conserving_memory/ for more details.`;
    throw new SimStartupError("kv-cache", `KV cache holds ${plan.kvTokens} tokens, less than --max-model-len ${maxModelLen}; lower --max-model-len or raise --gpu-memory-utilization`, "kv-cache", [...engineFailure(msg), ENGINE_INIT_FAILED]);
  }
  return { options: o, gpu, model, dtype, servedNames: o.servedModelName ?? [o.model], maxModelLen, maxNumSeqs, maxNumBatchedTokens, plan, load };
}

/** Python repr of the non-default args dict. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(", ")}}`;
}

/** 1234567 → "1,234,567" (Python's `{:,}`). */
export function commaGroup(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export const ROUTES: Array<[string, string]> = [
  ["/health", "GET"], ["/ping", "GET, POST"], ["/version", "GET"], ["/metrics", "GET"], ["/v1/models", "GET"],
  ["/v1/chat/completions", "POST"], ["/v1/completions", "POST"],
];

/** One startup phase: how long to wait (modelled seconds) and what to print after it. */
export interface StartupPhase {
  waitS: number;
  lines: Array<{ proc: "APIServer" | "EngineCore"; file: string; msg: string }>;
}

/** vLLM's startup log, phase by phase (the last phase's lines come once the socket is bound). */
export function startupPhases(b: BootPlan, host: string, port: number): StartupPhase[] {
  const l = b.load;
  const o = b.options;
  const A = "APIServer" as const;
  const E = "EngineCore" as const;
  const modelGiB = Math.round((b.plan.weightBytes / GIB) * 100) / 100;
  const kvGiB = (b.plan.kvPoolBytes / GIB).toFixed(2);
  const initS = l.compileS + l.profileS + l.graphCaptureS;
  const config = `model='${o.model}', speculative_config=None, tokenizer='${o.tokenizer ?? o.model}', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.${b.dtype}, max_seq_len=${b.maxModelLen}, download_dir=None, load_format=auto, tensor_parallel_size=${o.tensorParallelSize}, pipeline_parallel_size=1, data_parallel_size=1, disable_custom_all_reduce=False, quantization=${o.quantization ?? "None"}, enforce_eager=False, kv_cache_dtype=auto, device_config=cuda, seed=${o.seed}, served_model_name=${b.servedNames[0]}, enable_prefix_caching=${o.enablePrefixCaching ? "True" : "False"}, enable_chunked_prefill=True, simulated_gpu=${b.gpu.id}`;
  return [
    {
      waitS: l.importS,
      lines: [
        { proc: A, file: "utils.py:299", msg: `vLLM server version ${SIM_VLLM_VERSION}, serving model ${o.model}` },
        { proc: A, file: "utils.py:253", msg: `non-default args: ${pyRepr(o.nonDefaultArgs)}` },
      ],
    },
    {
      waitS: 0,
      lines: [
        { proc: E, file: "core.py:105", msg: `Initializing a V1 LLM engine (v${SIM_VLLM_VERSION}) with config: ${config}` },
        { proc: E, file: "gpu_model_runner.py:3416", msg: `Starting to load model ${o.model}...` },
      ],
    },
    {
      waitS: l.weightsS,
      lines: [
        { proc: E, file: "default_loader.py:314", msg: `Loading weights took ${l.weightsS.toFixed(2)} seconds` },
        { proc: E, file: "gpu_model_runner.py:3498", msg: `Model loading took ${modelGiB} GiB memory and ${(l.weightsS + 0.35).toFixed(6)} seconds` },
      ],
    },
    {
      waitS: l.compileS,
      lines: [
        { proc: E, file: "monitor.py:34", msg: `Dynamo bytecode transform time: ${(l.compileS * 0.6).toFixed(2)} s` },
        { proc: E, file: "monitor.py:48", msg: `torch.compile took ${l.compileS.toFixed(2)} s in total` },
      ],
    },
    {
      waitS: l.profileS,
      lines: [
        { proc: E, file: "gpu_worker.py:392", msg: `Available KV cache memory: ${kvGiB} GiB` },
        { proc: E, file: "kv_cache_utils.py:1229", msg: `GPU KV cache size: ${commaGroup(b.plan.kvTokens)} tokens` },
        { proc: E, file: "kv_cache_utils.py:1234", msg: `Maximum concurrency for ${commaGroup(b.maxModelLen)} tokens per request: ${(b.plan.kvTokens / b.maxModelLen).toFixed(2)}x` },
      ],
    },
    {
      waitS: l.graphCaptureS,
      lines: [
        { proc: E, file: "gpu_model_runner.py:4433", msg: `Graph capturing finished in ${Math.round(l.graphCaptureS)} secs, took ${(b.plan.cudaGraphBytes / GIB).toFixed(2)} GiB` },
        { proc: E, file: "core.py:260", msg: `init engine (profile, create kv cache, warmup model) took ${initS.toFixed(2)} s (compilation: ${l.compileS.toFixed(2)} s)` },
      ],
    },
    {
      waitS: l.apiServerS,
      lines: [
        { proc: A, file: "api_server.py:1680", msg: `Supported tasks: ('generate',)` },
        { proc: A, file: "api_server.py:1958", msg: `Starting vLLM server on http://${host}:${port}` },
        { proc: A, file: "launcher.py:46", msg: "Available routes are:" },
        ...ROUTES.map(([path, methods]) => ({ proc: A, file: "launcher.py:54", msg: `Route: ${path}, Methods: ${methods}` })),
      ],
    },
  ];
}
