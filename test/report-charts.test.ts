// Chart figures, tables and notebook parameters as plain values (no kernel, no browser).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { loadPublished } from "../src/analysis/published";
import { requestRows } from "../src/analysis/requests";
import { loadRun } from "../src/analysis/run-dir";
import { buildTable71 } from "../src/analysis/table-71";
import { analysisCharts, ecdf, memoryTimelineChart, sloThresholdMs, tpotVsConcurrencyChart, ttftByClassChart } from "../src/render/chart";
import { chartHtml } from "../src/render/plotly-source";
import { formatNumber, meanPm, renderRowsMarkdown, table71Wide } from "../src/render/table";
import { headerHtml } from "../src/render/header";
import { notebookParams } from "../src/render/notebook";

const FIXTURE = path.join(__dirname, "fixtures", "run-sample");
const run = loadRun(FIXTURE);
const published = loadPublished();

test("ecdf: sorted values and (i+1)/n; non-finite values dropped", () => {
  assert.deepEqual(ecdf([30, 10, Number.NaN, 20, 40]), { x: [10, 20, 30, 40], y: [0.25, 0.5, 0.75, 1] });
});

test("TTFT chart: measured mean ± sd per class beside the published bars", () => {
  const fig = ttftByClassChart(run.summary, published);
  assert.equal(fig.data.length, 4, "measured + published per model");
  assert.deepEqual(fig.data[0]!.y, [110, 130, 160]);
  assert.deepEqual((fig.data[0]!.error_y as { array: number[] }).array, [10, 10, 10]);
  assert.deepEqual(fig.data[1]!.y, [124, 136, 158], "DeepSeek published");
  assert.deepEqual((fig.data[3]!.error_y as { array: number[] }).array, [15, 18, 21], "Phi-3 published ±");
});

test("p95 TPOT vs concurrency: levels in order, ✕ for failing levels, the SLO line at its threshold", () => {
  const fig = tpotVsConcurrencyChart([{ model: run.models[0]!.model, doc: run.models[0]!.maxConcurrency! }]);
  assert.deepEqual(fig.data[0]!.x, [1, 2, 4, 8]);
  assert.deepEqual(fig.data[0]!.y, [10, 12, 30, 60]);
  assert.deepEqual((fig.data[0]!.marker as { symbol: string[] }).symbol, ["circle", "circle", "circle", "x"]);
  assert.equal((fig.layout.shapes as Array<{ y0: number }>)[0]!.y0, 50);
  assert.equal(sloThresholdMs("tpot:p95<=50ms"), 50);
  assert.equal(sloThresholdMs("p95 TPOT ≤ 37.5 ms"), 37.5);
  assert.equal(sloThresholdMs("none"), null);
});

test("memory timeline: MiB samples become decimal GB over seconds, published peaks as lines", () => {
  const fig = memoryTimelineChart([{ model: "m", samples: [{ tMs: 500, processMiB: 1000, gpuUsedMiB: null, footprintMiB: null }] }], { m: 4.1 });
  assert.deepEqual(fig.data[0]!.x, [0.5]);
  assert.deepEqual(fig.data[0]!.y, [1.048576]);
  assert.deepEqual(fig.data[1]!.y, [null], "no footprint sample stays a gap");
  assert.equal((fig.layout.shapes as Array<{ y0: number }>)[0]!.y0, 4.1);
});

test("analysisCharts: the seven charts of notebook 04 and the report, each a plain {data, layout}", () => {
  const charts = analysisCharts(run, requestRows(run), published, "t4");
  assert.deepEqual(Object.keys(charts), ["ttft-by-class", "decode-speed", "ttft-cdf", "tpot-cdf", "tpot-vs-concurrency", "memory-timeline", "load-phases"]);
  for (const [id, fig] of Object.entries(charts)) {
    assert.ok(Array.isArray(fig.data) && fig.data.length > 0, `${id} has traces`);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(fig)), `${id} is plain JSON`);
  }
  assert.deepEqual(charts["ttft-cdf"]!.data.map((d) => d.name), [
    "DeepSeek-R1-Distill-Qwen-1.5B short", "DeepSeek-R1-Distill-Qwen-1.5B medium", "DeepSeek-R1-Distill-Qwen-1.5B long",
    "Phi-3-mini-4k-instruct short", "Phi-3-mini-4k-instruct medium", "Phi-3-mini-4k-instruct long",
  ]);
  const decode = charts["decode-speed"]!.data.find((d) => d.name === "bandwidth bound (batch 1)")!;
  assert.deepEqual((decode.y as number[]).map((v) => v.toFixed(1)), ["103.6", "43.0"]);
  const phases = charts["load-phases"]!.data;
  assert.deepEqual(phases.slice(0, 5).map((d) => (d.x as number[])[0]), [8, 1, 2, 4, 5.5], "DeepSeek's 20.5 s by phase");
});

test("chartHtml escapes '<' so a label cannot close the script", () => {
  const html = chartHtml({ data: [{ name: "</script><b>" }], layout: {} }, "c1");
  assert.doesNotMatch(html.slice(html.indexOf("<script>") + 8, html.lastIndexOf("</script>")), /<\/script>/);
  assert.match(html, /\\u003c\/script>/);
});

test("tables: number formatting and the article-shaped table 7.1", () => {
  assert.deepEqual([formatNumber(312672), formatNumber(16.6432), formatNumber(0.123456), formatNumber(null), formatNumber(1234.5)], ["312,672", "16.64", "0.1235", "—", "1,235"]);
  assert.equal(meanPm(16.6432, 0.39871), "16.64 ± 0.4");
  const wide = table71Wide(buildTable71(run.summary, published));
  assert.equal(wide.length, 8);
  assert.deepEqual(wide[1], {
    metric: "TTFT, short prompt (ms)",
    "DeepSeek-R1-Distill-Qwen-1.5B measured": "110 ± 10", "DeepSeek-R1-Distill-Qwen-1.5B published": "124 ± 11", "DeepSeek-R1-Distill-Qwen-1.5B Δ": "-11 %",
    "Phi-3-mini-4k-instruct measured": "150 ± 10", "Phi-3-mini-4k-instruct published": "148 ± 15", "Phi-3-mini-4k-instruct Δ": "+1.4 %",
  });
  assert.equal(renderRowsMarkdown([{ a: 1, b: "x|y" }]), "| a | b |\n|---|---|\n| 1 | x\\|y |");
});

test("header: simulated runs say so, with engine, GPU profile and tool version", () => {
  const sim = headerHtml({ title: "t", engine: "sim", gpu: "t4", toolVersion: "9.9.9" });
  assert.match(sim, /SIMULATED/);
  assert.match(sim, /<code>t4<\/code>/);
  assert.match(sim, /llm-latency-lab 9\.9\.9/);
  assert.match(headerHtml({ title: "t", engine: "vllm", gpu: "Tesla T4", toolVersion: "1" }), /MEASURED/);
});

test("notebookParams: defaults, overridden per key from LATENCY_LAB_PARAMS; a wrong type fails in one line", () => {
  const defaults = { engine: "sim", runs: 10, fastStart: false };
  assert.deepEqual(notebookParams(defaults, {}), defaults);
  assert.deepEqual(notebookParams(defaults, { LATENCY_LAB_PARAMS: '{"runs":2,"fastStart":true,"otherNotebookKey":1}' }), { engine: "sim", runs: 2, fastStart: true });
  assert.throws(() => notebookParams(defaults, { LATENCY_LAB_PARAMS: '{"runs":"2"}' }), { message: 'LATENCY_LAB_PARAMS.runs: expected number, got "2"' });
  assert.throws(() => notebookParams(defaults, { LATENCY_LAB_PARAMS: "[1]" }), { message: "LATENCY_LAB_PARAMS must be a JSON object, got [1]" });
  assert.throws(() => notebookParams(defaults, { LATENCY_LAB_PARAMS: "{runs:2}" }), /^UsageError: LATENCY_LAB_PARAMS is not valid JSON/);
});

test("a max concurrency still within the SLO at the search's limit reads as a lower bound", () => {
  const doc = structuredClone(run.summary);
  doc.models[0]!.max_concurrency_at_limit = true;
  const wide = table71Wide(buildTable71(doc, published));
  assert.equal(wide.find((r) => String(r.metric).startsWith("Max concurrency"))!["DeepSeek-R1-Distill-Qwen-1.5B measured"], "≥ 4");
  const mc = structuredClone(run.models[0]!.maxConcurrency!);
  mc.levels = mc.levels.filter((l) => l.pass);
  assert.equal(tpotVsConcurrencyChart([{ model: "a/M", doc: mc }]).data[0]!.name, "M (max ≥ 4)");
});
