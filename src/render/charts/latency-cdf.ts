// Empirical CDFs of a per-request latency (TTFT, TPOT, E2E …), one line per series.
import { baseLayout, colorAt, type Figure } from "./figure";

export interface CdfSeries {
  name: string;
  values: number[];
  /** Colour slot (e.g. the model's index) and line dash (e.g. per prompt class). */
  colorIndex?: number;
  dash?: "solid" | "dash" | "dot" | "dashdot";
}

/** Sorted values and their cumulative fractions (i+1)/n: the ECDF's steps. */
export function ecdf(values: readonly number[]): { x: number[]; y: number[] } {
  const x = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { x, y: x.map((_, i) => (i + 1) / x.length) };
}

export function latencyCdfChart(series: CdfSeries[], title: string, axisTitle: string): Figure {
  return {
    data: series.map((s, i) => ({
      type: "scatter", mode: "lines", line: { shape: "hv", color: colorAt(s.colorIndex ?? i), dash: s.dash ?? "solid" },
      name: s.name, ...ecdf(s.values),
    })),
    layout: baseLayout(title, { xaxis: { title: { text: axisTitle } }, yaxis: { title: { text: "fraction of requests" }, range: [0, 1.02] } }),
  };
}
