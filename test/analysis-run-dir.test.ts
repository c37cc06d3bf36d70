// Reading a run dir (test/fixtures/run-sample, hand-chosen numbers) into plain records.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { latestRun, listRuns, loadRun, readJsonl, summaryTable71 } from "../src/analysis/run-dir";
import { projectPath } from "../src/util/paths";
import { measuredValues, requestRows, valuesOf } from "../src/analysis/requests";
import { UsageError } from "../src/errors";

const FIXTURE = path.join(__dirname, "fixtures", "run-sample");
const DS = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";
const PHI = "microsoft/Phi-3-mini-4k-instruct";

test("loadRun reads the summary, every model's records, memory, phases and concurrency search", () => {
  const run = loadRun(FIXTURE);
  assert.equal(run.name, "run-sample");
  assert.equal(run.summary.engine, "sim");
  assert.deepEqual(run.models.map((m) => m.model), [DS, PHI]);
  const ds = run.models[0]!;
  assert.deepEqual(Object.keys(ds.requests).sort(), ["long", "medium", "short"], "prompt classes");
  assert.equal(ds.requests.short!.length, 4, "1 warm-up + 3 measured");
  assert.equal(ds.memory.length, 5, "memory samples");
  assert.equal(ds.phases?.weights_load_s, 8, "phases read from under `phases` in phases.json");
  assert.equal(ds.maxConcurrency?.max_concurrency, 4);
  assert.deepEqual(ds.maxConcurrency?.levels.map((l) => l.pass), [true, true, true, false]);
  assert.match(ds.serverLog ?? "", /Application startup complete/);
});

test("requestRows leaves warm-ups out, keeps failures marked, and derives TTFT/TPOT from the records", () => {
  const rows = requestRows(loadRun(FIXTURE));
  assert.equal(rows.length, 19, "2 models × 3 classes × 3 measured + 1 failed");
  assert.equal(rows.filter((r) => !r.ok).length, 1);
  assert.equal(rows.find((r) => !r.ok)?.errorKind, "http");
  assert.deepEqual(valuesOf(rows, "ttftMs", DS, "short"), [100, 110, 120]);
  assert.deepEqual(valuesOf(rows, "tpotMs", PHI, "long"), [20, 20, 20]);
  assert.deepEqual(valuesOf(rows, "decodeTokensPerS", DS), Array(9).fill(100));
  const records = loadRun(FIXTURE).models[1]!.requests.long!;
  assert.deepEqual(measuredValues(records, "ttftMs"), [190, 200, 210], "warm-up (500 ms) and the failure left out");
});

test("latestRun picks the newest run dir with a summary.json, optionally per engine", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lab-runs-"));
  try {
    for (const name of ["20261124-100000-sim", "20261125-090000-vllm", "20261125-100000-sim", "20261126-000000-sim"]) {
      fs.mkdirSync(path.join(root, name));
      if (name !== "20261126-000000-sim") fs.writeFileSync(path.join(root, name, "summary.json"), "{}");
    }
    assert.deepEqual(listRuns(root).map((d) => path.basename(d)), ["20261124-100000-sim", "20261125-090000-vllm", "20261125-100000-sim"]);
    assert.equal(path.basename(latestRun(root)), "20261125-100000-sim", "a dir without summary.json is not a run");
    assert.equal(path.basename(latestRun(root, "vllm")), "20261125-090000-vllm");
    assert.throws(() => latestRun(path.join(root, "none")), (err: unknown) => err instanceof UsageError && /no run dir with a summary\.json under .*none; run `npx latency-lab reproduce --engine sim` first/.test(err.message));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("loadRun names the problem: no summary.json, wrong schema", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-run-"));
  try {
    assert.throws(() => loadRun(dir), { message: `${dir} has no summary.json; pass a run dir written by \`latency-lab reproduce\`` });
    fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify({ schema: "latency-lab/bench@1" }));
    assert.throws(() => loadRun(dir), { message: `${dir}/summary.json is not a latency-lab/reproduce@1 document (schema: latency-lab/bench@1)` });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("readJsonl drops a torn last line (interrupted run) but not a damaged middle line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-jsonl-"));
  try {
    const file = path.join(dir, "r.jsonl");
    fs.writeFileSync(file, '{"a":1}\n{"a":2}\n{"a":');
    assert.deepEqual(readJsonl(file), [{ a: 1 }, { a: 2 }]);
    fs.writeFileSync(file, '{"a":1}\n{"a"\n{"a":3}\n');
    assert.throws(() => readJsonl(file), { message: `${file}:2 is not valid JSON; the file is damaged` });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("summaryTable71 reads the table 7.1 rows the committed reproduce run stored in summary.json", () => {
  assert.equal(summaryTable71(loadRun(FIXTURE).summary), null, "a summary without a table");
  const run = loadRun(latestRun());
  const rows = summaryTable71(run.summary)!;
  assert.equal(rows.length, 16, "8 metrics × 2 models");
  const row = (metric: string, model: string) => rows.find((r) => r.metric === metric && r.model === model)!;
  const short = row("ttft_short_ms", DS);
  assert.deepEqual([short.published, short.publishedPlusMinus], [124, 11]);
  assert.equal(short.delta, (short.measured as number) - 124);
  assert.equal(short.measured, run.summary.models[0]!.ttft_ms.short.mean, "the row holds the summary's mean");
  assert.equal(row("max_concurrency", DS).published, 8);
});
