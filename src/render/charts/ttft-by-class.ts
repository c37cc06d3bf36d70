// TTFT per prompt class: measured mean ± sd per model, beside the article's published mean ± sd.
import type { PublishedValue } from "../../analysis/published";
import type { ReproduceDocument } from "../../types";
import { baseLayout, colorAt, shortModel, type Figure } from "./figure";

export const PROMPT_CLASSES = ["short", "medium", "long"] as const;

export function ttftByClassChart(doc: ReproduceDocument, published: PublishedValue[] = []): Figure {
  const data: Record<string, unknown>[] = [];
  doc.models.forEach((m, i) => {
    const summaries = PROMPT_CLASSES.map((c) => m.ttft_ms[c]);
    data.push({
      type: "bar", name: `${shortModel(m.model)} (${doc.engine})`, x: [...PROMPT_CLASSES],
      y: summaries.map((s) => s?.mean ?? null), marker: { color: colorAt(i) },
      error_y: { type: "data", array: summaries.map((s) => s?.std ?? 0), visible: true },
    });
    const pub = PROMPT_CLASSES.map((c) => published.find((p) => p.model === m.model && p.metric === `ttft_${c}_ms`));
    if (pub.some(Boolean)) {
      data.push({
        type: "bar", name: `${shortModel(m.model)} (published)`, x: [...PROMPT_CLASSES],
        y: pub.map((p) => p?.value ?? null), marker: { color: colorAt(i), opacity: 0.45, pattern: { shape: "/" } },
        error_y: { type: "data", array: pub.map((p) => p?.plusMinus ?? 0), visible: true },
      });
    }
  });
  return {
    data,
    layout: baseLayout("Time to first token by prompt class (mean ± sd)", {
      barmode: "group", xaxis: { title: { text: "prompt class" } }, yaxis: { title: { text: "TTFT (ms)" }, rangemode: "tozero" },
    }),
  };
}
