// Plotly figures as plain objects, one function per chart (render/charts/*), and the set of
// analysis charts a run gets (used by notebook 04 and the HTML report alike).
import { loadPhaseSegments } from "../analysis/phases";
import type { PublishedValue } from "../analysis/published";
import { valuesOf, type RequestRow } from "../analysis/requests";
import { decodeBounds } from "../analysis/roofline";
import type { RunData } from "../analysis/run-dir";
import { decodeSpeedChart } from "./charts/decode-speed";
import { shortModel, type Figure } from "./charts/figure";
import { latencyCdfChart, type CdfSeries } from "./charts/latency-cdf";
import { loadPhasesChart } from "./charts/load-phases";
import { memoryTimelineChart } from "./charts/memory-timeline";
import { tpotVsConcurrencyChart } from "./charts/tpot-vs-concurrency";
import { prefixCachingChart } from "./charts/prefix-caching";
import { PROMPT_CLASSES, ttftByClassChart } from "./charts/ttft-by-class";

export type { Figure } from "./charts/figure";
export type { CdfSeries } from "./charts/latency-cdf";
export { colorAt, shortModel } from "./charts/figure";
export { decodeSpeedChart, ttftByClassChart, latencyCdfChart, loadPhasesChart, memoryTimelineChart, tpotVsConcurrencyChart, loadPhaseSegments, prefixCachingChart };
export { ecdf } from "./charts/latency-cdf";
export { sloThresholdMs } from "./charts/tpot-vs-concurrency";
export { mibToGb } from "./charts/memory-timeline";

const DASHES = ["solid", "dash", "dot", "dashdot"] as const;

/** One CDF series per model × prompt class of a per-request metric. */
export function cdfSeries(run: RunData, rows: RequestRow[], key: "ttftMs" | "tpotMs" | "e2eMs" | "ttfoMs"): CdfSeries[] {
  const out: CdfSeries[] = [];
  run.models.forEach((m, i) => {
    const classes = Object.keys(m.requests).sort((a, b) => PROMPT_CLASSES.indexOf(a as never) - PROMPT_CLASSES.indexOf(b as never));
    classes.forEach((cls, k) => {
      const values = valuesOf(rows, key, m.model, cls);
      if (values.length) out.push({ name: `${shortModel(m.model)} ${cls}`, values, colorIndex: i, dash: DASHES[k % DASHES.length] });
    });
  });
  return out;
}

export interface NamedFigure {
  id: string;
  title: string;
  figure: Figure;
}

function publishedOf(published: PublishedValue[], metric: PublishedValue["metric"]): Record<string, number> {
  return Object.fromEntries(published.filter((p) => p.metric === metric).map((p) => [p.model, p.value]));
}

/** The analysis charts of a run by id (notebook 04 plots them one per cell). */
export function analysisCharts(run: RunData, rows: RequestRow[], published: PublishedValue[], gpu?: string): Record<string, Figure> {
  return Object.fromEntries(analysisFigures(run, rows, published, gpu).map((f) => [f.id, f.figure]));
}

/** Every analysis chart of a run, in reading order. With `gpu`, the decode chart shows that GPU's bandwidth bound. */
export function analysisFigures(run: RunData, rows: RequestRow[], published: PublishedValue[], gpu?: string): NamedFigure[] {
  const doc = run.summary;
  const bounds = gpu ? decodeBounds(doc.models.map((m) => m.model), gpu) : {};
  const pubLoad = publishedOf(published, "load_time_s");
  return [
    { id: "ttft-by-class", title: "TTFT by prompt class", figure: ttftByClassChart(doc, published) },
    { id: "decode-speed", title: "Decode tokens/s", figure: decodeSpeedChart(doc, published, bounds) },
    { id: "ttft-cdf", title: "TTFT CDF", figure: latencyCdfChart(cdfSeries(run, rows, "ttftMs"), "TTFT, empirical CDF", "TTFT (ms)") },
    { id: "tpot-cdf", title: "TPOT CDF", figure: latencyCdfChart(cdfSeries(run, rows, "tpotMs"), "TPOT, empirical CDF", "TPOT (ms per output token)") },
    { id: "tpot-vs-concurrency", title: "p95 TPOT vs concurrency", figure: tpotVsConcurrencyChart(run.models.filter((m) => m.maxConcurrency).map((m) => ({ model: m.model, doc: m.maxConcurrency! }))) },
    { id: "memory-timeline", title: "GPU memory over time", figure: memoryTimelineChart(run.models.map((m) => ({ model: m.model, samples: m.memory })), publishedOf(published, "vram_peak_gb")) },
    { id: "load-phases", title: "Load-time phases", figure: loadPhasesChart(run.models.map((m) => ({ model: m.model, loadTimeS: m.result.load_time_s, phases: m.phases, publishedS: pubLoad[m.model] ?? null }))) },
  ];
}
