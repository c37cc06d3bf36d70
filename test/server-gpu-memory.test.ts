// The memory sampler: nvidia-smi CSV (a fake nvidia-smi) counting only the server's pids, and the
// simulator's /metrics gauges. Peaks come out in MiB.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { metricValue, startMemorySampler } from "../src/server/gpu-memory";
import { listGpus } from "../src/server/nvidia-smi";
import { emptyPhases } from "../src/server/startup-log";

const FAKE_SMI = path.join(__dirname, "fixtures", "bin", "nvidia-smi");
const MIB = 2 ** 20;

test("nvidia-smi: the server's processes, the whole GPU and the footprint from the log's phases", async () => {
  process.env.FAKE_NVIDIA_SMI_APPS = "111:13800;222:500;333:900";
  process.env.FAKE_NVIDIA_SMI_USED_MIB = "15200";
  try {
    const phases = { ...emptyPhases(), model_memory_gib: 3.5, graph_capture_gib: 0.5 };
    const sampler = startMemorySampler({ source: "nvidia-smi", nvidiaSmi: FAKE_SMI, pids: () => [111, 222], phases, intervalMs: 20 });
    while (sampler.samples.length < 2) await new Promise((r) => setTimeout(r, 20));
    const t = await sampler.stop();
    assert.ok(t.samples.length >= 3, "a timeline");
    assert.equal(t.peakProcessMiB, 14300, "pids 111 + 222 only");
    assert.equal(t.peakGpuUsedMiB, 15200);
    assert.equal(t.peakFootprintMiB, 4 * 1024, "weights + graphs (no KV in use: no /metrics)");
    assert.equal(t.error, null);
    assert.ok(t.samples.every((s, i) => i === 0 || s.tMs >= (t.samples[i - 1]?.tMs ?? 0)), "time increases");
  } finally {
    delete process.env.FAKE_NVIDIA_SMI_APPS;
    delete process.env.FAKE_NVIDIA_SMI_USED_MIB;
  }
  const none = startMemorySampler({ source: "nvidia-smi", nvidiaSmi: FAKE_SMI, pids: () => [999999], intervalMs: 20 });
  const t2 = await none.stop();
  assert.equal(t2.peakProcessMiB, null, "none of ours listed: unknown, not 0");
  assert.equal(t2.peakGpuUsedMiB, 14000);
  assert.deepEqual(await listGpus(FAKE_SMI), [{ name: "Tesla T4", driverVersion: "535.104.05", memoryTotalMiB: 15360 }]);
});

test("nvidia-smi missing: no samples and an error that names it", async () => {
  const sampler = startMemorySampler({ source: "nvidia-smi", nvidiaSmi: "/nonexistent/nvidia-smi", intervalMs: 20 });
  await new Promise((r) => setTimeout(r, 60));
  const t = await sampler.stop();
  assert.equal(t.samples.length, 0);
  assert.equal(t.peakProcessMiB, null);
  assert.equal(t.error, "/nonexistent/nvidia-smi gave no memory readings");
});

test("simulator: /metrics gauges become process and footprint samples", async () => {
  let footprint = 4e9;
  const server = http.createServer((req, res) => {
    footprint += 1e8;
    res.end([
      `vllm_sim:gpu_memory_process_bytes{model_name="m"} ${14.5e9}`,
      `vllm_sim:gpu_memory_footprint_bytes{model_name="m"} ${footprint}`,
      `vllm_sim:gpu_memory_total_bytes{model_name="m"} ${15360 * MIB}`,
      `vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25`,
    ].join("\n"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const sampler = startMemorySampler({ source: "sim-metrics", baseUrl, intervalMs: 20 });
    while (sampler.samples.length < 3) await new Promise((r) => setTimeout(r, 20));
    const t = await sampler.stop();
    assert.equal(t.peakProcessMiB, 14.5e9 / MIB);
    const last = t.samples.at(-1);
    assert.equal(t.peakFootprintMiB, last?.footprintMiB, "footprint grows: the last sample is the peak");
    assert.ok((t.peakFootprintMiB as number) > 4.1e9 / MIB);
  } finally {
    server.close();
  }
});

test("metricValue reads one series, labels or not", () => {
  const text = "# HELP x\nvllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.5\nplain 3";
  assert.equal(metricValue(text, "vllm:kv_cache_usage_perc"), 0.5);
  assert.equal(metricValue(text, "plain"), 3);
  assert.equal(metricValue(text, "absent"), null);
});
