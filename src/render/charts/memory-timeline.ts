// GPU memory over a run: what nvidia-smi shows for the server (process) and what the model uses
// (weights + activations + KV in use), in decimal GB, with the article's published peaks as lines.
import type { MemorySample } from "../../types";
import { baseLayout, colorAt, shortModel, type Figure } from "./figure";

export interface MemorySeries {
  model: string;
  samples: MemorySample[];
}

/** MiB (nvidia-smi's unit) → decimal GB (the unit the article and our reports print). */
export const mibToGb = (mib: number | null): number | null => (mib === null ? null : (mib * 2 ** 20) / 1e9);

export function memoryTimelineChart(series: MemorySeries[], publishedGb: Record<string, number> = {}): Figure {
  const data: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  series.forEach((s, i) => {
    const x = s.samples.map((m) => m.tMs / 1000);
    data.push({ type: "scatter", mode: "lines", name: `${shortModel(s.model)} process`, x, y: s.samples.map((m) => mibToGb(m.processMiB)), line: { color: colorAt(i) } });
    data.push({ type: "scatter", mode: "lines", name: `${shortModel(s.model)} model footprint`, x, y: s.samples.map((m) => mibToGb(m.footprintMiB)), line: { color: colorAt(i), dash: "dash" } });
    const pub = publishedGb[s.model];
    if (pub !== undefined) {
      shapes.push({ type: "line", xref: "paper", x0: 0, x1: 1, y0: pub, y1: pub, line: { color: colorAt(i), dash: "dot", width: 1.5 } });
      data.push({ type: "scatter", mode: "lines", name: `${shortModel(s.model)} published peak (${pub} GB)`, x: [null], y: [null], line: { color: colorAt(i), dash: "dot" } });
    }
  });
  return {
    data,
    layout: baseLayout("GPU memory over the run (GB)", {
      xaxis: { title: { text: "time since sampling started (s)" } }, yaxis: { title: { text: "GB (10⁹ bytes)" }, rangemode: "tozero" }, shapes,
    }),
  };
}
