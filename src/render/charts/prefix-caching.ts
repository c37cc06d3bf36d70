// Multi-turn TTFT by turn, one line per setting (prefix caching on / off), mean ± sd over conversations.
import type { TurnSummary } from "../../analysis/multi-turn";
import { baseLayout, colorAt, type Figure } from "./figure";

export function prefixCachingChart(summaries: TurnSummary[]): Figure {
  const labels = [...new Set(summaries.map((s) => s.label))];
  return {
    data: labels.map((label, i) => {
      const rows = summaries.filter((s) => s.label === label).sort((a, b) => a.turn - b.turn);
      return {
        type: "scatter", mode: "lines+markers", name: label, x: rows.map((r) => r.turn), y: rows.map((r) => r.ttftMs.mean),
        error_y: { type: "data", array: rows.map((r) => r.ttftMs.std ?? 0), visible: true }, line: { color: colorAt(i + 2) },
        text: rows.map((r) => `${r.promptTokens ?? "?"} prompt tokens`), hovertemplate: "turn %{x}: %{y:.1f} ms (%{text})<extra></extra>",
      };
    }),
    layout: baseLayout("TTFT per conversation turn (mean ± sd)", {
      xaxis: { title: { text: "turn (each resends the whole history)" }, dtick: 1 }, yaxis: { title: { text: "TTFT (ms)" }, rangemode: "tozero" },
    }),
  };
}
