// plotly.js from plotly.js-dist-min, read once, to inline in notebooks and reports (no CDN: works
// offline and in exported HTML).
import * as fs from "node:fs";

let source: string | null = null;

export function plotlySource(): string {
  source ??= fs.readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
  return source;
}

let counter = 0;

/** A unique element id for one chart (unique across notebooks merged into one page, too). */
export function chartElementId(prefix = "lab-chart"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** A div and the script that draws `figure` into it once Plotly is on the page. */
export function chartHtml(figure: { data: unknown[]; layout: unknown }, id: string = chartElementId(), config: Record<string, unknown> = {}): string {
  const json = JSON.stringify({ data: figure.data, layout: figure.layout, config: { responsive: true, displaylogo: false, ...config } }).replace(/</g, "\\u003c");
  return `<div id="${id}" class="lab-chart" style="width:100%;min-height:460px"></div>
<script>(function draw(){var f=${json};if(window.Plotly){window.Plotly.newPlot("${id}",f.data,f.layout,f.config);}else{setTimeout(draw,50);}})();</script>`;
}

/** The whole library as one script tag. */
export function plotlyScriptTag(): string {
  return `<script>${plotlySource()}</script>`;
}
