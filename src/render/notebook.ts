// Display in a tslab notebook: show(html), plot(figure), and the header every notebook starts with.
// plotly.js is inlined once per notebook (the first chart, or the header when asked), not per chart.
import * as tslab from "tslab";
import { LabError, UsageError, oneLine } from "../errors";
import { frameRows, type DataFrame } from "../analysis/frame";
import type { Figure } from "./charts/figure";
import { chartHtml, plotlyScriptTag } from "./plotly-source";
import { headerHtml, type HeaderInfo } from "./header";
import { escapeHtml, renderRowsHtml, type TableRow } from "./table";
import { renderListHtml } from "./views";

let plotlyInlined = false;

export function show(html: string): void {
  tslab.display.html(html);
}

/** Plain text in a <pre> (log tails, streamed answers). */
export function showText(text: string): void {
  tslab.display.html(`<pre style="white-space:pre-wrap;max-height:30em;overflow:auto">${escapeHtml(text)}</pre>`);
}

/** Rows (or a danfojs DataFrame) as an HTML table. */
export function showTable(rows: TableRow[] | DataFrame, caption?: string): void {
  const plain = Array.isArray(rows) ? rows : (frameRows(rows) as TableRow[]);
  tslab.display.html(renderRowsHtml(plain, { caption }));
}

/** The plotly.js library, once per kernel (= per executed notebook). */
export function plotlyOnce(): string {
  if (plotlyInlined) return "";
  plotlyInlined = true;
  return plotlyScriptTag();
}

export function plot(figure: Figure): void {
  tslab.display.html(plotlyOnce() + chartHtml(figure));
}

/** Several figures in one output (one cell, one display). */
export function plotAll(figures: Array<Figure | { figure: Figure }>): void {
  tslab.display.html(plotlyOnce() + figures.map((f) => chartHtml("figure" in f ? f.figure : f)).join("\n"));
}

/** Shows the header; with `withPlotly`, also inlines plotly.js here so later charts stay small. */
export function showHeader(info: HeaderInfo, withPlotly = false): void {
  tslab.display.html(headerHtml(info) + (withPlotly ? plotlyOnce() : ""));
}

/** Environment variable holding a JSON object that overrides a notebook's parameters (tests, CI). */
export const PARAMS_ENV = "LATENCY_LAB_PARAMS";

/**
 * A notebook's parameters: the first cell's defaults, overridden key by key from $LATENCY_LAB_PARAMS.
 * An unknown key or a value of another type fails with one line, as a CLI flag would.
 */
export function notebookParams<T extends Record<string, unknown>>(defaults: T, env: NodeJS.ProcessEnv = process.env): T {
  const raw = env[PARAMS_ENV];
  if (!raw) return { ...defaults };
  let override: unknown;
  try {
    override = JSON.parse(raw);
  } catch {
    throw new UsageError(`${PARAMS_ENV} is not valid JSON: ${raw.slice(0, 80)}; pass an object such as {"runs":2}`);
  }
  if (typeof override !== "object" || override === null || Array.isArray(override)) {
    throw new UsageError(`${PARAMS_ENV} must be a JSON object, got ${raw.slice(0, 80)}`);
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(override)) {
    if (!(key in defaults)) continue; // one override serves every notebook: keys another notebook uses are skipped
    const want = defaults[key];
    const same = want === null || value === null || typeof want === typeof value && Array.isArray(want) === Array.isArray(value);
    if (!same) throw new UsageError(`${PARAMS_ENV}.${key}: expected ${Array.isArray(want) ? "array" : typeof want}, got ${JSON.stringify(value)}`);
    out[key] = value;
  }
  return out as T;
}

interface Delta {
  content?: string;
  reasoning?: string;
}

/**
 * Shows a chat stream as it arrives (as the article's stream_chat printed it), repainting at most
 * every `repaintMs`, and returns the answer and reasoning text.
 */
export async function showStream(deltas: AsyncIterable<Delta>, repaintMs = 100): Promise<{ content: string; reasoning: string }> {
  const display = tslab.newDisplay();
  let content = "";
  let reasoning = "";
  let painted = 0;
  const paint = () => {
    const think = reasoning ? `<div style="color:#777;white-space:pre-wrap">${escapeHtml(reasoning)}</div>` : "";
    display.html(`<div style="font:13px system-ui,sans-serif">${think}<div style="white-space:pre-wrap">AI: ${escapeHtml(content)}</div></div>`);
  };
  for await (const d of deltas) {
    content += d.content ?? "";
    reasoning += d.reasoning ?? "";
    if (Date.now() - painted >= repaintMs) {
      painted = Date.now();
      paint();
    }
  }
  paint();
  return { content, reasoning };
}

/**
 * Awaits `work` and shows how it ended: the one-line cause and the tail of the error's detail (a
 * server log) when it fails — for cells that demonstrate a failure. Returns the value, or null.
 */
export async function showOutcome<T>(work: Promise<T>, title: string, tailLines = 8): Promise<T | null> {
  try {
    const value = await work;
    tslab.display.html(renderListHtml(["succeeded"], title));
    return value;
  } catch (err) {
    const detail = err instanceof LabError && err.detail ? err.detail.trimEnd().split("\n").slice(-tailLines).join("\n") : "";
    tslab.display.html(renderListHtml([oneLine(err)], title) + (detail ? `<pre style="white-space:pre-wrap;font-size:12px">${escapeHtml(detail)}</pre>` : ""));
    return null;
  }
}
