// The bench and max-concurrency CLI contract end to end: `node bin/latency-lab.cjs … --json`
// against the scripted server (document shape, exit codes 0/1/2, stdout only JSON, records on
// disk, one-line errors) and Ctrl-C during `bench --out`.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readRecords } from "../src/record/jsonl";
import { content, nestedError, role, startScriptedServer, tokenStream, type Scenario, type ScriptedServer } from "./helpers/scripted-server";

const BIN = path.join(__dirname, "..", "bin", "latency-lab.cjs");
const SUMMARY_KEYS = ["count", "mean", "std", "min", "p50", "p90", "p95", "p99", "max"];
const METRIC_KEYS = ["ttft_ms", "ttfo_ms", "tpot_ms", "itl_ms", "e2e_ms", "output_tokens", "decode_tokens_per_s"];

let server: ScriptedServer;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lab-client-cli-"));
const children = new Set<ChildProcess>();

before(async () => { server = await startScriptedServer({ models: ["test-model", "other-model"] }); });
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface CliResult { code: number | null; stdout: string; stderr: string }

function start(args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
  const env = { ...process.env, OPENAI_API_KEY: "sk-cli-secret" };
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
  const done = new Promise<CliResult>((resolve) => child.on("close", (code) => { children.delete(child); resolve({ code, stdout, stderr }); }));
  return { child, done };
}

const cli = (args: string[]): Promise<CliResult> => start(args).done;
const base = (): string[] => ["--base-url", server.baseUrl, "--model", "test-model"];

function assertOneLineError(r: CliResult, command: string, pattern: RegExp): void {
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one stderr line, got: ${r.stderr}`);
  assert.ok(lines[0]?.startsWith(`latency-lab ${command}: `), lines[0]);
  assert.match(lines[0] as string, pattern);
  assert.equal(r.stdout, "", "nothing on stdout");
}

describe("bench CLI", () => {
  it("--json prints exactly one bench@1 document; --out writes records, summary and metadata", async () => {
    server.setScenario(() => tokenStream(["你", "好", "!"], { delayMs: 2 }));
    const out = path.join(tmp, "ok");
    const r = await cli(["bench", ...base(), "--prompt-set", "article", "--requests", "6", "--warmup", "2", "--concurrency", "2", "--max-tokens", "16", "--out", out, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(r.stdout.trim().split("\n").length, 1, "a single line of JSON");
    assert.equal(doc.schema, "latency-lab/bench@1");
    assert.deepEqual(Object.keys(doc).slice(0, 8), ["schema", "model", "base_url", "requests", "metrics", "throughput", "errors", "article_tokens_per_s"]);
    assert.equal(doc.model, "test-model");
    assert.deepEqual(doc.requests, { completed: 6, failed: 0 });
    assert.deepEqual(Object.keys(doc.metrics), METRIC_KEYS);
    for (const k of METRIC_KEYS) assert.deepEqual(Object.keys(doc.metrics[k]), SUMMARY_KEYS, k);
    assert.equal(doc.metrics.ttft_ms.count, 6, "warm-ups excluded");
    assert.equal(doc.metrics.output_tokens.mean, 3);
    assert.deepEqual(Object.keys(doc.throughput), ["requests_per_s", "output_tokens_per_s", "total_tokens_per_s"]);
    assert.deepEqual(doc.errors, []);
    const records = readRecords(path.join(out, "requests.jsonl"));
    assert.equal(records.length, 8);
    assert.deepEqual(records.filter((x) => x.isWarmup).map((x) => x.index).sort(), [0, 1]);
    assert.deepEqual([...new Set(records.map((x) => x.group))].sort(), ["long", "medium", "short"]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8")).requests, doc.requests);
    const meta = fs.readFileSync(path.join(out, "metadata.json"), "utf8");
    assert.ok(!meta.includes("sk-cli-secret") && !fs.readFileSync(path.join(out, "requests.jsonl"), "utf8").includes("sk-cli-secret"), "no API key on disk");
    assert.equal(server.requests[server.requests.length - 1]?.headers.authorization, "Bearer sk-cli-secret", "key from OPENAI_API_KEY reaches the server");
    assert.ok(!r.stdout.includes("sk-cli-secret") && !r.stderr.includes("sk-cli-secret"));
  });

  it("without --json prints a table on stdout", async () => {
    server.setScenario(() => tokenStream(["a", "b"]));
    const r = await cli(["bench", ...base(), "--prompt", "什么是量子计算？", "--requests", "2"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /TTFT \(ms\)/);
    assert.match(r.stdout, /2 completed, 0 failed/);
  });

  it("each fault is counted and listed, recorded on disk, and the run exits 0", async () => {
    const faults: Scenario[] = [
      { status: 500, body: nestedError(500, "engine overloaded", "InternalServerError") },
      { status: 400, body: { object: "error", message: "prompt too long", type: "BadRequestError", code: 400 } },
      { events: [{ data: role() }, { data: content("a") }], disconnect: true },
      { events: [{ data: content("a") }, { raw: "data: {broken\n\n" }] },
      { events: [{ data: content("a") }], stall: true },
      { events: [{ data: content("a") }, { data: { error: { message: "oom in stream", type: "InternalServerError", code: 500 } } }] },
      tokenStream(["fine"]),
    ];
    server.setScenario((_b, i) => faults[i % faults.length] as Scenario);
    const out = path.join(tmp, "faults");
    const r = await cli(["bench", ...base(), "--prompt", "x", "--requests", String(faults.length), "--warmup", "0", "--stall-timeout", "0.3", "--out", out, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.requests, { completed: 1, failed: 6 });
    const kinds = doc.errors.map((e: { kind: string }) => e.kind).sort();
    assert.deepEqual(kinds, ["disconnect", "http", "http", "http", "malformed-sse", "stall"]);
    for (const e of doc.errors) assert.ok(!e.message.includes("\n") && e.message.length > 0 && e.count === 1);
    assert.ok(doc.errors.some((e: { message: string }) => e.message === "HTTP 400: prompt too long"), "flat error body's message");
    const records = readRecords(path.join(out, "requests.jsonl"));
    assert.equal(records.length, faults.length);
    assert.deepEqual(records.map((x) => x.errorKind).sort(), [...kinds, null].sort());
  });

  it("a per-request --timeout is a timeout failure", async () => {
    server.setScenario(() => ({ events: [{ data: content("a") }, { data: content("b"), delayMs: 2000 }] }));
    const r = await cli(["bench", ...base(), "--prompt", "x", "--requests", "1", "--warmup", "0", "--timeout", "0.3", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).errors, [{ kind: "timeout", message: "request took longer than 0.3 s (--timeout)", count: 1 }]);
  });

  it("exit 1 before the run when the model is not served or the server is unreachable", async () => {
    const nChat = server.requests.filter((q) => q.url.includes("chat")).length;
    const r = await cli(["bench", "--base-url", server.baseUrl, "--model", "nope", "--prompt", "x", "--json"]);
    assert.equal(r.code, 1);
    assertOneLineError(r, "bench", /"nope" is not served .*it serves: test-model, other-model/);
    assert.equal(server.requests.filter((q) => q.url.includes("chat")).length, nChat, "no request sent");
    const u = await cli(["bench", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--prompt", "x", "--json"]);
    assert.equal(u.code, 1);
    assertOneLineError(u, "bench", /cannot reach http:\/\/127\.0\.0\.1:9\/v1\/models \(ECONNREFUSED\)/);
  });

  const usage: Array<[string, string[], RegExp]> = [
    ["both prompt flags", ["--prompt", "x", "--prompt-set", "article"], /either --prompt or --prompt-set/],
    ["no prompt", [], /give --prompt TEXT or --prompt-set/],
    ["unknown prompt set", ["--prompt-set", "nope"], /unknown prompt set "nope".*article/],
    ["bad --requests", ["--prompt", "x", "--requests", "0"], /--requests must be an integer ≥ 1, got "0"/],
    ["bad --max-tokens", ["--prompt", "x", "--max-tokens", "abc"], /--max-tokens must be an integer ≥ 1, got "abc"/],
    ["--concurrency with --request-rate", ["--prompt", "x", "--concurrency", "2", "--request-rate", "5"], /either --concurrency or --request-rate/],
    ["bad --timeout", ["--prompt", "x", "--timeout", "-1"], /--timeout must be a number > 0/],
    ["unknown flag", ["--prompt", "x", "--frobnicate"], /unknown option '--frobnicate'/],
  ];
  for (const [name, args, pattern] of usage) {
    it(`exit 2 on ${name}`, async () => {
      const r = await cli(["bench", ...base(), ...args, "--json"]);
      assert.equal(r.code, 2);
      assertOneLineError(r, "bench", pattern);
    });
  }
});

describe("--api-key", () => {
  it("reaches the server; a wrong key is exit 1 before the run, named in one line", async () => {
    const locked = await startScriptedServer({ apiKey: "sk-right" });
    try {
      const ok = await cli(["bench", "--base-url", locked.baseUrl, "--model", "test-model", "--prompt", "x", "--requests", "1", "--api-key", "sk-right", "--json"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(locked.requests[locked.requests.length - 1]?.headers.authorization, "Bearer sk-right");
      const bad = await cli(["bench", "--base-url", locked.baseUrl, "--model", "test-model", "--prompt", "x", "--api-key", "sk-wrong", "--json"]);
      assert.equal(bad.code, 1);
      assertOneLineError(bad, "bench", /answered HTTP 401: Unauthorized; check --base-url and --api-key/);
      assert.ok(!bad.stderr.includes("sk-wrong"));
    } finally {
      await locked.close();
    }
  });
});

describe("max-concurrency CLI", () => {
  it("--json finds the largest level without failures and lists every level", async () => {
    let active = 0;
    // Deterministic capacity of 2 streams: a third concurrent request is refused with 503.
    server.setScenario(() => {
      if (active >= 2) return { status: 503, body: nestedError(503, "at capacity", "ServiceUnavailable") };
      active++;
      setTimeout(() => { active--; }, 40); // before the stream (≥ 45 ms) ends, so a closed-loop follow-up finds the slot free
      return tokenStream(["a", "b", "c"], { delayMs: 15 });
    });
    const out = path.join(tmp, "mc");
    const r = await cli(["max-concurrency", ...base(), "--prompt", "x", "--slo", "tpot:p95<=10s", "--max-concurrency-limit", "8", "--requests-per-level", "4", "--warmup", "0", "--out", out, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc).slice(0, 4), ["schema", "slo", "max_concurrency", "levels"]);
    assert.equal(doc.schema, "latency-lab/max-concurrency@1");
    assert.equal(doc.slo, "tpot:p95<=10000ms");
    assert.equal(doc.max_concurrency, 2);
    assert.deepEqual(doc.levels.map((l: { concurrency: number; pass: boolean }) => [l.concurrency, l.pass]), [[1, true], [2, true], [3, false], [4, false]]);
    for (const l of doc.levels) assert.deepEqual(Object.keys(l.metrics), METRIC_KEYS);
    assert.match(doc.slo_definition, /p95 time per output token/);
    const records = readRecords(path.join(out, "requests.jsonl"));
    assert.ok(records.length >= 4 + 4 + 4 + 4, "every level's records on disk");
  });

  it("exit 2 on a bad --slo", async () => {
    const r = await cli(["max-concurrency", ...base(), "--prompt", "x", "--slo", "tpot<50"]);
    assert.equal(r.code, 2);
    assertOneLineError(r, "max-concurrency", /invalid --slo clause "tpot<50"/);
  });
});

describe("Ctrl-C during bench --out", () => {
  it("finishes the requests in flight, keeps every record on disk and exits", async () => {
    server.setScenario(() => tokenStream(["a", "b", "c"], { delayMs: 10 }));
    const before = server.requests.filter((q) => q.url.includes("chat")).length;
    const out = path.join(tmp, "sigint");
    const { child, done } = start(["bench", ...base(), "--prompt", "x", "--requests", "100000", "--concurrency", "4", "--out", out, "--json"]);
    const file = path.join(out, "requests.jsonl");
    // Wait (bounded by the test runner) until some records are on disk, then interrupt.
    while (!(fs.existsSync(file) && readRecords(file).length >= 10)) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGINT");
    const r = await done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted/);
    const sent = server.requests.filter((q) => q.url.includes("chat")).length - before;
    const records = readRecords(file);
    assert.equal(records.length, sent, "one record on disk for every request the server saw");
    assert.ok(records.every((x) => x.ok), "requests in flight were allowed to finish");
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.interrupted, true);
    assert.equal(doc.requests.completed + doc.requests.failed + 1, records.length, "summary counts every measured record (1 warm-up)");
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8")).interrupted, true);
    assert.equal(child.exitCode, 130);
  });
});
