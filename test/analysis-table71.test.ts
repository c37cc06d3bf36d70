// Table 7.1 rebuilt from the fixture run beside the published CSV, and the danfojs frames.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadPublished, TABLE_71_METRICS } from "../src/analysis/published";
import { loadRun } from "../src/analysis/run-dir";
import { buildTable71 } from "../src/analysis/table-71";
import { frameCsv, frameRows, groupStats, requestFrame, table71Frame, toFrame } from "../src/analysis/frame";
import { requestRows } from "../src/analysis/requests";

const FIXTURE = path.join(__dirname, "fixtures", "run-sample");
const DS = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";
const PHI = "microsoft/Phi-3-mini-4k-instruct";

test("the published CSV holds every number of the article's table 7.1", () => {
  const pub = loadPublished();
  assert.equal(pub.length, 14, "7 metrics × 2 models");
  const v = (metric: string, model: string) => pub.find((p) => p.metric === metric && p.model === model);
  assert.deepEqual([v("load_time_s", DS)?.value, v("load_time_s", PHI)?.value], [18.3, 21.7]);
  assert.deepEqual([v("ttft_short_ms", DS)?.value, v("ttft_short_ms", DS)?.plusMinus], [124, 11]);
  assert.deepEqual([v("ttft_medium_ms", PHI)?.value, v("ttft_medium_ms", PHI)?.plusMinus], [162, 18]);
  assert.deepEqual([v("ttft_long_ms", DS)?.value, v("ttft_long_ms", PHI)?.value, v("ttft_long_ms", PHI)?.plusMinus], [158, 189, 21]);
  assert.deepEqual([v("decode_tokens_per_s", DS)?.value, v("decode_tokens_per_s", PHI)?.value], [89.3, 76.5]);
  assert.deepEqual([v("vram_peak_gb", DS)?.value, v("vram_peak_gb", PHI)?.value], [4.1, 4.6]);
  assert.deepEqual([v("max_concurrency", DS)?.value, v("max_concurrency", PHI)?.value], [8, 6]);
  assert.deepEqual([...new Set(pub.map((p) => p.metric))], [...TABLE_71_METRICS], "article's row order");
  assert.equal(v("max_concurrency", DS)?.rowZh, "最大并发数(<50ms 延迟)");
});

test("loadPublished rejects an unknown metric with the line number", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-pub-"));
  try {
    const file = path.join(dir, "t.csv");
    fs.writeFileSync(file, "metric,row_zh,unit,model,value,plus_minus\nttft_ms,x,ms,m,1,\n");
    assert.throws(() => loadPublished(file), { message: `${file}:2: unknown metric "ttft_ms"; allowed: ${TABLE_71_METRICS.join(", ")}` });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("buildTable71: measured mean ± sd beside published, with deltas", () => {
  const rows = buildTable71(loadRun(FIXTURE).summary, loadPublished());
  assert.equal(rows.length, 16, "8 rows (7 + footprint) × 2 models");
  const row = (metric: string, model: string) => rows.find((r) => r.metric === metric && r.model === model)!;
  const short = row("ttft_short_ms", DS);
  assert.deepEqual([short.measured, short.measuredStd, short.published, short.publishedPlusMinus, short.delta], [110, 10, 124, 11, -14]);
  assert.equal(short.deltaPct!.toFixed(3), "-11.290");
  assert.deepEqual([row("decode_tokens_per_s", PHI).measured, row("decode_tokens_per_s", PHI).published], [50, 76.5]);
  assert.equal(row("load_time_s", PHI).delta!.toFixed(2), "8.55");
  assert.deepEqual([row("max_concurrency", DS).measured, row("max_concurrency", DS).deltaPct], [4, -50]);
  const footprint = row("model_footprint_gb", PHI);
  assert.deepEqual([footprint.measured, footprint.published], [7.855, 4.6], "footprint held against the published VRAM");
  assert.equal(row("vram_peak_gb", DS).measuredStd, null, "single numbers carry no sd");
});

test("danfojs: per-request groupby reproduces the run summary's TTFT mean and sd", () => {
  const run = loadRun(FIXTURE);
  const stats = frameRows(groupStats(requestFrame(requestRows(run)), ["model", "promptClass"], ["ttftMs", "tpotMs"]));
  assert.equal(stats.length, 6);
  for (const m of run.summary.models) {
    for (const cls of ["short", "medium", "long"]) {
      const g = stats.find((s) => s.model === m.model.split("/").pop() && s.promptClass === cls)!;
      assert.equal(g.ttftMs_mean, m.ttft_ms[cls]!.mean, `${m.model} ${cls} mean`);
      assert.equal(g.ttftMs_std, m.ttft_ms[cls]!.std, `${m.model} ${cls} sd`);
      assert.equal(g.ttftMs_count, 3, "the failed request is not counted");
    }
  }
  assert.equal(stats.find((s) => s.model === "Phi-3-mini-4k-instruct")!.tpotMs_mean, 20);
});

test("groupStats aggregates each column over the rows where it is present", () => {
  const df = toFrame([{ k: "x", a: null, b: 1 }, { k: "x", a: 3, b: 2 }, { k: "y", a: 4, b: null }]);
  assert.equal(frameCsv(groupStats(df, ["k"], ["a", "b"])).trim(), "k,a_mean,a_std,a_count,b_mean,b_std,b_count\nx,3,0,1,1.5,0.7071067811865476,2\ny,4,0,1,,,");
});

test("table71Frame keeps the article's row order and short model names", () => {
  const rows = frameRows(table71Frame(buildTable71(loadRun(FIXTURE).summary, loadPublished())));
  assert.deepEqual(rows.slice(0, 3).map((r) => [r.metric, r.model]), [
    ["Model load time", "DeepSeek-R1-Distill-Qwen-1.5B"], ["Model load time", "Phi-3-mini-4k-instruct"], ["TTFT, short prompt", "DeepSeek-R1-Distill-Qwen-1.5B"],
  ]);
  assert.equal(rows[0]!.delta, 20.5 - 18.3);
});
