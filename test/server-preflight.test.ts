// Preflight refuses before anything is spawned: two 0.9 servers on one GPU, awq on an unquantized
// checkpoint (HF cache config.json or the simulator's profile), a Python without vllm, a port in use.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { checkpointQuantization, preflight, preflightWarnings } from "../src/server/preflight";
import type { ServerConfig } from "../src/server/config";

const FAKE_PYTHON = path.join(__dirname, "fixtures", "fake-python");
const sim = (model: string, extra: Partial<ServerConfig> = {}): ServerConfig => ({ engine: "sim", model, port: 0, gpuMemoryUtilization: 0.9, ...extra });
const R1 = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";
const PHI = "microsoft/Phi-3-mini-4k-instruct";

test("two 0.9 servers on one GPU at once are refused; one after another they pass", async () => {
  const both = [sim(R1), sim(PHI)];
  const reasons = await preflight(both, { parallel: true });
  assert.equal(reasons.length, 1);
  assert.match(reasons[0] as string, /^servers sharing one GPU ask for 180% of it in total .*run the models one after another/);
  assert.deepEqual(await preflight(both, { parallel: false }), []);
  assert.deepEqual(await preflight([sim(R1, { gpuMemoryUtilization: 0.45 }), sim(PHI, { gpuMemoryUtilization: 0.45 })], { parallel: true }), [], "split utilization fits");
});

test("awq on an unquantized checkpoint: the simulator knows from its profile", async () => {
  assert.equal(checkpointQuantization(sim(R1)), null);
  const reasons = await preflight([sim(R1, { quantization: "awq" })]);
  assert.equal(reasons.length, 1);
  assert.match(reasons[0] as string, /DeepSeek-R1-Distill-Qwen-1\.5B: --quantization awq needs an AWQ-quantized checkpoint/);
});

test("awq for vLLM: decided from config.json in the local Hugging Face cache", async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "hf-cache-"));
  const write = (repo: string, config: object): void => {
    const dir = path.join(cache, `models--${repo.replace("/", "--")}`, "snapshots", "abc123");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  };
  write("org/plain", { architectures: ["Qwen2ForCausalLM"] });
  write("org/plain-AWQ", { quantization_config: { quant_method: "awq", bits: 4 } });
  const vllm = (model: string): ServerConfig => ({ engine: "vllm", model, quantization: "awq", python: FAKE_PYTHON, port: 0 });
  try {
    assert.equal(checkpointQuantization(vllm("org/plain"), cache), null);
    assert.equal(checkpointQuantization(vllm("org/plain-AWQ"), cache), "awq");
    assert.equal(checkpointQuantization(vllm("org/not-downloaded"), cache), undefined, "unknown when not cached");
    assert.equal((await preflight([vllm("org/plain")], { hfCacheDir: cache })).length, 1);
    assert.deepEqual(await preflight([vllm("org/plain-AWQ")], { hfCacheDir: cache }), []);
    assert.deepEqual(await preflight([vllm("org/not-downloaded")], { hfCacheDir: cache }), [], "cannot tell: let vLLM decide");
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("vLLM: a Python that cannot import vllm is named", async () => {
  const prev = process.env.FAKE_VLLM_MISSING;
  process.env.FAKE_VLLM_MISSING = "1";
  try {
    const reasons = await preflight([{ engine: "vllm", model: "m/x", python: FAKE_PYTHON, port: 0 }]);
    assert.equal(reasons.length, 1);
    assert.equal(reasons[0], `Python \`${FAKE_PYTHON}\` cannot import vllm (ModuleNotFoundError: No module named 'vllm'); install vLLM there or pass --python with the venv's Python`);
  } finally {
    if (prev === undefined) delete process.env.FAKE_VLLM_MISSING;
    else process.env.FAKE_VLLM_MISSING = prev;
  }
  const missing = await preflight([{ engine: "vllm", model: "m/x", python: "/nonexistent/python", port: 0 }]);
  assert.match(missing[0] as string, /^Python `\/nonexistent\/python` cannot be run \(ENOENT\)/);
});

test("a port in use is refused before spawning", async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const reasons = await preflight([sim(R1, { port, host: "127.0.0.1" })]);
    assert.deepEqual(reasons, [`${R1}: port ${port} on 127.0.0.1 is already in use; pass another --port or stop the process that holds it`]);
  } finally {
    blocker.close();
  }
});

test("binding 0.0.0.0 without an API key is warned about", async () => {
  const warnings = await preflightWarnings([sim(R1, { host: "0.0.0.0" })]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] as string, /binding 0\.0\.0\.0 without --api-key exposes an unauthenticated model server/);
  assert.deepEqual(await preflightWarnings([sim(R1, { host: "0.0.0.0", apiKey: "k" })]), []);
});
