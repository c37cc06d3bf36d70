// A plain Plotly figure ({data, layout}) and the shared look of every chart.
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

/** A stable colour per series index, so a model keeps its colour across charts. */
export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

/** "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" → "DeepSeek-R1-Distill-Qwen-1.5B". */
export function shortModel(model: string): string {
  return model.split("/").pop() ?? model;
}

export function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title },
    template: "plotly_white",
    margin: { l: 70, r: 20, t: 60, b: 90 },
    // Below the x-axis title, not over it.
    legend: { orientation: "h", yanchor: "top", y: -0.28 },
    height: 460,
    ...extra,
  };
}
