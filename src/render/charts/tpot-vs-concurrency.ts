// The max-concurrency search: p95 TPOT at each concurrency level tried, with the SLO line.
import type { MaxConcurrencyDocument } from "../../types";
import { baseLayout, colorAt, shortModel, type Figure } from "./figure";

export interface ConcurrencyCurve {
  model: string;
  doc: MaxConcurrencyDocument;
}

/** The threshold in ms out of an SLO string such as "p95 TPOT <= 50 ms" (null when none is stated). */
export function sloThresholdMs(slo: string): number | null {
  const m = /(<=|≤|<)\s*([\d.]+)\s*ms/.exec(slo);
  return m ? Number(m[2]) : null;
}

export function tpotVsConcurrencyChart(curves: ConcurrencyCurve[]): Figure {
  const data: Record<string, unknown>[] = curves.map((c, i) => {
    const levels = [...c.doc.levels].sort((a, b) => a.concurrency - b.concurrency);
    // Still within the SLO at the highest level tried: the maximum is only a lower bound.
    const atLimit = levels[levels.length - 1]?.pass === true;
    return {
      type: "scatter", mode: "lines+markers", name: `${shortModel(c.model)} (max ${atLimit ? "≥ " : ""}${c.doc.max_concurrency})`,
      x: levels.map((l) => l.concurrency), y: levels.map((l) => l.metrics.tpot_ms.p95),
      line: { color: colorAt(i) },
      marker: { size: 9, symbol: levels.map((l) => (l.pass ? "circle" : "x")) },
    };
  });
  const slo = curves[0]?.doc.slo ?? "";
  const threshold = sloThresholdMs(slo);
  return {
    data,
    layout: baseLayout("p95 TPOT vs concurrency (● within SLO, ✕ over)", {
      xaxis: { title: { text: "concurrent requests" }, type: "log", dtick: Math.LOG10E * Math.LN2 },
      yaxis: { title: { text: "p95 TPOT (ms)" }, rangemode: "tozero" },
      shapes: threshold === null ? [] : [{
        type: "line", xref: "paper", x0: 0, x1: 1, y0: threshold, y1: threshold, line: { color: "#d62728", dash: "dash", width: 2 },
      }],
      annotations: threshold === null ? [] : [{
        xref: "paper", x: 0, y: threshold, text: `SLO: ${slo}`, showarrow: false, yanchor: "bottom", xanchor: "left", font: { color: "#d62728" },
      }],
    }),
  };
}
