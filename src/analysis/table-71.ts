// Table 7.1 rebuilt from a run's summary.json and set beside the published numbers, with deltas,
// and the notes on where the article is wrong. The one implementation: reproduce writes these rows
// into summary.json and renders them in the terminal; the report and notebooks render them too.
import { decodeBoundTokensPerS, resolveDtype, weightBytes } from "../sim/physics";
import { findModelProfile, getGpuProfile } from "../sim/profiles";
import type { ReproduceDocument, ReproduceModelResult, Summary } from "../types";
import type { PublishedValue, Table71Metric } from "./published";

/** Table 7.1's rows plus the model footprint, which the article's "VRAM peak" may have meant. */
export type Table71RowMetric = Table71Metric | "model_footprint_gb";
export const TABLE_71_ROWS: readonly Table71RowMetric[] = [
  "load_time_s", "ttft_short_ms", "ttft_medium_ms", "ttft_long_ms", "decode_tokens_per_s", "vram_peak_gb", "model_footprint_gb", "max_concurrency",
];

export interface Table71Row {
  metric: Table71RowMetric;
  label: string;
  unit: string;
  model: string;
  measured: number | null;
  /** Sample standard deviation across runs where the article printed "mean ± sd". */
  measuredStd: number | null;
  /** The measured value is only a lower bound (max concurrency still within the SLO at the search's limit). */
  measuredIsLowerBound: boolean;
  published: number | null;
  publishedPlusMinus: number | null;
  /** measured − published, and the same as a percentage of published. */
  delta: number | null;
  deltaPct: number | null;
}

export const TABLE_71_LABELS: Record<Table71RowMetric, string> = {
  load_time_s: "Model load time",
  ttft_short_ms: "TTFT, short prompt",
  ttft_medium_ms: "TTFT, medium prompt",
  ttft_long_ms: "TTFT, long prompt",
  decode_tokens_per_s: "Decode speed (mean)",
  vram_peak_gb: "GPU memory peak (process, as nvidia-smi shows)",
  model_footprint_gb: "Model footprint (weights + activations + KV used) vs the published VRAM",
  max_concurrency: "Max concurrency under the SLO",
};

export const TABLE_71_UNITS: Record<Table71RowMetric, string> = {
  load_time_s: "s", ttft_short_ms: "ms", ttft_medium_ms: "ms", ttft_long_ms: "ms",
  decode_tokens_per_s: "tokens/s", vram_peak_gb: "GB", model_footprint_gb: "GB", max_concurrency: "requests",
};

function fromSummary(s: Summary | undefined): [number | null, number | null] {
  return s ? [s.mean, s.std] : [null, null];
}

/** The measured value (and sd, where it is a mean of runs) of one table metric for one model. */
export function measuredValue(m: ReproduceModelResult, metric: Table71RowMetric): [number | null, number | null] {
  switch (metric) {
    case "load_time_s": return [m.load_time_s, null];
    case "ttft_short_ms": return fromSummary(m.ttft_ms.short);
    case "ttft_medium_ms": return fromSummary(m.ttft_ms.medium);
    case "ttft_long_ms": return fromSummary(m.ttft_ms.long);
    case "decode_tokens_per_s": return fromSummary(m.decode_tokens_per_s);
    case "vram_peak_gb": return [m.vram_peak_gb, null];
    case "model_footprint_gb": return [m.model_footprint_gb, null];
    case "max_concurrency": return [m.max_concurrency, null];
  }
}

/** A row with its deltas (measured − published, and as a percentage of published) filled in. */
export function table71Row(r: Omit<Table71Row, "delta" | "deltaPct">): Table71Row {
  const delta = r.measured !== null && r.published !== null ? r.measured - r.published : null;
  return { ...r, delta, deltaPct: delta !== null && r.published !== null && r.published !== 0 ? (delta / r.published) * 100 : null };
}

/** One row per metric × model, in the article's order (plus the footprint); models are the run's, then any only published. */
export function buildTable71(doc: ReproduceDocument, published: PublishedValue[]): Table71Row[] {
  const models = [...doc.models.map((m) => m.model)];
  for (const p of published) if (!models.includes(p.model)) models.push(p.model);
  const rows: Table71Row[] = [];
  for (const metric of TABLE_71_ROWS) {
    // The footprint row is held against the published VRAM figure: the only number it could match.
    const publishedMetric: Table71Metric = metric === "model_footprint_gb" ? "vram_peak_gb" : metric;
    for (const model of models) {
      const result = doc.models.find((m) => m.model === model);
      const pub = published.find((p) => p.metric === publishedMetric && p.model === model);
      const [measured, measuredStd] = result ? measuredValue(result, metric) : [null, null];
      rows.push(table71Row({
        metric, label: TABLE_71_LABELS[metric], unit: TABLE_71_UNITS[metric], model, measured, measuredStd,
        measuredIsLowerBound: metric === "max_concurrency" && result?.max_concurrency_at_limit === true,
        published: pub ? pub.value : null, publishedPlusMinus: pub ? pub.plusMinus : null,
      }));
    }
  }
  return rows;
}

/** What each model's fp16 weights weigh and the batch-1 decode bound on the GPU (from the simulator's profiles). */
function physics(models: string[], gpuId: string): { weightsGb: string; boundTokS: string } {
  let gpu;
  try {
    gpu = getGpuProfile(gpuId);
  } catch {
    return { weightsGb: "", boundTokS: "" };
  }
  const w: string[] = [];
  const b: string[] = [];
  for (const id of models) {
    const p = findModelProfile(id);
    if (!p) continue;
    const dtype = resolveDtype(gpu, p, "auto");
    const name = id.split("/").pop() as string;
    w.push(`${name} ${(weightBytes(p, dtype) / 1e9).toFixed(2)} GB`);
    b.push(`${name} ≤ ${decodeBoundTokensPerS(gpu, p, dtype).toFixed(0)} tok/s`);
  }
  return { weightsGb: w.join(", "), boundTokS: `${b.join(", ")} on a ${gpu.name} (${gpu.memory_bandwidth_gbps} GB/s)` };
}

export type Table71Notes = Partial<Record<Table71RowMetric, string>>;

/** Per metric: how it was measured and where the article is wrong (GPU id as in the simulator's profiles). */
export function table71Notes(doc: ReproduceDocument, gpuId: string): Table71Notes {
  const ph = physics(doc.models.map((m) => m.model), gpuId);
  const slo = doc.models[0]?.slo ?? "";
  return {
    load_time_s: "spawn → /health 200. The article waited for \"Uvicorn running on\", which current vLLM never prints.",
    ttft_short_ms: "Send → first chunk with generated text (reasoning included), role-only chunk excluded; mean ± sd of the measured runs.",
    ttft_medium_ms: "Short-prompt prefill on a T4 is memory-bound (~10–25 ms): the article's 124–189 ms is mostly overhead outside the GPU.",
    decode_tokens_per_s: `Tokens from the server's usage, (n−1)/(E2E−TTFT). The article counted split() words, ≈0 for Chinese text. fp16 batch-1 bound: ${ph.boundTokS}; the article's 76.5 for Phi-3-mini exceeds its bound.`,
    vram_peak_gb: "What nvidia-smi shows: vLLM preallocates gpu-memory-utilization × total (0.9 × 15 GiB ≈ 14 GB). The article's 4.1 / 4.6 GB is neither this nor the footprint below.",
    model_footprint_gb: `Weights + activations + KV actually used. fp16 weights alone: ${ph.weightsGb}, so 4.6 GB cannot hold Phi-3-mini.`,
    max_concurrency: `Largest concurrency with ${slo || "the SLO"} (the article names no metric for "<50 ms"; TTFT is already >120 ms, so it can only be per-token). "≥" marks a model that still passed at the search's limit.`,
  };
}
