// Table 7.1 rebuilt from a run's summary.json and set beside the published numbers, with deltas.
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

const UNITS: Record<Table71RowMetric, string> = {
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
      const delta = measured !== null && pub ? measured - pub.value : null;
      rows.push({
        metric, label: TABLE_71_LABELS[metric], unit: UNITS[metric], model, measured, measuredStd,
        measuredIsLowerBound: metric === "max_concurrency" && result?.max_concurrency_at_limit === true,
        published: pub ? pub.value : null, publishedPlusMinus: pub ? pub.plusMinus : null,
        delta, deltaPct: delta !== null && pub && pub.value !== 0 ? (delta / pub.value) * 100 : null,
      });
    }
  }
  return rows;
}
