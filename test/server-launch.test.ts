// The launcher against fake vLLM executables (test/fixtures/fake-python): load time and phases,
// each startup failure named in one line, ready timeout, crash after ready, stop leaves no process.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import * as path from "node:path";
import { ServerStartError } from "../src/errors";
import { startServer, type ServerHandle } from "../src/server/launch";
import { listGroupPids, processGone } from "../src/server/stop";
import type { ServerConfig } from "../src/server/config";

const FAKE_PYTHON = path.join(__dirname, "fixtures", "fake-python");
const FAST_STOP = { interrupt: 300, terminate: 300, kill: 2_000 };
const started: ServerHandle[] = [];
after(async () => {
  for (const s of started) await s.stop();
});

const fake = (model: string, extra: Partial<ServerConfig> = {}): ServerConfig =>
  ({ engine: "vllm", model, python: FAKE_PYTHON, port: 0, stopGraceMs: FAST_STOP, readyTimeoutMs: 20_000, ...extra });

async function startFailure(config: ServerConfig): Promise<ServerStartError> {
  try {
    started.push(await startServer(config));
  } catch (err) {
    assert.ok(err instanceof ServerStartError, `ServerStartError, got ${String(err)}`);
    assert.ok(!err.shortMessage.includes("\n"), "one line");
    return err;
  }
  throw new Error(`${config.model} started but should have failed`);
}

// A zombie (exited, not yet reaped by its parent) counts as gone.
const alive = (pid: number): boolean => !processGone(pid);

test("ready on /health 200: load time, first completion and the log's phases", async () => {
  const s = await startServer(fake("fake/ok"));
  started.push(s);
  assert.ok(s.loadTimeS > 0, "load time measured");
  assert.ok(s.firstCompletionS !== null && s.firstCompletionS >= s.loadTimeS, "first completion after ready");
  assert.equal(s.phases.kv_cache_tokens, 312672);
  assert.equal(s.phases.max_concurrency, 76.34);
  assert.equal(s.phases.model_memory_gib, 3.34);
  assert.match(s.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${s.baseUrl}/health`);
  assert.equal(res.status, 200);
  assert.match(s.logTail(50).join("\n"), /Starting vLLM server on/);
  await s.stop();
  assert.deepEqual(listGroupPids(s.pid), [], "nothing of the group left");
  assert.equal(alive(s.pid), false);
});

test("startup failures are surfaced with their cause in one line, the log tail in the detail", async () => {
  const oom = await startFailure(fake("fake/oom"));
  assert.equal(oom.reason, "oom");
  assert.match(oom.shortMessage, /^fake\/oom: out of GPU memory; lower --gpu-memory-utilization/);
  assert.match(oom.detail ?? "", /CUDA out of memory/);
  const awq = await startFailure(fake("fake/ok", { quantization: "awq" }));
  assert.equal(awq.reason, "awq");
  assert.match(awq.shortMessage, /--quantization awq on a checkpoint that is not AWQ-quantized/);
  assert.equal((await startFailure(fake("fake/unknown"))).reason, "unknown-model");
  const exit3 = await startFailure(fake("fake/exit-3"));
  assert.match(exit3.shortMessage, /exited with code 3 before it was ready/);
  const noVllm = await startFailure(fake("fake/ok", { env: { FAKE_VLLM_MISSING: "1" } }));
  assert.equal(noVllm.reason, "no-vllm");
  const noPython = await startFailure(fake("fake/ok", { python: "/nonexistent/python3" }));
  assert.match(noPython.shortMessage, /could not run Python `\/nonexistent\/python3`/);
});

test("port in use: the fake binds like vLLM and fails with Errno 98", async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const err = await startFailure(fake("fake/ok", { port }));
    assert.equal(err.reason, "port-in-use");
    assert.match(err.shortMessage, /port is already in use/);
  } finally {
    blocker.close();
  }
});

test("ready timeout: the server is stopped and the error says so", async () => {
  const err = await startFailure(fake("fake/never-ready", { readyTimeoutMs: 1_500 }));
  assert.equal(err.reason, "ready-timeout");
  assert.match(err.shortMessage, /did not become ready within 1\.5 s \(\/health never returned 200\)/);
});

test("stop reaches the whole group, including a child that ignores SIGINT and SIGTERM", async () => {
  const s = await startServer(fake("fake/ignore-sigterm"));
  started.push(s);
  const child = Number(/EngineCore child pid=(\d+)/.exec(s.logTail(50).join("\n"))?.[1]);
  assert.ok(child > 0 && alive(child), "the stubborn child runs");
  assert.equal(listGroupPids(s.pid).length, 2, "leader and child in one group");
  await s.stop();
  assert.equal(alive(child), false, "child killed");
  assert.equal(alive(s.pid), false, "leader killed");
  assert.deepEqual(listGroupPids(s.pid), []);
});

test("crash after ready: exited resolves with the code and the group is reaped", async () => {
  const s = await startServer(fake("fake/crash-after-ready", { env: { FAKE_VLLM_CRASH_AFTER: "1" }, probeCompletion: false }));
  started.push(s);
  const body = JSON.stringify({ model: s.model, messages: [{ role: "user", content: "hi" }], max_tokens: 2 });
  const post = (): Promise<Response> => fetch(`${s.baseUrl}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
  assert.equal((await post()).status, 200, "first completion served");
  await assert.rejects(post(), "second request hits a dying server");
  const info = await s.exited;
  assert.equal(info.exitCode, 1);
  assert.equal(s.hasExited(), true);
  await s.stop();
  assert.deepEqual(listGroupPids(s.pid), []);
});
