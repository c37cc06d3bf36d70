// Parse the load phases out of a vLLM (or simulator) startup log, for every release wording listed
// in shared/reference/vllm-surface.md §2, and name the cause when a start fails. Pure functions.
import type { StartupPhases } from "../types";

/** vLLM's default KV block size, used to turn a V0 "# GPU blocks" count into tokens. */
const DEFAULT_BLOCK_SIZE = 16;

const num = (s: string | undefined): number | null => (s === undefined ? null : Number(s.replace(/,/g, "")));

function lastMatch(text: string, re: RegExp): RegExpMatchArray | null {
  let found: RegExpMatchArray | null = null;
  for (const m of text.matchAll(new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g"))) found = m;
  return found;
}

export function emptyPhases(): StartupPhases {
  return {
    weights_load_s: null, model_memory_gib: null, model_load_s: null, kv_cache_memory_gib: null,
    kv_cache_tokens: null, max_concurrency: null, max_concurrency_tokens: null, graph_capture_s: null,
    graph_capture_gib: null, engine_init_s: null, vllm_version: null, api_server_url: null,
  };
}

/** Every number the startup log states; absent ones stay null. Later lines win (a restart). */
export function parseStartupLog(text: string): StartupPhases {
  const p = emptyPhases();
  let m: RegExpMatchArray | null;
  if ((m = lastMatch(text, /vLLM (?:API )?server version (\S+?),? /))) p.vllm_version = m[1] ?? null;
  else if ((m = lastMatch(text, /vLLM API server version (\S+)/))) p.vllm_version = m[1] ?? null;
  else if ((m = lastMatch(text, /^.*\bversion\s+(\d+\.\d+\S*)\s*$/m))) p.vllm_version = m[1] ?? null;
  if ((m = lastMatch(text, /Loading weights took ([\d.]+) seconds/))) p.weights_load_s = num(m[1]);
  // Current: "Model loading took 3.34 GiB memory and 5.1 seconds"; V1 2025: "took 3.3400 GiB and 5.1 seconds".
  if ((m = lastMatch(text, /Model loading took ([\d.]+) G(?:i)?B(?: memory)? and ([\d.]+) seconds/))) {
    p.model_memory_gib = num(m[1]);
    p.model_load_s = num(m[2]);
  } else if ((m = lastMatch(text, /Loading model weights took ([\d.]+) GB/))) {
    p.model_memory_gib = num(m[1]); // V0 printed bytes / 2**30 labelled "GB": the number is GiB
  }
  if ((m = lastMatch(text, /Available KV cache memory: ([\d.]+) GiB/))) p.kv_cache_memory_gib = num(m[1]);
  if ((m = lastMatch(text, /GPU KV cache size: ([\d,]+) tokens/))) p.kv_cache_tokens = num(m[1]);
  const blocks = lastMatch(text, /# (?:GPU|cuda|\w+) blocks: (\d+), # CPU blocks/) ?? lastMatch(text, /num_gpu_blocks is: (\d+)/);
  if (blocks) {
    p.gpu_blocks = num(blocks[1]);
    if (p.kv_cache_tokens === null && p.gpu_blocks !== null) p.kv_cache_tokens = (p.gpu_blocks as number) * DEFAULT_BLOCK_SIZE;
  }
  if ((m = lastMatch(text, /Maximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x/))) {
    p.max_concurrency_tokens = num(m[1]);
    p.max_concurrency = num(m[2]);
  }
  if ((m = lastMatch(text, /Graph capturing finished in ([\d.]+) secs(?:, took ([\d.]+) GiB)?/))) {
    p.graph_capture_s = num(m[1]);
    p.graph_capture_gib = num(m[2]);
  }
  if ((m = lastMatch(text, /torch\.compile (?:took|takes) ([\d.]+) s in total/))) p.torch_compile_s = num(m[1]);
  if ((m = lastMatch(text, /init engine \(profile, create kv cache, warmup model\) took ([\d.]+) s/))) p.engine_init_s = num(m[1]);
  m = lastMatch(text, /Starting vLLM (?:API )?server (?:\d+ )?on (https?:\/\/\S+)/) ?? lastMatch(text, /Uvicorn running on (https?:\/\/\S+)/);
  if (m) p.api_server_url = m[1] ?? null;
  p.application_startup_complete = /Application startup complete\./.test(text);
  return p;
}

export interface StartFailure {
  /** Short machine-readable reason: oom, awq, quantization, dtype, port-in-use, unknown-model, no-cuda, no-vllm, max-model-len, exited. */
  reason: string;
  /** The cause in words, without the "what to do" part. */
  cause: string;
  hint: string;
}

interface Pattern { re: RegExp; reason: string; cause: (m: RegExpMatchArray) => string; hint: string }

// Most specific first: a vLLM failure log usually ends with a generic "Engine core initialization failed".
const PATTERNS: Pattern[] = [
  { re: /No module named '?vllm'?/, reason: "no-vllm", cause: () => "the Python has no vllm module", hint: "install vLLM in that Python or pass --python pointing at the venv that has it" },
  { re: /Cannot find the config file for (\w+)/, reason: "awq", cause: (m) => `--quantization ${m[1]} on a checkpoint that is not ${(m[1] ?? "").toUpperCase()}-quantized (vLLM: "Cannot find the config file for ${m[1]}")`, hint: "drop --quantization or use a quantized checkpoint" },
  { re: /Quantization method specified in the model config \((\w+)\) does not match .*\((\w+)\)/, reason: "quantization", cause: (m) => `--quantization ${m[2]} does not match the checkpoint's ${m[1]}`, hint: "drop --quantization or pass the checkpoint's own method" },
  { re: /CUDA out of memory|OutOfMemoryError|not enough GPU memory|No available memory for the cache blocks|larger than the available KV cache memory/, reason: "oom", cause: () => "out of GPU memory", hint: "lower --gpu-memory-utilization or --max-model-len, or stop whatever else holds the GPU" },
  { re: /User-specified max_model_len \((\d+)\) is greater than the derived max_model_len/, reason: "max-model-len", cause: (m) => `--max-model-len ${m[1]} is longer than the model supports`, hint: "lower --max-model-len" },
  { re: /Bfloat16 is only supported on GPUs with compute capability of at least 8\.0|has no bfloat16/, reason: "dtype", cause: () => "--dtype bfloat16 on a GPU without bfloat16 (compute capability < 8.0)", hint: "use --dtype half (or auto)" },
  { re: /Address already in use|\[Errno 98\]/, reason: "port-in-use", cause: () => "the port is already in use", hint: "pass another --port or stop the process that holds it" },
  { re: /Repository Not Found|RepositoryNotFoundError|is not a valid model identifier|Invalid repository ID|does not appear to have a file named config\.json|Unknown model/i, reason: "unknown-model", cause: () => "unknown model (not on the Hugging Face Hub, not in the local cache)", hint: "check --model, or log in / download it first" },
  { re: /Found no NVIDIA driver|No CUDA GPUs are available|CUDA driver initialization failed|Failed to infer device type|libcuda\.so|no CUDA/i, reason: "no-cuda", cause: () => "no CUDA GPU available", hint: "run on a machine with an NVIDIA GPU and driver, or use --engine sim" },
];

/** Names why a server exited before it was ready, from its log and exit code. */
export function classifyStartFailure(logText: string, exitCode: number | null, signal?: string | null): StartFailure {
  for (const p of PATTERNS) {
    const m = logText.match(p.re);
    if (m) return { reason: p.reason, cause: p.cause(m), hint: p.hint };
  }
  const how = exitCode !== null ? `code ${exitCode}` : `signal ${signal ?? "unknown"}`;
  return { reason: "exited", cause: `the server exited with ${how} before it was ready`, hint: "see the server log" };
}
