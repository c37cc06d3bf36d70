// Each published number of table 7.1 checked against what the GPU can physically do, using the
// simulator's roofline physics (src/sim): memory bandwidth bounds decode, weights bound memory,
// prefill time bounds TTFT from below, the decode step bounds concurrency under a TPOT SLO.
import { getGpuProfile, getModelProfile } from "../sim/profiles";
import {
  bytesReadPerDecodeToken, decodeBoundTokensPerS, decodeStepMs, defaultBatchLimits, memoryPlan, modelledLoadTimeS,
  paramCount, resolveDtype, weightBytes, type Dtype,
} from "../sim/physics";
import type { PublishedValue } from "./published";

export type Verdict =
  | "exceeds the physical bound" // faster / smaller than the hardware allows
  | "mostly overhead" // physically possible, but the GPU work is a small part of it
  | "far below the capacity" // possible, but the hardware allows much more
  | "no hardware bound" // set by disk, software and settings: compared with the simulator's model only
  | "consistent";

export interface RooflineCheck {
  metric: PublishedValue["metric"];
  model: string;
  published: number;
  unit: string;
  /** The hardware figure the published number is held against, and what it is. */
  bound: number | null;
  boundLabel: string;
  /** published ÷ bound. */
  ratio: number | null;
  verdict: Verdict;
  explanation: string;
}

export interface RooflineOptions {
  gpu?: string;
  /** The article's --gpu-memory-utilization. */
  gpuMemoryUtilization?: number;
  /** The per-token latency limit the article's "max concurrency (<50 ms)" can only mean. */
  sloTpotMs?: number;
  /** Context per sequence assumed for the concurrency bound (prompt + part of the answer). */
  concurrencyContextTokens?: number;
}

/** Prompt tokens the article states per class (~10, ~20, ~100), before the chat template. */
export const ARTICLE_PROMPT_TOKENS: Record<string, number> = { short: 10, medium: 20, long: 100 };

const GB = 1e9;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** The largest batch whose decode step stays within the TPOT limit, capped by max-num-seqs and the KV pool. */
export function maxBatchUnderTpot(gpuId: string, modelId: string, dtype: Dtype, limitMs: number, contextTokens: number, utilization: number): number {
  const gpu = getGpuProfile(gpuId);
  const model = getModelProfile(modelId);
  const limits = defaultBatchLimits(gpu);
  const plan = memoryPlan(gpu, model, { dtype, gpuMemoryUtilization: utilization, maxNumBatchedTokens: limits.maxNumBatchedTokens, maxNumSeqs: limits.maxNumSeqs });
  const cap = Math.min(limits.maxNumSeqs, Math.floor(plan.kvTokens / contextTokens));
  let best = 0;
  for (let b = 1; b <= cap; b++) {
    if (decodeStepMs(gpu, model, { batch: b, contextTokens, dtype }) > limitMs) break;
    best = b;
  }
  return best;
}

/** Least time a prefill of `promptTokens` can take: read every weight once, or do 2 FLOPs per weight per token, whichever is longer. */
export function prefillBoundMs(gpuId: string, modelId: string, dtype: Dtype, promptTokens: number): number {
  const gpu = getGpuProfile(gpuId);
  const model = getModelProfile(modelId);
  const memoryMs = (bytesReadPerDecodeToken(model, dtype) / (gpu.memory_bandwidth_gbps * 1e9)) * 1000;
  const tflops = dtype === "bfloat16" ? (gpu.bf16_tflops ?? gpu.fp16_tflops) : gpu.fp16_tflops;
  const computeMs = ((2 * paramCount(model) * promptTokens) / (tflops * 1e12)) * 1000;
  return Math.max(memoryMs, computeMs);
}

export function rooflineCheck(p: PublishedValue, options: RooflineOptions = {}): RooflineCheck {
  const gpuId = options.gpu ?? "t4";
  const utilization = options.gpuMemoryUtilization ?? 0.9;
  const gpu = getGpuProfile(gpuId);
  const model = getModelProfile(p.model);
  const dtype = resolveDtype(gpu, model, "auto");
  const base = { metric: p.metric, model: p.model, published: p.value, unit: p.unit };
  const on = `${gpu.name}, ${dtype}`;
  switch (p.metric) {
    case "decode_tokens_per_s": {
      const bound = decodeBoundTokensPerS(gpu, model, dtype);
      const gbPerToken = bytesReadPerDecodeToken(model, dtype) / GB;
      const over = p.value > bound;
      return { ...base, bound, boundLabel: `batch-1 bandwidth bound (${on})`, ratio: p.value / bound,
        verdict: over ? "exceeds the physical bound" : "consistent",
        explanation: `each token reads ${gbPerToken.toFixed(2)} GB of weights; ${gpu.memory_bandwidth_gbps} GB/s allows at most ${r1(bound)} tokens/s` +
          (over ? `; ${p.value} is ${(p.value / bound).toFixed(1)}× that (only a ~4-bit checkpoint could do it)` : "") };
    }
    case "vram_peak_gb": {
      const weights = weightBytes(model, dtype) / GB;
      const shown = (gpu.memory_mib * 2 ** 20 * utilization) / GB;
      const below = p.value < weights;
      return { ...base, bound: weights, boundLabel: `${dtype} weights alone`, ratio: p.value / weights,
        verdict: below ? "exceeds the physical bound" : "consistent",
        explanation: (below ? `below the ${weights.toFixed(2)} GB the ${dtype} weights take` : `above the ${weights.toFixed(2)} GB of ${dtype} weights`) +
          `; with --gpu-memory-utilization ${utilization} nvidia-smi would show ≈${shown.toFixed(1)} GB for the server` };
    }
    case "ttft_short_ms":
    case "ttft_medium_ms":
    case "ttft_long_ms": {
      const cls = p.metric.split("_")[1] as string;
      const promptTokens = (ARTICLE_PROMPT_TOKENS[cls] ?? 10) + model.chat_template_tokens.fixed + model.chat_template_tokens.per_message;
      const gpuMs = prefillBoundMs(gpuId, p.model, dtype, promptTokens);
      const share = gpuMs / p.value;
      return { ...base, bound: gpuMs, boundLabel: `GPU prefill of ~${promptTokens} tokens at full bandwidth/FLOP/s (${on})`, ratio: p.value / gpuMs,
        verdict: p.value < gpuMs ? "exceeds the physical bound" : share < 0.5 ? "mostly overhead" : "consistent",
        explanation: `prefill needs ≥ ${r1(gpuMs)} ms on the GPU: ${Math.round(share * 100)} % of ${p.value} ms; the rest is scheduling, HTTP and client overhead` };
    }
    case "max_concurrency": {
      const slo = options.sloTpotMs ?? 50;
      const context = options.concurrencyContextTokens ?? 1024;
      const bound = maxBatchUnderTpot(gpuId, p.model, dtype, slo, context, utilization);
      const far = p.value * 4 <= bound;
      return { ...base, bound, boundLabel: `batch whose decode step ≤ ${slo} ms (${context}-token context, ${on})`, ratio: p.value / bound,
        verdict: far ? "far below the capacity" : p.value > bound ? "exceeds the physical bound" : "consistent",
        explanation: `one decode step of ${bound} sequences fits in ${slo} ms per token (capped by max-num-seqs and the KV pool); the article's ${p.value} names no metric` };
    }
    case "load_time_s": {
      const modelled = modelledLoadTimeS(gpu, model);
      return { ...base, bound: modelled, boundLabel: "simulator's modelled load time (disk, imports, compile, graphs)", ratio: p.value / modelled,
        verdict: "no hardware bound",
        explanation: `not bounded by the GPU: weights (${(weightBytes(model, dtype) / GB).toFixed(2)} GB) from disk, Python imports, torch.compile and graph capture; the simulator models ${r1(modelled)} s` };
    }
  }
}

/** One check per published number (the article's table 7.1), in its order. */
export function rooflineChecks(published: PublishedValue[], options: RooflineOptions = {}): RooflineCheck[] {
  return published.map((p) => rooflineCheck(p, options));
}

/** Batch-1 decode bound per model (for the decode-speed chart). */
export function decodeBounds(models: string[], gpuId = "t4"): Record<string, number> {
  const gpu = getGpuProfile(gpuId);
  const out: Record<string, number> = {};
  for (const id of models) {
    const model = getModelProfile(id);
    out[id] = decodeBoundTokensPerS(gpu, model, resolveDtype(gpu, model, "auto"));
  }
  return out;
}
