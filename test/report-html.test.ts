// The standalone report: rendered in headless Chromium, every chart must have drawn (SVG present),
// with plotly.js inlined once; and the `report` CLI contract.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeReport } from "../src/render/report";
import { runChromium } from "./report-chromium";

const ROOT = path.join(__dirname, "..");
const FIXTURE = path.join(__dirname, "fixtures", "run-sample");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lab-report-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CHART_IDS = ["ttft-by-class", "decode-speed", "ttft-cdf", "tpot-cdf", "tpot-vs-concurrency", "memory-timeline", "load-phases"];

test("the report draws every chart in headless Chromium, with plotly.js inlined once", () => {
  const out = path.join(tmp, "report.html");
  const result = writeReport(FIXTURE, out);
  assert.equal(result.charts, 7);
  const html = fs.readFileSync(out, "utf8");
  assert.equal(html.split("window.Plotly = Plotly").length - 1, 1, "plotly.js inlined exactly once");
  assert.doesNotMatch(html, /<script[^>]+src=/, "no external script (works offline)");
  assert.match(html, /SIMULATED/);
  assert.match(html, /Table 7\.1, rebuilt/);

  const { stdout: dom, leftoverPids } = runChromium(out, ["--dump-dom"]);
  assert.deepEqual(leftoverPids, [], "no Chromium process left behind");
  for (const id of CHART_IDS) {
    const start = dom.indexOf(`id="chart-${id}"`);
    assert.ok(start >= 0, `chart ${id} is in the page`);
    const next = dom.indexOf('id="chart-', start + 10);
    const part = dom.slice(start, next < 0 ? undefined : next);
    assert.match(part, /<svg[^>]*class="main-svg"/, `chart ${id} drew an SVG`);
    assert.match(part, /class="(?:trace|scatterlayer|barlayer)/, `chart ${id} has trace layers`);
  }
  assert.ok((dom.match(/class="point"/g) ?? []).length >= 12, "bars drawn (TTFT: 4 series × 3 classes)");
});

test("`latency-lab report RUN_DIR --out FILE --json` writes the report and prints one JSON document", () => {
  const out = path.join(tmp, "cli.html");
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/latency-lab.cjs"), "report", FIXTURE, "--out", out, "--json"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(Object.keys(JSON.parse(r.stdout)), ["schema", "out", "charts", "bytes"]);
  assert.equal(JSON.parse(r.stdout).schema, "latency-lab/report@1");
  assert.equal(JSON.parse(r.stdout).charts, 7);
  assert.ok(fs.statSync(out).size > 1_000_000, "plotly.js is inside");
});

test("`latency-lab report` on a dir without summary.json exits 2 with one line", () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/latency-lab.cjs"), "report", tmp], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `latency-lab report: ${tmp} has no summary.json; pass a run dir written by \`latency-lab reproduce\`\n`);
  assert.equal(r.stdout, "");
});
