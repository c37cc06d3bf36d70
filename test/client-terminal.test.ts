// Terminal rendering: tables are plain strings; the progress line is drawn only from its timer.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createProgress, renderBenchTable, renderMaxConcurrencyTable } from "../src/render/terminal";
import { summarize } from "../src/stats/summary";
import type { BenchDocument, MaxConcurrencyDocument } from "../src/types";

const s = summarize([10, 20, 30]);
const metrics = { ttft_ms: s, ttfo_ms: s, tpot_ms: s, itl_ms: s, e2e_ms: s, output_tokens: s, decode_tokens_per_s: s };
const doc: BenchDocument = {
  schema: "latency-lab/bench@1", model: "m", base_url: "http://x/v1", requests: { completed: 3, failed: 1 }, metrics,
  throughput: { requests_per_s: 1.5, output_tokens_per_s: 30, total_tokens_per_s: 45 }, errors: [{ kind: "http", message: "HTTP 500: boom", count: 1 }],
};

describe("terminal rendering", () => {
  it("bench table: one row per metric, throughput, errors", () => {
    const text = renderBenchTable(doc);
    assert.match(text, /^m @ http:\/\/x\/v1: 3 completed, 1 failed/);
    assert.match(text, /TTFT \(ms\)\s+3\s+20\.0\s+10\.0\s+20\.0/);
    assert.match(text, /throughput: 1\.50 req\/s, 30\.0 output tok\/s, 45\.0 total tok\/s/);
    assert.match(text, /1 × http: HTTP 500: boom/);
  });

  it("max-concurrency table states the SLO and each level", () => {
    const mc: MaxConcurrencyDocument = {
      schema: "latency-lab/max-concurrency@1", slo: "tpot:p95<=50ms", max_concurrency: 2, slo_definition: "p95 TPOT <= 50 ms",
      levels: [{ concurrency: 1, pass: true, metrics, slo_values: [{ valueMs: 12 }], requests: { completed: 4, failed: 0 } }, { concurrency: 4, pass: false, metrics }],
    };
    const text = renderMaxConcurrencyTable(mc);
    assert.match(text, /max concurrency under tpot:p95<=50ms: 2\n\(p95 TPOT <= 50 ms\)/);
    assert.match(text, /\n1\s+pass\s+12\.00/);
    assert.match(text, /\n4\s+FAIL/);
  });

  it("progress: ticks never draw; drawing happens on the timer and once at stop", () => {
    const writes: string[] = [];
    const stream = { isTTY: false, write: (t: string) => { writes.push(t); return true; } } as unknown as NodeJS.WriteStream;
    const p = createProgress({ total: 1000, label: "bench", enabled: true, stream });
    for (let i = 0; i < 1000; i++) p.tick(i % 10 !== 0);
    assert.equal(writes.length, 0, "no synchronous repaint per record");
    p.stop();
    assert.equal(writes.length, 1);
    assert.match(writes[0] as string, /^bench \[#{24}\] 1000\/1000 done, 100 failed/);
    const off = createProgress({ total: 5, stream });
    off.tick(true);
    off.stop();
    assert.equal(writes.length, 1, "disabled when the stream is not a TTY");
  });
});
