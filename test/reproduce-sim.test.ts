// The whole experiment on the simulator (--fast-start, shrunk): every file of the run directory,
// the reproduce@1 document, table 7.1 with every cell measured, and no server left behind.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runReproduce, renderTable71, type ReproduceEvent } from "../src/experiment";
import { loadRun, summaryTable71 } from "../src/analysis/run-dir";
import { liveGroupIds, listGroupPids } from "../src/server/stop";
import type { RequestRecord } from "../src/types";

const EXPERIMENT = path.join(__dirname, "fixtures", "experiment-small.json");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "reproduce-sim-"));
after(() => fs.rmSync(out, { recursive: true, force: true }));

const readJsonl = <T>(file: string): T[] => fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as T);

test("reproduce on the simulator writes the run directory and table 7.1 for both models", async () => {
  const events: ReproduceEvent[] = [];
  const run = await runReproduce({ experiment: EXPERIMENT, outDir: out, onProgress: (e) => events.push(e) });
  assert.equal(run.runDir, out);
  assert.equal(run.interrupted, false);
  assert.deepEqual(run.failures, []);
  const doc = run.document;
  assert.equal(doc.schema, "latency-lab/reproduce@1");
  assert.equal(doc.engine, "sim");
  assert.deepEqual(doc.models.map((m) => m.model), ["deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "microsoft/Phi-3-mini-4k-instruct"]);

  for (const m of doc.models) {
    const dir = path.join(out, m.slug as string);
    assert.ok((m.load_time_s as number) > 0, "load time");
    for (const cls of ["short", "medium", "long"]) {
      assert.equal(m.ttft_ms[cls]?.count, 2, `${cls}: two measured runs`);
      const records = readJsonl<RequestRecord>(path.join(dir, `requests-${cls}.jsonl`));
      assert.equal(records.length, 3, "warm-up + 2 runs on disk");
      assert.deepEqual(records.map((r) => r.isWarmup), [true, false, false], "warm-up flagged");
      assert.ok(records.every((r) => r.ok && r.group === cls));
      const bench = JSON.parse(fs.readFileSync(path.join(dir, `bench-${cls}.json`), "utf8"));
      assert.equal(bench.schema, "latency-lab/bench@1");
    }
    assert.equal(m.decode_tokens_per_s.count, 6, "decode speed pooled over the classes");
    assert.ok((m.vram_peak_gb as number) > (m.model_footprint_gb as number), "process peak (preallocation) > footprint");
    assert.ok((m.model_footprint_gb as number) > 3, "footprint holds the fp16 weights");
    assert.equal(m.max_concurrency, 2, "the search's limit in this tiny experiment");
    assert.equal(m.slo, "tpot:p95<=50ms");
    const mc = JSON.parse(fs.readFileSync(path.join(dir, "max-concurrency.json"), "utf8"));
    assert.equal(mc.schema, "latency-lab/max-concurrency@1");
    assert.ok(readJsonl(path.join(dir, "requests-max-concurrency.jsonl")).length >= 4);
    const phases = JSON.parse(fs.readFileSync(path.join(dir, "phases.json"), "utf8"));
    assert.ok(phases.phases.kv_cache_tokens > 0);
    assert.ok(readJsonl(path.join(dir, "memory.jsonl")).length >= 1);
    assert.match(fs.readFileSync(path.join(dir, "server.log"), "utf8"), /latency-lab: .*latency-sim\.cjs --model/);
    assert.deepEqual(listGroupPids(phases.pid), [], "server stopped");
  }
  assert.deepEqual(liveGroupIds(), [], "no server registered as live");

  const summary = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
  assert.equal(summary.schema, "latency-lab/reproduce@1");
  assert.equal(summary.table.length, 16, "8 rows (7 + footprint) × 2 models");
  assert.deepEqual(summaryTable71(loadRun(out).summary), run.table, "summary.json's table reads back as the shared rows");
  assert.match(summary.table_notes.decode_tokens_per_s, /exceeds its bound/);
  const meta = JSON.parse(fs.readFileSync(path.join(out, "metadata.json"), "utf8"));
  assert.equal(meta.gpu.source, "simulator profile");
  assert.ok(meta.tool.version && meta.started_at && meta.ended_at);

  // Table 7.1: every cell measured, published values beside them.
  for (const row of run.table) assert.ok(row.measured !== null && Number.isFinite(row.measured), `${row.metric} measured for ${row.model}`);
  const load = run.table.filter((r) => r.metric === "load_time_s");
  assert.deepEqual(load.map((r) => r.published), [18.3, 21.7], "published from data/published/seed-table-7.1.csv");
  const text = renderTable71(run.table, run.tableNotes);
  assert.match(text, /^Table 7\.1, measured vs published/);
  assert.match(text, /TTFT short .*124 ± 11 ms/);
  assert.match(text, /The article's 4\.1 \/ 4\.6 GB is neither/);
  assert.match(text, /≥ 2/, "passing at the search's limit shows as a lower bound");
  assert.ok(events.some((e) => e.type === "phase" && e.phase === "max-concurrency"));
  await assert.rejects(runReproduce({ experiment: EXPERIMENT, outDir: out }), /already holds a run; give a new directory/);
});
