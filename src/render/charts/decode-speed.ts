// Decode tokens/s per model: measured mean ± sd, the article's figure, and the GPU's bandwidth bound.
import type { PublishedValue } from "../../analysis/published";
import type { ReproduceDocument } from "../../types";
import { baseLayout, colorAt, shortModel, type Figure } from "./figure";

/** `boundTokensPerS`: per model, the most tokens/s the modelled GPU's memory bandwidth allows at batch 1. */
export function decodeSpeedChart(
  doc: ReproduceDocument, published: PublishedValue[] = [], boundTokensPerS: Record<string, number> = {},
): Figure {
  const names = doc.models.map((m) => shortModel(m.model));
  const data: Record<string, unknown>[] = [{
    type: "bar", name: `measured (${doc.engine})`, x: names, y: doc.models.map((m) => m.decode_tokens_per_s.mean),
    marker: { color: doc.models.map((_, i) => colorAt(i)) },
    error_y: { type: "data", array: doc.models.map((m) => m.decode_tokens_per_s.std ?? 0), visible: true },
  }];
  const pub = doc.models.map((m) => published.find((p) => p.model === m.model && p.metric === "decode_tokens_per_s"));
  if (pub.some(Boolean)) {
    data.push({
      type: "bar", name: "published", x: names, y: pub.map((p) => p?.value ?? null),
      marker: { color: doc.models.map((_, i) => colorAt(i)), opacity: 0.45, pattern: { shape: "/" } },
    });
  }
  const bounds = doc.models.map((m) => boundTokensPerS[m.model] ?? null);
  if (bounds.some((b) => b !== null)) {
    data.push({
      type: "scatter", mode: "markers", name: "bandwidth bound (batch 1)", x: names, y: bounds,
      marker: { symbol: "line-ew-open", size: 60, line: { width: 3, color: "#d62728" } },
    });
  }
  return {
    data,
    layout: baseLayout("Decode speed per request (tokens/s, mean ± sd)", {
      barmode: "group", yaxis: { title: { text: "tokens/s" }, rangemode: "tozero" },
    }),
  };
}
