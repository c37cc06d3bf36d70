// bin/latency-sim.cjs as a process: vLLM's failures (exit code + text), flag errors, the port
// staying closed until the engine is ready, and a clean exit on SIGTERM.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import { after, describe, it } from "node:test";
import { findFreePort } from "../src/util/net";
import { projectPath } from "../src/util/paths";

const BIN = projectPath("bin", "latency-sim.cjs");
const DS = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";
const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function launch(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

function tryConnect(port: number): Promise<"connected" | string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    sock.once("connect", () => {
      sock.destroy();
      resolve("connected");
    });
    sock.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
  });
}

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

describe("latency-sim process", () => {
  it("fails the article's `--quantization awq` command line like vLLM, before loading weights", async () => {
    const r = launch(["--host", "127.0.0.1", "--port", "0", "--model", DS, "--tensor-parallel-size", "1", "--dtype", "auto", "--quantization", "awq", "--gpu-memory-utilization", "0.9", "--max-model-len", "4096", "--fast-start"]);
    assert.equal(await r.exited, 1);
    assert.match(r.stderr(), /pydantic_core\._pydantic_core\.ValidationError: 1 validation error for VllmConfig\n/);
    assert.match(r.stderr(), /Value error, Cannot find the config file for awq \[type=value_error/);
    assert.match(r.stdout(), /vLLM server version/);
    assert.doesNotMatch(r.stdout(), /Loading weights took/);
  });

  it("exits 2 with one line naming the flag on a bad value", async () => {
    const r = launch(["--model", DS, "--port", "eighty"]);
    assert.equal(await r.exited, 2);
    const lines = r.stderr().trim().split("\n");
    assert.equal(lines.length, 1);
    assert.match(lines[0] as string, /--port/);
  });

  it("fails an unknown model and a KV cache too small for max-model-len with vLLM's messages", async () => {
    const unknown = launch(["--model", "org/no-such-model", "--fast-start"]);
    assert.equal(await unknown.exited, 1);
    assert.match(unknown.stderr(), /Invalid repository ID or local directory specified: 'org\/no-such-model'/);
    assert.match(unknown.stderr(), /latency-sim: no simulator profile for model 'org\/no-such-model'; known: /);
    const kv = launch(["--model", DS, "--gpu", "t4", "--gpu-memory-utilization", "0.3", "--fast-start"]);
    assert.equal(await kv.exited, 1);
    assert.match(kv.stderr(), /To serve at least one request with the model's max seq len \(131072\), \([\d.]+ GiB KV cache is needed/);
    assert.match(kv.stderr(), /Engine core initialization failed/);
  });

  it("refuses connections until ready, then serves, and exits 0 on SIGTERM", async () => {
    const port = await findFreePort();
    const r = launch(["--model", DS, "--gpu", "t4", "--port", String(port), "--load-time-scale", "0.15", "--max-model-len", "4K", "--swap-space", "4"]);
    const beforeLoad: string[] = [];
    while (!r.stderr().includes("Application startup complete.")) {
      const loading = !r.stdout().includes("Starting vLLM server");
      const result = await tryConnect(port);
      if (loading && !r.stdout().includes("Starting vLLM server")) beforeLoad.push(result);
      await new Promise((res) => setTimeout(res, 20));
      assert.equal(r.child.exitCode, null, r.stderr());
    }
    assert.ok(beforeLoad.length >= 3, `probed ${beforeLoad.length} times while loading`);
    assert.ok(beforeLoad.every((x) => x === "ECONNREFUSED"), beforeLoad.join(","));
    assert.match(r.stdout(), /WARNING .*--swap-space 4 is a vLLM flag the simulator does not model; ignored/);
    assert.match(r.stdout(), /GPU KV cache size: [\d,]+ tokens/);
    assert.match(r.stdout(), /Maximum concurrency for 4,096 tokens per request: [\d.]+x/);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(health.status, 200);
    r.child.kill("SIGTERM");
    assert.equal(await r.exited, 0);
    assert.equal(await tryConnect(port), "ECONNREFUSED");
  });
});
