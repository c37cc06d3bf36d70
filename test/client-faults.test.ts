// Each client fault against the scripted server becomes a record with its kind and the server's
// message; runBench counts and lists it, and the record is on disk.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { streamRequest, type StreamRequestOptions } from "../src/client/stream-request";
import { runBench } from "../src/load/run-bench";
import { ServerUnusableError } from "../src/errors";
import { readRecords } from "../src/record/jsonl";
import { deriveMetrics } from "../src/stats/metrics";
import { countTokens } from "../src/tokenize";
import { content, finish, flatError, nestedError, reasoning, role, startScriptedServer, tokenStream, usage, type Scenario, type ScriptedServer } from "./helpers/scripted-server";

let server: ScriptedServer;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lab-client-faults-"));
before(async () => { server = await startScriptedServer(); });
after(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function once(s: Scenario, extra: Partial<StreamRequestOptions> = {}) {
  server.setScenario(() => s);
  return streamRequest({ baseUrl: server.baseUrl, model: "test-model", messages: [{ role: "user", content: "hi" }], ...extra });
}

const FAULTS: Array<{ name: string; scenario: Scenario; extra?: Partial<StreamRequestOptions>; kind: string; message: RegExp }> = [
  { name: "HTTP 400 (nested body)", scenario: { status: 400, body: nestedError(400, "max_tokens=5000 cannot be greater than max_model_len=4096.") }, kind: "http", message: /^HTTP 400: max_tokens=5000 cannot be greater/ },
  { name: "HTTP 500 (flat, pre-0.10 body)", scenario: { status: 500, body: flatError(500, "engine dead", "InternalServerError") }, kind: "http", message: /^HTTP 500: engine dead$/ },
  { name: "HTTP 503 (empty body)", scenario: { status: 503, body: "" }, kind: "http", message: /^HTTP 503: \(empty body\)$/ },
  { name: "disconnect mid-stream", scenario: { events: [{ data: role() }, { data: content("a") }], disconnect: true }, kind: "disconnect", message: /mid-stream|before \[DONE\]/ },
  { name: "stream closed without [DONE] or finish", scenario: { events: [{ data: content("a") }], done: false }, kind: "disconnect", message: /before \[DONE\]/ },
  { name: "malformed SSE", scenario: { events: [{ data: content("a") }, { raw: "data: {oops\n\n" }] }, kind: "malformed-sse", message: /not JSON/ },
  { name: "stall between chunks", scenario: { events: [{ data: content("a") }], stall: true }, extra: { stallTimeoutMs: 150 }, kind: "stall", message: /no data for 150 ms/ },
  { name: "whole-request timeout", scenario: { events: [{ data: content("a") }, { data: content("b"), delayMs: 100 }, { data: content("c"), delayMs: 100 }, { data: content("d"), delayMs: 100 }] }, extra: { timeoutMs: 150, stallTimeoutMs: 1000 }, kind: "timeout", message: /longer than 0.15 s/ },
  { name: "error event inside a 200 stream", scenario: { events: [{ data: role() }, { data: content("a") }, { data: { error: { message: "CUDA error", type: "InternalServerError", code: 500 } } }] }, kind: "http", message: /CUDA error/ },
  { name: "no tokens at all", scenario: { events: [{ data: role() }, { data: finish() }, { data: usage(3, 0) }] }, kind: "no-tokens", message: /without any generated text/ },
];

describe("streamRequest faults", () => {
  for (const f of FAULTS) {
    it(`${f.name} → ${f.kind}`, async () => {
      const r = await once(f.scenario, f.extra);
      assert.equal(r.ok, false);
      assert.equal(r.errorKind, f.kind);
      assert.match(r.error ?? "", f.message);
      assert.ok(!(r.error ?? "").includes("\n"), "one line");
    });
  }

  it("connection refused → connect", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await streamRequest({ baseUrl: `http://127.0.0.1:${port}/v1`, model: "m", messages: [{ role: "user", content: "x" }] });
    assert.equal(r.errorKind, "connect");
    assert.match(r.error ?? "", /ECONNREFUSED/);
  });

  it("sends include_usage, max_tokens, ignore_eos and the API key; never records the key", async () => {
    const r = await once(tokenStream(["a"]), { apiKey: "sk-test-123", maxTokens: 7, ignoreEos: true });
    const req = server.requests[server.requests.length - 1];
    assert.deepEqual(req?.body?.stream_options, { include_usage: true });
    assert.equal(req?.body?.max_tokens, 7);
    assert.equal(req?.body?.ignore_eos, true);
    assert.equal(req?.headers.authorization, "Bearer sk-test-123");
    assert.ok(!JSON.stringify(r).includes("sk-test"));
  });

  it("Chinese output, reasoning first, no usage: tokenizer fallback over the network", async () => {
    const r = await once({ events: [{ data: role() }, { data: reasoning("嗯", "reasoning_content") }, { data: content("量子"), delayMs: 5 }, { data: content("计算") }, { data: finish() }] }, { countTokens: (t) => [...t].length, keepText: true });
    assert.equal(r.ok, true);
    assert.equal(r.text, "量子计算");
    assert.equal(r.reasoningText, "嗯");
    assert.equal(r.tokenSource, "tokenizer");
    assert.equal(r.outputTokens, 5);
    const m = deriveMetrics(r);
    assert.equal(m.ttftMs, r.chunkMs[1], "TTFT at the reasoning chunk");
    assert.equal((m.e2eMs as number) - (m.ttftMs as number), m.itlMs.reduce((a, b) => a + b, 0));
  });
});

describe("runBench under faults", () => {
  it("counts and lists failures, keeps going, and writes every record (warm-ups flagged)", async () => {
    server.setScenario((_b, i) => (i % 3 === 2 ? { status: 500, body: nestedError(500, "overloaded", "InternalServerError") } : tokenStream(["a", "b", "c"], { delayMs: 1 })));
    const out = path.join(tmp, "bench");
    const seen: number[] = [];
    const { document, records } = await runBench({
      baseUrl: server.baseUrl, model: "test-model", prompts: [{ id: "short", messages: [{ role: "user", content: "x" }] }],
      requests: 9, warmup: 1, concurrency: 3, outDir: out, onRecord: (r) => seen.push(r.index),
    });
    assert.equal(records.length, 10);
    assert.equal(seen.length, 10);
    const measuredFailed = records.filter((r) => !r.isWarmup && !r.ok).length;
    assert.deepEqual(document.requests, { completed: 9 - measuredFailed, failed: measuredFailed });
    assert.ok(measuredFailed >= 3);
    assert.deepEqual(document.errors, [{ kind: "http", message: "HTTP 500: overloaded", count: measuredFailed }]);
    const disk = readRecords(path.join(out, "requests.jsonl"));
    assert.equal(disk.length, 10);
    assert.equal(disk.filter((r) => r.isWarmup).length, 1);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8")).schema, "latency-lab/bench@1");
    const meta = JSON.parse(fs.readFileSync(path.join(out, "metadata.json"), "utf8"));
    assert.equal(meta.server.version.version, "0.0.0-scripted");
    assert.equal(meta.parameters.requests, 9);
    assert.ok(meta.ended_at);
  });

  it("refuses before the run when the model is not served, naming the served ones", async () => {
    const before = server.requests.length;
    await assert.rejects(
      runBench({ baseUrl: server.baseUrl, model: "other", prompts: [{ id: "p", messages: [{ role: "user", content: "x" }] }], requests: 1 }),
      (e: unknown) => e instanceof ServerUnusableError && /"other" is not served .*it serves: test-model/.test(e.shortMessage),
    );
    assert.equal(server.requests.slice(before).filter((r) => r.url.includes("chat")).length, 0, "nothing sent");
  });

  it("open loop at a request rate records the schedule and the queueing delay apart", async () => {
    server.setScenario(() => tokenStream(["a", "b"], { delayMs: 20 }));
    const { records, document } = await runBench({
      baseUrl: server.baseUrl, model: "test-model", prompts: [{ id: "p", messages: [{ role: "user", content: "x" }] }],
      requests: 6, requestRate: 200, burstiness: Infinity, concurrency: 1, checkServer: false,
    });
    const measured = records.filter((r) => !r.isWarmup);
    assert.equal(measured.length, 6);
    // Constant 5 ms gaps but each request takes ≥ 40 ms with a cap of 1: later ones wait in the client queue.
    const gaps = measured.slice(1).map((r, i) => r.scheduledMs - (measured[i] as typeof r).scheduledMs);
    for (const g of gaps) assert.ok(Math.abs(g - 5) < 1e-6, `scheduled 5 ms apart, got ${g}`);
    assert.ok((measured[5] as (typeof measured)[number]).sentMs - (measured[5] as (typeof measured)[number]).scheduledMs > 0);
    assert.ok(((document.queue_delay_ms as { max: number }).max) > 0);
  });

  it("a server without usage: runBench counts output tokens with the model's tokenizer and marks them", async () => {
    const qwen = await startScriptedServer({ models: ["Qwen/Qwen2.5-1.5B-Instruct"], scenario: () => tokenStream(["量子", "计算", "是"], { withUsage: false }) });
    try {
      const { document, records } = await runBench({
        baseUrl: qwen.baseUrl, model: "Qwen/Qwen2.5-1.5B-Instruct", prompts: [{ id: "p", messages: [{ role: "user", content: "x" }] }], requests: 2,
      });
      assert.deepEqual(records.map((r) => [r.tokenSource, r.outputTokens]), [["tokenizer", countTokens("Qwen/Qwen2.5-1.5B-Instruct", "量子计算是")], ["tokenizer", countTokens("Qwen/Qwen2.5-1.5B-Instruct", "量子计算是")]]);
      assert.deepEqual(document.token_source, { usage: 0, tokenizer: 2, none: 0 });
    } finally {
      await qwen.close();
    }
  });

  it("untilCompleted keeps sending until enough requests succeeded (bounded)", async () => {
    server.setScenario((_b, i) => (i % 2 === 0 ? { status: 500, body: nestedError(500, "flaky", "InternalServerError") } : tokenStream(["a", "b"])));
    const { document, records } = await runBench({
      baseUrl: server.baseUrl, model: "test-model", prompts: [{ id: "p", messages: [{ role: "user", content: "x" }] }],
      requests: 4, concurrency: 1, untilCompleted: true, checkServer: false,
    });
    assert.equal(document.requests.completed, 4);
    assert.equal(records.length, 8, "2 × requests attempts at most");
  });
});
