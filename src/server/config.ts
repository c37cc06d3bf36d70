// What it takes to start one server: the engine, the model and the vLLM flags the article uses.
export type Engine = "vllm" | "sim";

export interface ServerConfig {
  engine: Engine;
  model: string;
  /** Default 127.0.0.1: the article's 0.0.0.0 exposes an unauthenticated server. */
  host?: string;
  /** 0 picks a free port before spawning. Default 8000 (vLLM's). */
  port?: number;
  tensorParallelSize?: number;
  dtype?: string;
  quantization?: string | null;
  gpuMemoryUtilization?: number;
  maxModelLen?: number;
  tokenizer?: string;
  servedModelName?: string;
  enablePrefixCaching?: boolean;
  reasoningParser?: string;
  apiKey?: string;
  /** Free extra arguments appended verbatim. */
  extraArgs?: string[];
  /** Python used for vLLM (default `python`; point it at a venv). */
  python?: string;
  /** `api_server`: python -m vllm.entrypoints.openai.api_server (the article); `serve`: vllm serve. */
  entrypoint?: "api_server" | "serve";
  /** Executable for `vllm serve` (default `vllm`). */
  vllmExecutable?: string;
  /** Simulator only: GPU profile, skip the modelled load delay, RNG seed. */
  gpu?: string;
  fastStart?: boolean;
  seed?: number;
  env?: Record<string, string>;
  /** Where the server's stdout+stderr go (default: a temp file). */
  logPath?: string;
  readyTimeoutMs?: number;
  /** Waits between SIGINT, SIGTERM and SIGKILL when stopping (default 5 s, 5 s, 2 s). */
  stopGraceMs?: { interrupt: number; terminate: number; kill: number };
  /** After /health, time one small completion (spawn → first successful completion). Default true. */
  probeCompletion?: boolean;
}

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8000;
export const DEFAULT_READY_TIMEOUT_MS = 600_000;

/** The model id clients must send: the first served name, else the --model string. */
export function servedModel(config: ServerConfig): string {
  return config.servedModelName ?? config.model;
}
