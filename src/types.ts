// Shared data types: what crosses module boundaries (records on disk, summaries, CLI JSON
// documents). Every time is a number of milliseconds unless its name says otherwise.
// Monotonic times are offsets (`…Ms`); wall-clock times are ISO strings (`…At`).

/** One summary shape for every metric (sample std, linear-interpolated percentiles). */
export interface Summary {
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Why a request failed. `http`: non-2xx or an error event in a 200 stream. */
export type ErrorKind =
  | "http"
  | "disconnect"
  | "malformed-sse"
  | "timeout"
  | "stall"
  | "server-exit"
  | "connect"
  | "no-tokens";

/**
 * What one SSE data event carried, one character per event (compact on disk, cheap on the hot path):
 *  c = answer text (content), r = reasoning text (`reasoning` or `reasoning_content`),
 *  b = both reasoning and content, n = nothing generated (role-only chunk, empty delta, finish-only),
 *  u = usage-only trailer (choices: []), e = error event.
 */
export type ChunkCode = "c" | "r" | "b" | "n" | "u" | "e";

/** One request as measured. Everything else (TTFT, TPOT, …) is derived from these. */
export interface RequestRecord {
  /** Position in the run (warm-ups first, numbered from 0). */
  index: number;
  /** Free label for grouping, e.g. the prompt class ("short") or "c=16". */
  group: string;
  isWarmup: boolean;
  /** When the schedule wanted this request sent, from run start. */
  scheduledMs: number;
  /** When it was actually sent, from run start (sentMs − scheduledMs = client queueing delay). */
  sentMs: number;
  /** Arrival of every SSE data event except [DONE], as offsets from sentMs. */
  chunkMs: number[];
  /** One ChunkCode per entry of chunkMs. */
  chunkCodes: string;
  httpStatus: number | null;
  ok: boolean;
  errorKind: ErrorKind | null;
  error: string | null;
  finishReason: string | null;
  promptTokens: number | null;
  outputTokens: number | null;
  /** Where outputTokens came from: server usage, or our tokenizer when the server sent no usage. */
  tokenSource: "usage" | "tokenizer" | null;
  /** Concurrency level or request rate this record was measured under, if any. */
  concurrency?: number | null;
  /** Characters of answer and reasoning text received (the text itself is optional). */
  contentChars: number;
  reasoningChars: number;
  text?: string;
  reasoningText?: string;
}

/** Metrics derived from one successful record (ms unless named otherwise). */
export interface RequestMetrics {
  ttftMs: number | null;
  ttfoMs: number | null;
  e2eMs: number | null;
  tpotMs: number | null;
  itlMs: number[];
  outputTokens: number | null;
  decodeTokensPerS: number | null;
  /** The article's formula: tokens / (E2E − TTFT). Kept for comparison only. */
  articleTokensPerS: number | null;
  queueDelayMs: number;
}

export interface ErrorCount {
  kind: ErrorKind;
  message: string;
  count: number;
}

/** `latency-lab bench --json` (schema latency-lab/bench@1). */
export interface BenchDocument {
  schema: "latency-lab/bench@1";
  model: string;
  base_url: string;
  requests: { completed: number; failed: number };
  metrics: {
    ttft_ms: Summary;
    ttfo_ms: Summary;
    tpot_ms: Summary;
    itl_ms: Summary;
    e2e_ms: Summary;
    output_tokens: Summary;
    decode_tokens_per_s: Summary;
  };
  throughput: { requests_per_s: number; output_tokens_per_s: number; total_tokens_per_s: number };
  errors: ErrorCount[];
  /** Extra fields are allowed after the contract's ones. */
  [extra: string]: unknown;
}

export interface ConcurrencyLevel {
  concurrency: number;
  pass: boolean;
  metrics: BenchDocument["metrics"];
  [extra: string]: unknown;
}

/** `latency-lab max-concurrency --json` (schema latency-lab/max-concurrency@1). */
export interface MaxConcurrencyDocument {
  schema: "latency-lab/max-concurrency@1";
  slo: string;
  max_concurrency: number;
  levels: ConcurrencyLevel[];
  [extra: string]: unknown;
}

/** Phases parsed from a vLLM (or simulator) startup log. Absent numbers are null. */
export interface StartupPhases {
  weights_load_s: number | null;
  model_memory_gib: number | null;
  model_load_s: number | null;
  kv_cache_memory_gib: number | null;
  kv_cache_tokens: number | null;
  max_concurrency: number | null;
  max_concurrency_tokens: number | null;
  graph_capture_s: number | null;
  graph_capture_gib: number | null;
  engine_init_s: number | null;
  vllm_version: string | null;
  api_server_url: string | null;
  [extra: string]: unknown;
}

/** `latency-lab serve --json` (schema latency-lab/serve@1). */
export interface ServeDocument {
  schema: "latency-lab/serve@1";
  engine: "sim" | "vllm";
  model: string;
  base_url: string;
  pid: number;
  load_time_s: number;
  phases: StartupPhases;
  [extra: string]: unknown;
}

export interface ReproduceModelResult {
  model: string;
  load_time_s: number | null;
  ttft_ms: { short: Summary; medium: Summary; long: Summary; [promptClass: string]: Summary };
  decode_tokens_per_s: Summary;
  vram_peak_gb: number | null;
  model_footprint_gb: number | null;
  max_concurrency: number | null;
  slo: string;
  [extra: string]: unknown;
}

/** `latency-lab reproduce --json` (schema latency-lab/reproduce@1). */
export interface ReproduceDocument {
  schema: "latency-lab/reproduce@1";
  engine: "sim" | "vllm";
  models: ReproduceModelResult[];
  [extra: string]: unknown;
}

/**
 * One sample of GPU memory in MiB (2^20 bytes, nvidia-smi's unit), from nvidia-smi or the
 * simulator's /metrics. Reports convert to decimal GB (10^9 bytes) in fields named `…_gb`.
 */
export interface MemorySample {
  tMs: number;
  /** What nvidia-smi shows for the server's processes (≈ utilization × total under vLLM). */
  processMiB: number | null;
  /** Whole-GPU used memory. */
  gpuUsedMiB: number | null;
  /** Weights + activations + KV blocks actually in use (simulator /metrics or log + KV usage). */
  footprintMiB: number | null;
}
