// Metric definitions on scripted chunk streams with injected arrival times (no network, no clock).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SseAccumulator, errorMessageOf } from "../src/client/sse-accumulator";
import { buildRecord } from "../src/client/stream-request";
import { deriveMetrics, summarizeRecords } from "../src/stats/metrics";
import { countTokens } from "../src/tokenize";
import type { RequestRecord } from "../src/types";
import { both, content, errorEvent, finish, reasoning, role, usage } from "./helpers/scripted-server";

type Step = [tMs: number, payload: unknown | string];

/** Feeds `data:` events (objects → JSON, strings raw) at the given times and builds the record. */
function play(steps: Step[], opts: { countTokens?: (t: string) => number; done?: boolean } = {}): RequestRecord {
  const acc = new SseAccumulator();
  let last = 0;
  for (const [t, p] of steps) {
    acc.push(typeof p === "string" ? p : `data: ${JSON.stringify(p)}\n\n`, t);
    last = t;
  }
  if (opts.done !== false) acc.push("data: [DONE]\n\n", last);
  acc.finish(last);
  const kind = acc.errorKind;
  return buildRecord({ countTokens: opts.countTokens, keepText: true }, acc, 200, 0, 0, kind, acc.error);
}

describe("per-request metrics", () => {
  it("a role-only first chunk sent early does not set TTFT; the usage trailer does not extend E2E", () => {
    const r = play([[1, role()], [50, content("A")], [70, content("B")], [100, content("C")], [100.5, finish()], [130, usage(7, 3)]]);
    assert.equal(r.chunkCodes, "ncccnu", "codes");
    const m = deriveMetrics(r);
    assert.equal(m.ttftMs, 50, "TTFT is the first text chunk, not the role chunk at 1 ms");
    assert.equal(m.ttfoMs, 50, "TTFO");
    assert.equal(m.e2eMs, 100, "E2E ends at the last text chunk, not the usage trailer at 130 ms");
    assert.deepEqual(m.itlMs, [20, 30], "ITL between text chunks only");
    assert.equal(m.outputTokens, 3, "tokens from usage");
    assert.equal(r.tokenSource, "usage");
    assert.equal(m.tpotMs, 25, "TPOT = (100 − 50)/(3 − 1)");
    assert.equal(m.decodeTokensPerS, 40, "decode = (3 − 1)/0.05 s");
    assert.equal(m.articleTokensPerS, 60, "article = 3/0.05 s");
    assert.equal((m.e2eMs as number) - (m.ttftMs as number), m.itlMs.reduce((a, b) => a + b, 0), "e2e − ttft = Σ itl");
  });

  it("multi-token chunks: ITL is per chunk, TPOT per token from usage", () => {
    const r = play([[10, content("ab")], [30, content("cd")], [40, content("ef")], [40, finish()], [41, usage(3, 6)]]);
    const m = deriveMetrics(r);
    assert.deepEqual(m.itlMs, [20, 10], "two gaps for three chunks");
    assert.equal(m.tpotMs, 6, "TPOT = 30/(6 − 1)");
    assert.equal(m.e2eMs, 40);
  });

  it("reasoning under both field names precedes content: TTFT at the first reasoning, TTFO at the first content", () => {
    const r = play([[2, role()], [5, reasoning("let me", "reasoning")], [8, reasoning(" think", "reasoning_content")], [12, both(" ok", "The")], [20, content(" answer")], [21, finish()], [22, usage(4, 5)]]);
    assert.equal(r.chunkCodes, "nrrbcnu");
    const m = deriveMetrics(r);
    assert.equal(m.ttftMs, 5, "TTFT");
    assert.equal(m.ttfoMs, 12, "TTFO on the chunk carrying both");
    assert.deepEqual(m.itlMs, [3, 4, 8]);
    assert.equal(m.e2eMs, 20);
    assert.equal(r.reasoningChars, "let me think ok".length);
    assert.equal(r.text, "The answer");
    assert.equal(r.reasoningText, "let me think ok");
  });

  it("a content delta with reasoning_content: null (transition-era vLLM) is content", () => {
    const r = play([[3, { choices: [{ index: 0, delta: { content: "Hi", reasoning_content: null } }] }], [4, usage(1, 1)]]);
    assert.equal(r.chunkCodes, "cu");
    assert.equal(deriveMetrics(r).ttfoMs, 3);
  });

  it("missing usage: output tokens come from the model's tokenizer and the record is marked", () => {
    const model = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";
    const r = play([[1, role()], [10, content("量子计算")], [20, content("是一种计算方式。")], [21, finish()]], { countTokens: (t) => countTokens(model, t) });
    assert.equal(r.tokenSource, "tokenizer");
    assert.equal(r.outputTokens, countTokens(model, "量子计算是一种计算方式。"));
    assert.ok((r.outputTokens as number) > 2, "Chinese text has tokens (the article's split() would count 1)");
    assert.equal(r.ok, true);
  });

  it("Chinese output split inside an event across two buffers is timed when the event completes", () => {
    const r = play([[5, 'data: {"choices":[{"index":0,"delta":{"content":"你'], [9, '好"}}]}\n\n'], [15, content("世界")], [16, usage(2, 2)]]);
    assert.equal(r.text, "你好世界");
    assert.deepEqual(r.chunkMs.slice(0, 2), [9, 15]);
    assert.equal(deriveMetrics(r).ttftMs, 9);
  });

  it("an error event inside a 200 stream fails the request with the server's message", () => {
    const r = play([[1, role()], [5, content("x")], [7, errorEvent("CUDA out of memory")]]);
    assert.equal(r.ok, false);
    assert.equal(r.errorKind, "http");
    assert.equal(r.error, "error event in the stream: CUDA out of memory");
    assert.equal(r.chunkCodes, "nce");
  });

  it("a stream with no generated text is a failure, not a 0 ms success", () => {
    const r = play([[1, role()], [2, finish()], [3, usage(5, 0)]]);
    assert.equal(r.ok, false);
    assert.equal(r.errorKind, "no-tokens");
    assert.equal(deriveMetrics(r).ttftMs, null);
  });

  it("malformed SSE stops the stream", () => {
    const acc = new SseAccumulator();
    assert.equal(acc.push("data: {not json}\n\n", 1), false);
    assert.equal(acc.errorKind, "malformed-sse");
    const acc2 = new SseAccumulator();
    assert.equal(acc2.push("garbage line\n\n", 1), false);
    assert.equal(acc2.errorKind, "malformed-sse");
  });

  it("CRLF framing, comments and a final event without its blank line are accepted", () => {
    const acc = new SseAccumulator();
    acc.push(": ping\r\n\r\n", 0);
    acc.push(`data: ${JSON.stringify(content("a"))}\r\n\r\n`, 3);
    acc.push(`data: ${JSON.stringify(usage(1, 1))}`, 4);
    acc.finish(5);
    assert.equal(acc.chunkCodes, "cu");
    assert.equal(acc.completionTokens, 1);
  });

  it("reads both vLLM error shapes", () => {
    assert.equal(errorMessageOf({ error: { message: "nested", type: "NotFoundError", code: 404 } }), "nested");
    assert.equal(errorMessageOf({ object: "error", message: "flat", type: "BadRequestError", code: 400 }), "flat");
    assert.equal(errorMessageOf({ detail: "Not Found" }), "Not Found");
    assert.equal(errorMessageOf("x"), null);
  });
});

function rec(over: Partial<RequestRecord>): RequestRecord {
  return {
    index: 0, group: "g", isWarmup: false, sentMs: 0, chunkMs: [10, 20, 30, 31], chunkCodes: "cccu",
    httpStatus: 200, ok: true, errorKind: null, error: null, finishReason: "stop", promptTokens: 10, outputTokens: 3,
    tokenSource: "usage", contentChars: 3, reasoningChars: 0, ...over,
    scheduledMs: over.scheduledMs ?? over.sentMs ?? 0,
  };
}

describe("summarizeRecords", () => {
  it("excludes warm-ups from everything and measures throughput over the measured window", () => {
    const records = [
      rec({ index: 0, isWarmup: true, sentMs: 0, chunkMs: [500, 900], chunkCodes: "cc", outputTokens: 2 }),
      rec({ index: 1, sentMs: 1000 }),
      rec({ index: 2, sentMs: 1500, scheduledMs: 1498 }),
      rec({ index: 3, sentMs: 1900, ok: false, errorKind: "http", error: "HTTP 500: boom", chunkMs: [100], chunkCodes: "e", outputTokens: null }),
      rec({ index: 4, sentMs: 1950, ok: false, errorKind: "http", error: "HTTP 500: boom", chunkMs: [], chunkCodes: "", outputTokens: null }),
    ];
    const s = summarizeRecords(records);
    assert.deepEqual(s.requests, { completed: 2, failed: 2 });
    assert.equal(s.metrics.ttft_ms.count, 2);
    assert.equal(s.metrics.ttft_ms.mean, 10);
    assert.equal(s.metrics.itl_ms.count, 4, "ITL pooled over requests");
    assert.equal(s.duration_s, 1.0, "window: first measured send (1000) → last event (2000)");
    assert.equal(s.throughput.requests_per_s, 2);
    assert.equal(s.throughput.output_tokens_per_s, 6);
    assert.equal(s.throughput.total_tokens_per_s, 26);
    assert.deepEqual(s.errors, [{ kind: "http", message: "HTTP 500: boom", count: 2 }]);
    assert.equal(s.queue_delay_ms.max, 2, "queueing delay kept apart from latency");
    assert.equal(s.metrics.tpot_ms.mean, 10, "TPOT = (30 − 10)/2");
  });

  it("gives empty summaries (count 0, nulls) when nothing succeeded", () => {
    const s = summarizeRecords([rec({ ok: false, errorKind: "connect", error: "cannot connect", chunkMs: [], chunkCodes: "" })]);
    assert.equal(s.metrics.ttft_ms.count, 0);
    assert.equal(s.metrics.ttft_ms.mean, null);
    assert.equal(s.throughput.requests_per_s, 0);
  });
});
