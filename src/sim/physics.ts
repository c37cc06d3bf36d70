// Pure physics of the simulated GPU: bytes and FLOPs per engine step, a roofline step time,
// memory plan and load time. No I/O besides the profile data; no wall-clock.
import { UsageError } from "../errors";
import { engineAssumptions, type EngineAssumptions, type GpuProfile, type ModelProfile } from "./profiles";

export type Dtype = "float16" | "bfloat16" | "float32";
/** What `--dtype` accepts (vLLM's choices). */
export const DTYPE_ARGS = ["auto", "half", "float16", "bfloat16", "float", "float32"] as const;
export type DtypeArg = (typeof DTYPE_ARGS)[number];

const GIB = 2 ** 30;

export function dtypeBytes(dtype: Dtype): number {
  return dtype === "float32" ? 4 : 2;
}

/** vLLM's dtype resolution: `auto` takes the checkpoint's dtype, bf16 falls back to fp16 below compute capability 8.0. */
export function resolveDtype(gpu: GpuProfile, model: ModelProfile, dtype: DtypeArg): Dtype {
  if (dtype === "half" || dtype === "float16") return "float16";
  if (dtype === "float" || dtype === "float32") return "float32";
  if (dtype === "bfloat16") {
    if (gpu.bf16_tflops === null) {
      throw new UsageError(
        `Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your ${gpu.name} GPU has compute capability ${gpu.compute_capability}. You can use float16 instead by explicitly setting the \`dtype\` flag in CLI, for example: --dtype=half.`,
      );
    }
    return "bfloat16";
  }
  const native = model.torch_dtype;
  return native === "bfloat16" && gpu.bf16_tflops === null ? "float16" : native;
}

/** Parameters by part: one transformer layer, the input embedding table, the LM head, final norm. */
export function paramBreakdown(model: ModelProfile): { perLayer: number; embedding: number; lmHead: number; finalNorm: number; total: number } {
  const h = model.hidden_size;
  const qDim = model.num_attention_heads * model.head_dim;
  const kvDim = model.num_key_value_heads * model.head_dim;
  const attention = h * qDim + 2 * h * kvDim + qDim * h + (model.attention_bias ? qDim + 2 * kvDim : 0);
  const mlp = 3 * h * model.intermediate_size; // gated MLP: gate, up, down
  const perLayer = attention + mlp + 2 * h; // two RMSNorms
  const embedding = model.vocab_size * h;
  const lmHead = model.tie_word_embeddings ? 0 : embedding;
  const finalNorm = h;
  const total = perLayer * model.num_hidden_layers + embedding + lmHead + finalNorm;
  return { perLayer, embedding, lmHead, finalNorm, total };
}

export function paramCount(model: ModelProfile): number {
  return paramBreakdown(model).total;
}

export function weightBytes(model: ModelProfile, dtype: Dtype): number {
  return paramCount(model) * dtypeBytes(dtype);
}

/** Bytes one batch-1 decode step reads: every weight except the input embedding table, plus one row of it. */
export function bytesReadPerDecodeToken(model: ModelProfile, dtype: Dtype): number {
  const p = paramBreakdown(model);
  const lmHead = model.tie_word_embeddings ? p.embedding : p.lmHead; // a tied table is still read whole by the LM head
  return (p.perLayer * model.num_hidden_layers + lmHead + p.finalNorm + model.hidden_size) * dtypeBytes(dtype);
}

/** K and V of one token in every layer. */
export function kvBytesPerToken(model: ModelProfile, dtype: Dtype): number {
  return 2 * model.num_hidden_layers * model.num_key_value_heads * model.head_dim * dtypeBytes(dtype);
}

function peakFlopsPerS(gpu: GpuProfile, dtype: Dtype): number {
  const fp16 = gpu.fp16_tflops * 1e12;
  if (dtype === "bfloat16") return (gpu.bf16_tflops ?? gpu.fp16_tflops) * 1e12;
  return dtype === "float32" ? fp16 / 4 : fp16; // fp32 runs on TF32/CUDA cores: a rough quarter
}

/** One sequence's share of an engine step: tokens computed now, and tokens already in its KV cache. */
export interface StepWork {
  newTokens: number;
  contextTokens: number;
}

export interface StepCost {
  bytes: number;
  flops: number;
  memoryMs: number;
  computeMs: number;
  overheadMs: number;
  stepMs: number;
}

/** Roofline cost of one engine step: max(bytes ÷ (bandwidth·eff), FLOPs ÷ (peak·eff)) + fixed overhead. */
export function engineStepCost(gpu: GpuProfile, model: ModelProfile, dtype: Dtype, work: readonly StepWork[], a: EngineAssumptions = engineAssumptions()): StepCost {
  const overheadMs = a.step_overhead_ms.value;
  if (work.length === 0) return { bytes: 0, flops: 0, memoryMs: 0, computeMs: 0, overheadMs: 0, stepMs: 0 };
  const p = paramBreakdown(model);
  const b = dtypeBytes(dtype);
  const kvPerToken = kvBytesPerToken(model, dtype);
  const attnWidth = model.num_attention_heads * model.head_dim;
  let newTokens = 0;
  let kvBytes = 0;
  let attnFlops = 0;
  for (const w of work) {
    newTokens += w.newTokens;
    kvBytes += (w.contextTokens + w.newTokens) * kvPerToken; // read the cached KV, write the new
    // QKᵀ and AV: 2 matmuls × 2 FLOPs per MAC, each new token against the context plus half the new span
    attnFlops += 4 * model.num_hidden_layers * attnWidth * w.newTokens * (w.contextTokens + (w.newTokens + 1) / 2);
  }
  const lmHeadParams = model.tie_word_embeddings ? p.embedding : p.lmHead;
  const bytes = bytesReadPerDecodeToken(model, dtype) + (newTokens - 1) * model.hidden_size * b + kvBytes;
  // Logits only for the last token of each sequence (vLLM prunes the rest before the LM head).
  const flops = 2 * p.perLayer * model.num_hidden_layers * newTokens + 2 * lmHeadParams * work.length + attnFlops;
  const memoryMs = (bytes / (gpu.memory_bandwidth_gbps * 1e9 * a.memory_bandwidth_efficiency.value)) * 1000;
  const computeMs = (flops / (peakFlopsPerS(gpu, dtype) * a.compute_efficiency.value)) * 1000;
  return { bytes, flops, memoryMs, computeMs, overheadMs, stepMs: Math.max(memoryMs, computeMs) + overheadMs };
}

export function engineStepMs(gpu: GpuProfile, model: ModelProfile, dtype: Dtype, work: readonly StepWork[]): number {
  return engineStepCost(gpu, model, dtype, work).stepMs;
}

/** One decode step of `batch` sequences, each with `contextTokens` already cached. */
export function decodeStepMs(gpu: GpuProfile, model: ModelProfile, opts: { batch: number; contextTokens: number; dtype: Dtype }): number {
  const work = Array.from({ length: opts.batch }, () => ({ newTokens: 1, contextTokens: opts.contextTokens }));
  return engineStepMs(gpu, model, opts.dtype, work);
}

/** Time to prefill one prompt alone (TTFT on an idle server), chunked under the token budget like the scheduler. */
export function prefillMs(
  gpu: GpuProfile,
  model: ModelProfile,
  opts: { promptTokens: number; dtype: Dtype; cachedTokens?: number; maxNumBatchedTokens?: number },
): number {
  const budget = opts.maxNumBatchedTokens ?? Number.POSITIVE_INFINITY;
  let done = Math.min(opts.cachedTokens ?? 0, opts.promptTokens - 1); // at least the last token is recomputed
  let total = 0;
  while (done < opts.promptTokens) {
    const chunk = Math.min(budget, opts.promptTokens - done);
    total += engineStepMs(gpu, model, opts.dtype, [{ newTokens: chunk, contextTokens: done }]);
    done += chunk;
  }
  return total;
}

/** Batch-1 memory-bandwidth bound on decode speed: datasheet bandwidth ÷ bytes read per token (no efficiency, no overhead). */
export function decodeBoundTokensPerS(gpu: GpuProfile, model: ModelProfile, dtype: Dtype): number {
  return (gpu.memory_bandwidth_gbps * 1e9) / bytesReadPerDecodeToken(model, dtype);
}

/** What the simulator serves for one stream: 1000 ÷ the decode step at that context. */
export function modelledDecodeTokensPerS(gpu: GpuProfile, model: ModelProfile, opts: { dtype: Dtype; contextTokens: number; batch?: number }): number {
  return 1000 / decodeStepMs(gpu, model, { batch: opts.batch ?? 1, contextTokens: opts.contextTokens, dtype: opts.dtype });
}

export interface LoadPhasesS {
  importS: number;
  weightsS: number;
  compileS: number;
  profileS: number;
  graphCaptureS: number;
  apiServerS: number;
  totalS: number;
}

/** Modelled startup: imports + weight bytes ÷ disk rate + compile + profiling + graph capture + API server. */
export function modelledLoadPhases(gpu: GpuProfile, model: ModelProfile, dtype: Dtype = resolveDtype(gpu, model, "auto")): LoadPhasesS {
  const l = engineAssumptions().load;
  const weightsS = weightBytes(model, dtype) / l.disk_bytes_per_s.value;
  const phases = {
    importS: l.python_import_s.value,
    weightsS,
    compileS: l.torch_compile_s.value,
    profileS: l.profile_run_s.value,
    graphCaptureS: l.graph_capture_s.value,
    apiServerS: l.api_server_s.value,
  };
  const totalS = Object.values(phases).reduce((s, v) => s + v, 0);
  return { ...phases, totalS };
}

export function modelledLoadTimeS(gpu: GpuProfile, model: ModelProfile): number {
  return modelledLoadPhases(gpu, model).totalS;
}

/** vLLM V1's batch defaults for the OpenAI server: bigger on ≥70 GiB GPUs other than A100. */
export function defaultBatchLimits(gpu: GpuProfile): { maxNumSeqs: number; maxNumBatchedTokens: number } {
  const big = gpu.memory_mib * 2 ** 20 >= 70 * GIB && !gpu.id.startsWith("a100");
  return big ? { maxNumSeqs: 1024, maxNumBatchedTokens: 8192 } : { maxNumSeqs: 256, maxNumBatchedTokens: 2048 };
}

export interface MemoryPlan {
  totalBytes: number;
  /** gpu_memory_utilization × total: what vLLM preallocates, i.e. what nvidia-smi shows for the process. */
  budgetBytes: number;
  weightBytes: number;
  activationBytes: number;
  nonTorchBytes: number;
  cudaGraphBytes: number;
  kvPoolBytes: number;
  blockSizeTokens: number;
  blockBytes: number;
  numBlocks: number;
  kvTokens: number;
}

/** vLLM's memory profiling: the KV pool gets what is left of the budget after weights, activations and overheads. */
export function memoryPlan(
  gpu: GpuProfile,
  model: ModelProfile,
  opts: { dtype: Dtype; gpuMemoryUtilization: number; maxNumBatchedTokens: number; maxNumSeqs: number; tensorParallelSize?: number },
): MemoryPlan {
  const a = engineAssumptions();
  const tp = opts.tensorParallelSize ?? 1;
  const b = dtypeBytes(opts.dtype);
  const totalBytes = gpu.memory_mib * 2 ** 20;
  const budgetBytes = totalBytes * opts.gpuMemoryUtilization;
  const weights = weightBytes(model, opts.dtype) / tp;
  // Profile-run peak: hidden/MLP activations of a full token budget plus fp32 logits for max-num-seqs rows.
  const activationBytes = opts.maxNumBatchedTokens * (4 * model.hidden_size + 2 * model.intermediate_size) * b + opts.maxNumSeqs * model.vocab_size * 4;
  const nonTorchBytes = a.non_torch_memory_gib.value * GIB;
  const cudaGraphBytes = a.cuda_graph_memory_gib.value * GIB;
  const blockSizeTokens = a.block_size_tokens.value;
  const blockBytes = (blockSizeTokens * kvBytesPerToken(model, opts.dtype)) / tp;
  const free = budgetBytes - weights - activationBytes - nonTorchBytes - cudaGraphBytes;
  const numBlocks = Math.max(0, Math.floor(free / blockBytes));
  return {
    totalBytes,
    budgetBytes,
    weightBytes: weights,
    activationBytes,
    nonTorchBytes,
    cudaGraphBytes,
    kvPoolBytes: Math.max(0, free),
    blockSizeTokens,
    blockBytes,
    numBlocks,
    kvTokens: numBlocks * blockSizeTokens,
  };
}
