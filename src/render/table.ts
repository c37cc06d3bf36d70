// Plain rows and summaries → HTML / Markdown strings. Returns strings; never displays.
import type { Table71Row } from "../analysis/table-71";
import type { Summary } from "../types";

export type Cell = string | number | boolean | null | undefined;
export type TableRow = Record<string, Cell>;

/** Integers keep every digit (grouped); other numbers keep 4 significant digits; null is "—". */
export function formatNumber(x: Cell): string {
  if (x === null || x === undefined) return "—";
  if (typeof x !== "number") return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return x.toLocaleString("en-US");
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  return String(Number(x.toPrecision(4)));
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const TABLE_STYLE = "border-collapse:collapse;font:13px/1.4 system-ui,sans-serif";
const CELL_STYLE = "border:1px solid #ccc;padding:3px 8px";

/** Rows → an HTML table; columns are the first row's keys unless given. */
export function renderRowsHtml(rows: TableRow[], options: { caption?: string; columns?: string[] } = {}): string {
  const columns = options.columns ?? Object.keys(rows[0] ?? {});
  const head = columns.map((c) => `<th style="${CELL_STYLE};background:#f3f3f3">${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => "<tr>" + columns.map((c) => {
    const v = r[c];
    const align = typeof v === "number" ? "right" : "left";
    return `<td style="${CELL_STYLE};text-align:${align}">${escapeHtml(formatNumber(v))}</td>`;
  }).join("") + "</tr>").join("\n");
  const caption = options.caption ? `<caption style="text-align:left;font-weight:600;padding:4px 0">${escapeHtml(options.caption)}</caption>` : "";
  return `<table style="${TABLE_STYLE}">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Rows → a GitHub Markdown table. */
export function renderRowsMarkdown(rows: TableRow[], columns: string[] = Object.keys(rows[0] ?? {})): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [`| ${columns.map(esc).join(" | ")} |`, `|${columns.map(() => "---").join("|")}|`];
  for (const r of rows) lines.push(`| ${columns.map((c) => esc(formatNumber(r[c]))).join(" | ")} |`);
  return lines.join("\n");
}

/** "mean ± sd" (or just the value when there is no sd). */
export function meanPm(value: number | null, pm: number | null): string {
  if (value === null) return "—";
  // Two significant digits are all a run-to-run sd can carry.
  return pm === null ? formatNumber(value) : `${formatNumber(value)} ± ${Number.isInteger(pm) ? pm : Number(pm.toPrecision(2))}`;
}

function signedPct(pct: number | null): string {
  if (pct === null) return "—";
  const text = pct.toFixed(Math.abs(pct) < 10 ? 1 : 0);
  return `${pct >= 0 ? "+" : ""}${text} %`;
}

/** Table 7.1 the article's way round (metrics down, models across): measured | published | Δ per model. */
export function table71Wide(rows: Table71Row[]): TableRow[] {
  const models = [...new Set(rows.map((r) => r.model))];
  const metrics = [...new Set(rows.map((r) => r.metric))];
  return metrics.map((metric) => {
    const first = rows.find((r) => r.metric === metric) as Table71Row;
    const out: TableRow = { metric: `${first.label} (${first.unit})` };
    for (const model of models) {
      const r = rows.find((x) => x.metric === metric && x.model === model);
      const name = model.split("/").pop() ?? model;
      out[`${name} measured`] = r ? `${r.measuredIsLowerBound ? "≥ " : ""}${meanPm(r.measured, r.measuredStd)}` : "—";
      out[`${name} published`] = r ? meanPm(r.published, r.publishedPlusMinus) : "—";
      out[`${name} Δ`] = r ? signedPct(r.deltaPct) : "—";
    }
    return out;
  });
}

export function renderTable71Html(rows: Table71Row[], caption = "Table 7.1 rebuilt (measured) beside the article's published values"): string {
  return renderRowsHtml(table71Wide(rows), { caption });
}

export function renderTable71Markdown(rows: Table71Row[]): string {
  return renderRowsMarkdown(table71Wide(rows));
}

/** Named summaries (e.g. ttft_ms, tpot_ms) as rows: count, mean, sd and percentiles. */
export function summaryRows(summaries: Record<string, Summary>): TableRow[] {
  return Object.entries(summaries).map(([name, s]) => ({
    metric: name, count: s.count, mean: s.mean, sd: s.std, min: s.min, p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, max: s.max,
  }));
}

export function renderSummaryHtml(summaries: Record<string, Summary>, caption?: string): string {
  return renderRowsHtml(summaryRows(summaries), { caption });
}
