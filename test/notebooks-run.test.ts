// Executes every notebook headless (nbclient + the project's tslab kernel) against the simulator,
// small and fast through LATENCY_LAB_PARAMS, into a temp dir (never in place); fails on any error
// output, checks what 04-analysis shows, and that no process started by a notebook survives.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { toolVersion } from "../src/util/paths";

const ROOT = path.join(__dirname, "..");
const PYTHON = "/usr/bin/python3";
const RUNNER = path.join(ROOT, "notebooks", "run-notebooks.py");
const NOTEBOOKS = ["01-launch-servers", "02-client", "03-benchmark", "04-analysis", "05-prefix-caching"];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lab-notebooks-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, string | string[]> }
interface Cell { cell_type: string; source: string | string[]; outputs?: Output[] }
const join = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");
const readNotebook = (file: string): Cell[] => JSON.parse(fs.readFileSync(file, "utf8")).cells as Cell[];
const outputsOf = (cells: Cell[]) => cells.flatMap((c) => c.outputs ?? []);
const htmlOf = (o: Output) => join(o.data?.["text/html"]);

/** Pids whose environment carries `marker` (the kernel and every server it started inherit it). */
function pidsWithEnv(marker: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, "utf8").includes(marker)) out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

test("every notebook runs headless on the simulator without an error output", () => {
  const nonce = `lab-test-${randomUUID()}`;
  const params = { fastStart: true, runs: 2, warmup: 0, maxTokens: 16, concurrencyLimit: 4, requestsPerLevel: 4, conversations: 1, repeatContext: 2, logLines: 5, runDir: path.join(__dirname, "fixtures", "run-sample"), nonce };
  const r = spawnSync(PYTHON, [RUNNER, "--out-dir", tmp, "--params", JSON.stringify(params)], { cwd: ROOT, encoding: "utf8", timeout: 900_000 });
  assert.equal(r.status, 0, `runner failed:\n${r.stdout}\n${r.stderr}`);
  assert.deepEqual(pidsWithEnv(nonce), [], "no kernel or server left running");
  for (const name of NOTEBOOKS) {
    const cells = readNotebook(path.join(tmp, `${name}.ipynb`));
    const outputs = outputsOf(cells);
    assert.deepEqual(outputs.filter((o) => o.output_type === "error"), [], `${name}: error outputs`);
    assert.deepEqual(outputs.filter((o) => o.name === "stderr").map((o) => join(o.text)), [], `${name}: stderr output`);
    const codeCells = cells.filter((c) => c.cell_type === "code");
    assert.ok(codeCells.every((c) => (c.outputs ?? []).length > 0), `${name}: every code cell displays a result`);
    const first = htmlOf(outputs[0]!);
    assert.match(first, /SIMULATED/, `${name}: first output labels the numbers as simulated`);
    assert.match(first, new RegExp(`llm-latency-lab ${toolVersion().replace(/\./g, "\\.")}`), `${name}: tool version`);
    const plotlyCopies = outputs.filter((o) => htmlOf(o).includes("window.Plotly = Plotly")).length;
    const charts = outputs.filter((o) => htmlOf(o).includes("Plotly.newPlot")).length;
    assert.equal(plotlyCopies, charts > 0 ? 1 : 0, `${name}: plotly.js inlined once (${charts} charts)`);
  }
  const html = outputsOf(readNotebook(path.join(tmp, "01-launch-servers.ipynb"))).map(htmlOf).join("\n");
  assert.match(html, /Preflight refuses the as-published experiment \([2-9] reasons\)/);
  assert.match(html, /--quantization awq needs an AWQ-quantized checkpoint/);
  assert.match(html, /Starting DeepSeek with --quantization awq.*Cannot find the config file for awq/s, "the start itself fails as vLLM does");
});

test("04-analysis shows table 7.1, the published comparison, the roofline check and seven charts", () => {
  const outputs = outputsOf(readNotebook(path.join(tmp, "04-analysis.ipynb"))).map(htmlOf);
  const all = outputs.join("\n");
  assert.match(all, /Table 7\.1 rebuilt \(measured\) beside the article&#39;s published values|Table 7\.1 rebuilt \(measured\) beside the article's published values/);
  assert.match(all, /110 ± 10<\/td>/, "DeepSeek's short TTFT from the fixture run");
  assert.match(all, /124 ± 11<\/td>/, "the article's published short TTFT");
  assert.match(all, /data\/published\/seed-table-7\.1\.csv/);
  assert.match(all, /Deltas: measured − published/);
  assert.match(all, /Published numbers vs the t4 roofline/);
  assert.match(all, /exceeds the physical bound/);
  assert.equal(outputs.filter((h) => h.includes("Plotly.newPlot")).length, 7, "seven charts");
  for (const title of ["Time to first token by prompt class", "Decode speed per request", "TTFT, empirical CDF", "p95 TPOT vs concurrency", "GPU memory over the run", "Model load time by phase"]) {
    assert.ok(all.includes(title), `chart: ${title}`);
  }
});

test("the runner prints a failing cell's error, saves the partial notebook and exits 1", () => {
  const nb = {
    cells: [
      { cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: 'console.log("first cell ran")' },
      { cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: 'const n: number = "not a number";' },
      { cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: 'console.log("never")' },
    ],
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (llm-latency-lab)", language: "typescript" } },
    nbformat: 4, nbformat_minor: 4,
  };
  const src = path.join(tmp, "broken.ipynb");
  fs.writeFileSync(src, JSON.stringify(nb));
  const outDir = path.join(tmp, "broken-out");
  const r = spawnSync(PYTHON, [RUNNER, src, "--out-dir", outDir], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /FAIL {2}.*broken\.ipynb/);
  assert.match(r.stderr, /--- cell 1:\nconst n: number = "not a number";/);
  assert.match(r.stderr, /Type 'string' is not assignable to type 'number'/);
  const saved = readNotebook(path.join(outDir, "broken.ipynb"));
  assert.equal(join(saved[0]!.outputs![0]!.text), "first cell ran\n", "partial notebook saved with the cells that ran");
  assert.deepEqual(saved[2]!.outputs, [], "cells after the failure did not run");
});

test("committed notebooks are thin: parameters first, no functions or loops in cells, plotly.js at most once", () => {
  for (const name of NOTEBOOKS) {
    const cells = readNotebook(path.join(ROOT, "notebooks", `${name}.ipynb`));
    const code = cells.filter((c) => c.cell_type === "code").map((c) => join(c.source));
    assert.match(code[0]!, /lab\.notebookParams\(/, `${name}: the first cell holds the parameters`);
    for (const src of code) {
      assert.doesNotMatch(src, /\bfunction\b|=>|\bfor\s*\(|\bwhile\s*\(|\bclass\s/, `${name}: a cell defines a function or loop:\n${src}`);
      assert.ok(src.split("\n").length <= 4, `${name}: a cell longer than 4 lines:\n${src}`);
    }
    const raw = fs.readFileSync(path.join(ROOT, "notebooks", `${name}.ipynb`), "utf8");
    assert.ok(raw.split("window.Plotly = Plotly").length - 1 <= 1, `${name}: plotly.js inlined more than once`);
  }
});
