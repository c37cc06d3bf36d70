// The standalone HTML report of a run: plotly.js inlined once, table 7.1 beside the published
// values, the roofline check of every published number, and every analysis chart.
import * as fs from "node:fs";
import * as path from "node:path";
import { frameRows, groupStats, requestFrame } from "../analysis/frame";
import { loadPublished, type PublishedValue } from "../analysis/published";
import { requestRows } from "../analysis/requests";
import { rooflineChecks, type RooflineCheck } from "../analysis/roofline";
import { loadRun, type RunData } from "../analysis/run-dir";
import { buildTable71 } from "../analysis/table-71";
import { listGpuProfiles } from "../sim/profiles";
import { toolVersion } from "../util/paths";
import { analysisFigures } from "./chart";
import { displayPath, headerHtml } from "./header";
import { chartHtml, plotlyScriptTag } from "./plotly-source";
import { escapeHtml, renderRowsHtml, renderTable71Html, type TableRow } from "./table";

export interface ReportOptions {
  published?: PublishedValue[];
  /** GPU profile for the roofline checks; default: the run's metadata, else "t4" (the article's GPU). */
  gpu?: string;
  /** Only the header and the charts, two per row (for screenshots). */
  chartsOnly?: boolean;
}

/** The GPU profile a run was simulated on (or whose name nvidia-smi reported); "t4", the article's GPU, when unknown. */
export function runGpuProfile(run: RunData): string {
  const gpu = (run.metadata ?? {}).gpu as { name?: unknown; gpus?: Array<{ name?: unknown }> | null } | string | undefined;
  const names = typeof gpu === "string" ? [gpu] : [gpu?.name, ...(gpu?.gpus ?? []).map((g) => g.name)];
  for (const name of names) {
    if (typeof name !== "string") continue;
    const n = name.toLowerCase();
    const hit = listGpuProfiles().find((p) => p.id === n || p.name.toLowerCase() === n);
    if (hit) return hit.id;
  }
  return "t4";
}

export function rooflineRows(checks: RooflineCheck[]): TableRow[] {
  return checks.map((c) => ({
    metric: c.metric, model: c.model.split("/").pop() ?? c.model, published: c.published, unit: c.unit,
    "hardware figure": c.bound, "what it is": c.boundLabel, "published ÷ figure": c.ratio, verdict: c.verdict, why: c.explanation,
  }));
}

export function renderReport(run: RunData, options: ReportOptions = {}): string {
  const published = options.published ?? loadPublished();
  const gpu = options.gpu ?? runGpuProfile(run);
  const rows = requestRows(run);
  const figures = analysisFigures(run, rows, published, gpu);
  const stats = frameRows(groupStats(requestFrame(rows), ["model", "promptClass"], ["ttftMs", "ttfoMs", "tpotMs", "decodeTokensPerS"]));
  const failed = rows.filter((r) => !r.ok).length;
  const header = headerHtml({ title: `Run ${run.name}`, engine: run.summary.engine, gpu, toolVersion: toolVersion(), notes: [`run dir: ${displayPath(run.dir)}`, `${rows.length} measured requests, ${failed} failed`] });
  // Screenshots get no mode bar (it would sit over the titles).
  const charts = figures.map((f) => chartHtml(f.figure, `chart-${f.id}`, options.chartsOnly ? { displayModeBar: false } : {}));
  const sections = options.chartsOnly ? [header, `<div style="display:grid;grid-template-columns:1fr 1fr;gap:8px">${charts.map((c) => `<div>${c}</div>`).join("\n")}</div>`] : [
    header,
    `<h2>Table 7.1, rebuilt</h2>`, renderTable71Html(buildTable71(run.summary, published)),
    `<h2>The published numbers against the hardware (${escapeHtml(gpu)})</h2>`, renderRowsHtml(rooflineRows(rooflineChecks(published, { gpu }))),
    `<h2>Per-request metrics by model and prompt class</h2>`, renderRowsHtml(stats as TableRow[]),
    `<h2>Charts</h2>`, ...charts,
  ];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>llm-latency-lab report: ${escapeHtml(run.name)}</title>
${plotlyScriptTag()}
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:${options.chartsOnly ? 1400 : 1100}px;margin:24px auto;padding:0 16px}h2{margin-top:32px}</style>
</head><body>
${options.chartsOnly ? "" : "<h1>llm-latency-lab report</h1>"}
${sections.join("\n")}
</body></html>
`;
}

/** Renders the report of `runDir` to `outFile`; returns the file written and its chart count. */
export function writeReport(runDir: string, outFile: string, options: ReportOptions = {}): { outFile: string; charts: number; bytes: number } {
  const html = renderReport(loadRun(runDir), options);
  const out = path.resolve(outFile);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, html);
  return { outFile: out, charts: (html.match(/class="lab-chart"/g) ?? []).length, bytes: Buffer.byteLength(html) };
}
