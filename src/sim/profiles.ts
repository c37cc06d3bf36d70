// GPU and model profiles, read from data/profiles/*.json (data with sources, not code).
import * as fs from "node:fs";
import { UsageError } from "../errors";
import { projectPath } from "../util/paths";

export interface GpuProfile {
  id: string;
  name: string;
  memory_mib: number;
  memory_bandwidth_gbps: number;
  fp16_tflops: number;
  /** null: no bf16 support (compute capability < 8.0). */
  bf16_tflops: number | null;
  compute_capability: string;
  sources: Record<string, string>;
}

export interface ModelProfile {
  id: string;
  architecture: string;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  intermediate_size: number;
  vocab_size: number;
  tie_word_embeddings: boolean;
  attention_bias: boolean;
  torch_dtype: "bfloat16" | "float16" | "float32";
  max_position_embeddings: number;
  /** The checkpoint's quantization method, null when unquantized. */
  quantization: string | null;
  tokenizer: "qwen2-bpe" | "llama2-sp" | "estimate";
  chat_template_tokens: { fixed: number; per_message: number; why: string };
  bos_tokens: number;
  /** DeepSeek-R1 style: thinks first, then answers after `</think>`. */
  reasoning: boolean;
  output_tokens: { mean: number; shape: number; why: string };
  sources: Record<string, string>;
}

interface Assumption {
  value: number;
  why: string;
}

export interface EngineAssumptions {
  memory_bandwidth_efficiency: Assumption;
  compute_efficiency: Assumption;
  step_overhead_ms: Assumption;
  non_torch_memory_gib: Assumption;
  cuda_graph_memory_gib: Assumption;
  block_size_tokens: Assumption;
  load: Record<"python_import_s" | "disk_bytes_per_s" | "torch_compile_s" | "profile_run_s" | "graph_capture_s" | "api_server_s", Assumption>;
}

let gpus: GpuProfile[] | null = null;
let models: ModelProfile[] | null = null;
let assumptions: EngineAssumptions | null = null;

function readProfile<T>(file: string): T {
  const file_ = projectPath("data", "profiles", file);
  try {
    return JSON.parse(fs.readFileSync(file_, "utf8")) as T;
  } catch (err) {
    throw new UsageError(`cannot read simulator profile ${file_}: ${(err as Error).message}; restore it from git`, { cause: err });
  }
}

export function listGpuProfiles(): GpuProfile[] {
  gpus ??= readProfile<{ gpus: GpuProfile[] }>("gpus.json").gpus;
  return gpus;
}

export function listModelProfiles(): ModelProfile[] {
  models ??= readProfile<{ models: ModelProfile[] }>("models.json").models;
  return models;
}

export function engineAssumptions(): EngineAssumptions {
  assumptions ??= readProfile<EngineAssumptions>("engine.json");
  return assumptions;
}

/** A GPU by id (`t4`, `a100-80gb`, …; case-insensitive). */
export function getGpuProfile(id: string): GpuProfile {
  const gpu = listGpuProfiles().find((g) => g.id === id.toLowerCase());
  if (!gpu) throw new UsageError(`unknown GPU '${id}'; known: ${listGpuProfiles().map((g) => g.id).join(", ")}`);
  return gpu;
}

/** Model profile by full HF id, or by its last path part (case-insensitive). */
export function findModelProfile(modelId: string): ModelProfile | null {
  const want = modelId.toLowerCase().replace(/\/+$/, "");
  const base = want.split("/").pop() ?? want;
  return listModelProfiles().find((m) => m.id.toLowerCase() === want || m.id.toLowerCase().split("/").pop() === base) ?? null;
}

export function getModelProfile(modelId: string): ModelProfile {
  const model = findModelProfile(modelId);
  if (!model) throw new UsageError(`no simulator profile for model '${modelId}'; known: ${listModelProfiles().map((m) => m.id).join(", ")}`);
  return model;
}
