// The article's table 7.1, measured beside published, with a note where the article is wrong.
// buildTable71 returns rows (data); renderTable71 returns the terminal text.
import type { PublishedRow } from "../config/schema";
import { decodeBoundTokensPerS, resolveDtype, weightBytes } from "../sim/physics";
import { findModelProfile, getGpuProfile } from "../sim/profiles";
import type { ReproduceDocument, ReproduceModelResult, Summary } from "../types";
import { publishedValue } from "./published";

export interface TableCell {
  model: string;
  measured: number | null;
  measured_sd: number | null;
  published: number | null;
  published_sd: number | null;
  /** The measured value is a lower bound (max concurrency passed at the search's limit). */
  at_least?: boolean;
}

export interface TableRow {
  metric: string;
  label: string;
  unit: string;
  cells: TableCell[];
  note: string;
}

interface RowSpec {
  metric: string;
  label: string;
  unit: string;
  /** Published metric key (null: the article has no such row). */
  published: string | null;
  pick: (m: ReproduceModelResult) => { value: number | null; sd: number | null };
}

const fromSummary = (s: Summary | undefined): { value: number | null; sd: number | null } => ({ value: s?.mean ?? null, sd: s?.std ?? null });
const single = (v: number | null): { value: number | null; sd: null } => ({ value: v, sd: null });

const ROWS: RowSpec[] = [
  { metric: "load_time_s", label: "model load time", unit: "s", published: "load_time_s", pick: (m) => single(m.load_time_s) },
  { metric: "ttft_short_ms", label: "TTFT short", unit: "ms", published: "ttft_short_ms", pick: (m) => fromSummary(m.ttft_ms.short) },
  { metric: "ttft_medium_ms", label: "TTFT medium", unit: "ms", published: "ttft_medium_ms", pick: (m) => fromSummary(m.ttft_ms.medium) },
  { metric: "ttft_long_ms", label: "TTFT long", unit: "ms", published: "ttft_long_ms", pick: (m) => fromSummary(m.ttft_ms.long) },
  { metric: "decode_tokens_per_s", label: "mean output speed", unit: "tokens/s", published: "decode_tokens_per_s", pick: (m) => fromSummary(m.decode_tokens_per_s) },
  { metric: "vram_peak_gb", label: "VRAM peak (process, nvidia-smi)", unit: "GB", published: "vram_peak_gb", pick: (m) => single(m.vram_peak_gb) },
  { metric: "model_footprint_gb", label: "model footprint (weights+act.+KV used)", unit: "GB", published: null, pick: (m) => single(m.model_footprint_gb) },
  { metric: "max_concurrency", label: "max concurrency", unit: "requests", published: "max_concurrency", pick: (m) => single(m.max_concurrency) },
];

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

function notes(models: ReproduceModelResult[], ctx: { engine: string; gpu: string }): Record<string, string> {
  const ph = physics(models.map((m) => m.model), ctx.gpu);
  const slo = models[0]?.slo ?? "";
  return {
    load_time_s: "spawn → /health 200. The article waited for \"Uvicorn running on\", which current vLLM never prints.",
    ttft_short_ms: "Send → first chunk with generated text (reasoning included), role-only chunk excluded; mean ± sd of the measured runs.",
    ttft_medium_ms: "Short-prompt prefill on a T4 is memory-bound (~10–25 ms): the article's 124–189 ms is mostly overhead outside the GPU.",
    ttft_long_ms: "",
    decode_tokens_per_s: `Tokens from the server's usage, (n−1)/(E2E−TTFT). The article counted split() words, ≈0 for Chinese text. fp16 batch-1 bound: ${ph.boundTokS}; the article's 76.5 for Phi-3-mini exceeds its bound.`,
    vram_peak_gb: "What nvidia-smi shows: vLLM preallocates gpu-memory-utilization × total (0.9 × 15 GiB ≈ 14 GB). The article's 4.1 / 4.6 GB is neither this nor the footprint below.",
    model_footprint_gb: `Weights + activations + KV actually used. fp16 weights alone: ${ph.weightsGb}, so 4.6 GB cannot hold Phi-3-mini.`,
    max_concurrency: `Largest concurrency with ${slo || "the SLO"} (the article names no metric for "<50 ms"; TTFT is already >120 ms, so it can only be per-token). "≥" marks a model that still passed at the search's limit.`,
  };
}

export function buildTable71(doc: ReproduceDocument, published: PublishedRow[], ctx: { engine: string; gpu: string }): TableRow[] {
  const n = notes(doc.models, ctx);
  return ROWS.map((spec) => ({
    metric: spec.metric,
    label: spec.label,
    unit: spec.unit,
    note: n[spec.metric] ?? "",
    cells: doc.models.map((m) => {
      const { value, sd } = spec.pick(m);
      const p = spec.published ? publishedValue(published, spec.published, m.model) : null;
      const cell: TableCell = { model: m.model, measured: value, measured_sd: sd, published: p?.value ?? null, published_sd: p?.plus_minus ?? null };
      if (spec.metric === "max_concurrency" && m.max_concurrency_at_limit === true) cell.at_least = true;
      return cell;
    }),
  }));
}

function fmt(v: number | null, sd: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return "—";
  const digits = unit === "ms" || unit === "requests" ? 0 : unit === "tokens/s" ? 1 : 2;
  const u = unit === "requests" ? "" : ` ${unit}`;
  return sd !== null ? `${v.toFixed(digits)} ± ${sd.toFixed(digits)}${u}` : `${v.toFixed(digits)}${u}`;
}

/** Plain-text table for a terminal: one column pair (measured | published) per model, notes below. */
export function renderTable71(rows: TableRow[], title = "Table 7.1, measured vs published"): string {
  const models = rows[0]?.cells.map((c) => c.model.split("/").pop() as string) ?? [];
  const header = ["metric", ...models.flatMap((m) => [`${m} measured`, "published"])];
  const body = rows.map((r) => [r.label, ...r.cells.flatMap((c) => [`${c.at_least ? "≥ " : ""}${fmt(c.measured, c.measured_sd, r.unit)}`, fmt(c.published, c.published_sd, r.unit)])]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ").trimEnd();
  const out = [title, line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line), "", "Notes:"];
  for (const r of rows) if (r.note) out.push(`- ${r.label}: ${r.note}`);
  return out.join("\n");
}
