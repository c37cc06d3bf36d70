// The article's table 7.1 as terminal text, rendered from the shared rows and notes of
// src/analysis/table-71.ts (the one implementation of the table; this file only formats it).
import type { Table71Notes, Table71Row, Table71RowMetric } from "../analysis/table-71";

/** Short row labels that keep the terminal table narrow. */
const TERMINAL_LABELS: Record<Table71RowMetric, string> = {
  load_time_s: "model load time",
  ttft_short_ms: "TTFT short",
  ttft_medium_ms: "TTFT medium",
  ttft_long_ms: "TTFT long",
  decode_tokens_per_s: "mean output speed",
  vram_peak_gb: "VRAM peak (process, nvidia-smi)",
  model_footprint_gb: "model footprint (weights+act.+KV used)",
  max_concurrency: "max concurrency",
};

function fmt(v: number | null, sd: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return "—";
  const digits = unit === "ms" || unit === "requests" ? 0 : unit === "tokens/s" ? 1 : 2;
  const u = unit === "requests" ? "" : ` ${unit}`;
  return sd !== null ? `${v.toFixed(digits)} ± ${sd.toFixed(digits)}${u}` : `${v.toFixed(digits)}${u}`;
}

/** Plain-text table for a terminal: one column pair (measured | published) per model, notes below. */
export function renderTable71(rows: Table71Row[], notes: Table71Notes = {}, title = "Table 7.1, measured vs published"): string {
  const metrics = [...new Set(rows.map((r) => r.metric))];
  const models = [...new Set(rows.map((r) => r.model))];
  const label = (m: Table71RowMetric): string => TERMINAL_LABELS[m] ?? m;
  const header = ["metric", ...models.flatMap((m) => [`${m.split("/").pop() as string} measured`, "published"])];
  const body = metrics.map((metric) => [label(metric), ...models.flatMap((model) => {
    const r = rows.find((x) => x.metric === metric && x.model === model);
    if (!r) return ["—", "—"];
    return [`${r.measuredIsLowerBound ? "≥ " : ""}${fmt(r.measured, r.measuredStd, r.unit)}`, fmt(r.published, r.publishedPlusMinus, r.unit)];
  })]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ").trimEnd();
  const out = [title, line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line), "", "Notes:"];
  for (const metric of metrics) if (notes[metric]) out.push(`- ${label(metric)}: ${notes[metric]}`);
  return out.join("\n");
}
