// A server that dies after it was ready (fake vLLM, crash after 3 completions): the failed requests
// are recorded on disk as `server-exit`, the run stops cleanly and says why, nothing is left running.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runReproduce } from "../src/experiment";
import { liveGroupIds, listGroupPids } from "../src/server/stop";
import type { RequestRecord } from "../src/types";

const out = fs.mkdtempSync(path.join(os.tmpdir(), "reproduce-crash-"));
const env = { LATENCY_LAB_NVIDIA_SMI: process.env.LATENCY_LAB_NVIDIA_SMI, FAKE_VLLM_CRASH_AFTER: process.env.FAKE_VLLM_CRASH_AFTER };
process.env.LATENCY_LAB_NVIDIA_SMI = path.join(__dirname, "fixtures", "bin", "nvidia-smi");
process.env.FAKE_VLLM_CRASH_AFTER = "3";
after(() => {
  fs.rmSync(out, { recursive: true, force: true });
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
});

test("crash after ready: server-exit records on disk, a failure line, the server stopped", async () => {
  const run = await runReproduce({
    experiment: path.join(__dirname, "fixtures", "experiment-fake-vllm.json"),
    python: path.join(__dirname, "fixtures", "fake-python"), outDir: out,
  });
  assert.equal(run.interrupted, false);
  assert.equal(run.failures.length, 1);
  assert.match(run.failures[0] as string, /^fake\/crash-after-ready: the server exited during the run \(code 1\); see .*server\.log$/);
  const dir = path.join(out, "crashing");
  const records = fs.readFileSync(path.join(dir, "requests-short.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as RequestRecord);
  // The probe was completion 1; short runs 1–2 succeed, run 3 meets the crash; the run stops sending
  // (a request already queued when the exit is noticed fails the same way).
  assert.deepEqual(records.slice(0, 2).map((r) => r.ok), [true, true]);
  const failed = records.slice(2);
  assert.ok(failed.length >= 1 && failed.length <= 2, `1–2 failed records, got ${failed.length}`);
  for (const r of failed) {
    assert.equal(r.errorKind, "server-exit");
    assert.match(r.error ?? "", /the server \(pid \d+\) exited during the request/);
  }
  assert.equal(fs.existsSync(path.join(dir, "requests-medium.jsonl")), false, "no class started after the crash");
  const bench = JSON.parse(fs.readFileSync(path.join(dir, "bench-short.json"), "utf8"));
  assert.equal(bench.requests.failed, failed.length);
  assert.equal(bench.errors[0].kind, "server-exit");
  const model = run.document.models[0];
  assert.equal(model?.error, run.failures[0]);
  const meta = JSON.parse(fs.readFileSync(path.join(out, "metadata.json"), "utf8"));
  assert.equal(meta.gpu.gpus[0].name, "Tesla T4", "GPU from nvidia-smi");
  assert.equal(meta.engine_version, "0.11.0", "vLLM version from the Python");
  const phases = JSON.parse(fs.readFileSync(path.join(dir, "phases.json"), "utf8"));
  assert.deepEqual(listGroupPids(phases.pid), []);
  assert.deepEqual(liveGroupIds(), []);
});
