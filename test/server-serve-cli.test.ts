// `latency-lab serve` end to end: one JSON line once ready, exit 0 on SIGTERM with nothing left;
// a failed start exits 1 with one line on stderr naming the cause.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { listGroupPids, processGone } from "../src/server/stop";

const ROOT = path.join(__dirname, "..");
const CLI = path.join(ROOT, "bin", "latency-lab.cjs");
const FAKE_PYTHON = path.join(__dirname, "fixtures", "fake-python");
const children: ChildProcess[] = [];
const tmpLog = (name: string): string => path.join(os.tmpdir(), `serve-${name}-${process.pid}.log`);
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const name of ["oom", "crash"]) fs.rmSync(tmpLog(name), { force: true });
});

interface Run { child: ChildProcess; stdout: () => string; stderr: () => string; done: Promise<number | null> }

function cli(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LATENCY_LAB_VERBOSE: "" } });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (err += d));
  const done = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, done };
}

async function firstLine(run: Run): Promise<string> {
  while (!run.stdout().includes("\n")) {
    if (run.child.exitCode !== null) throw new Error(`serve exited early: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return run.stdout();
}

for (const [label, args] of [
  ["simulator", ["--engine", "sim", "--model", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "--fast-start"]],
  ["fake vLLM", ["--engine", "vllm", "--python", FAKE_PYTHON, "--model", "fake/ok"]],
] as const) {
  test(`serve --json (${label}): exactly one line once ready, exit 0 on SIGTERM, no process left`, async () => {
    const run = cli(["serve", ...args, "--port", "0", "--json"]);
    const out = await firstLine(run);
    const lines = out.split("\n").filter(Boolean);
    assert.equal(lines.length, 1, "one line");
    const doc = JSON.parse(lines[0] as string);
    assert.equal(doc.schema, "latency-lab/serve@1");
    assert.match(doc.base_url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(doc.load_time_s > 0);
    assert.ok(doc.phases.kv_cache_tokens > 0, "KV tokens parsed");
    assert.ok(doc.phases.max_concurrency > 0, "max concurrency parsed");
    assert.equal((await fetch(`${doc.base_url}/health`)).status, 200);
    run.child.kill("SIGTERM");
    assert.equal(await run.done, 0);
    assert.equal(run.stdout(), out, "nothing more on stdout");
    assert.deepEqual(listGroupPids(doc.pid), [], "server group gone");
    assert.equal(processGone(doc.pid), true);
  });
}

test("a failed start exits 1 with one stderr line naming the cause", async () => {
  const run = cli(["serve", "--engine", "vllm", "--python", FAKE_PYTHON, "--model", "fake/oom", "--port", "0", "--log-file", tmpLog("oom")]);
  assert.equal(await run.done, 1);
  assert.equal(run.stdout(), "");
  const lines = run.stderr().trim().split("\n").filter((l) => l.startsWith("latency-lab serve:") && !l.includes("warning:"));
  assert.equal(lines.length, 1);
  assert.match(lines[0] as string, /^latency-lab serve: fake\/oom: out of GPU memory; lower --gpu-memory-utilization/);
});

test("a port in use is refused by preflight (exit 1, one line)", async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const run = cli(["serve", "--engine", "sim", "--model", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "--fast-start", "--port", String(port)]);
    assert.equal(await run.done, 1);
    assert.equal(run.stderr().trim(), `latency-lab serve: preflight: deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B: port ${port} on 127.0.0.1 is already in use; pass another --port or stop the process that holds it`);
  } finally {
    blocker.close();
  }
});

test("bad flags are usage errors (exit 2)", async () => {
  const run = cli(["serve", "--engine", "tgi", "--model", "x"]);
  assert.equal(await run.done, 2);
  assert.equal(run.stderr().trim(), 'latency-lab serve: --engine must be vllm or sim, got "tgi"');
});

test("--api-key reaches the server and is written nowhere (stdout, log file)", async () => {
  const log = path.join(os.tmpdir(), `serve-key-${process.pid}.log`);
  const key = "sk-test-never-written-4242";
  const run = cli(["serve", "--engine", "sim", "--model", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "--fast-start", "--port", "0", "--api-key", key, "--log-file", log, "--json"]);
  try {
    const doc = JSON.parse(await firstLine(run));
    assert.equal((await fetch(`${doc.base_url}/v1/models`)).status, 401, "key required");
    assert.equal((await fetch(`${doc.base_url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status, 200);
    run.child.kill("SIGINT");
    assert.equal(await run.done, 0);
    assert.ok(!run.stdout().includes(key), "not on stdout");
    assert.ok(!run.stderr().includes(key), "not on stderr");
    assert.ok(!fs.readFileSync(log, "utf8").includes(key), "not in the server log");
  } finally {
    fs.rmSync(log, { force: true });
  }
});

test("a server that dies after it was ready: serve exits 1 naming the exit", async () => {
  const run = cli(["serve", "--engine", "vllm", "--python", FAKE_PYTHON, "--model", "fake/crash-after-ready", "--port", "0", "--json", "--log-file", tmpLog("crash")]);
  const doc = JSON.parse(await firstLine(run));
  const post = (): Promise<Response> => fetch(`${doc.base_url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: doc.model, messages: [{ role: "user", content: "hi" }], max_tokens: 2 }) });
  for (let i = 0; i < 5; i++) await post().catch(() => undefined); // the fake dies after 3 completions (the probe was one)
  assert.equal(await run.done, 1);
  assert.match(run.stderr(), /latency-lab serve: fake\/crash-after-ready: the server exited with code 1 after it was ready; see /);
  assert.deepEqual(listGroupPids(doc.pid), []);
});
