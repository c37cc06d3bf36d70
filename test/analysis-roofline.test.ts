// Every published number against the T4's physics (bandwidth, weights, prefill, decode step).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPublished } from "../src/analysis/published";
import { decodeBounds, maxBatchUnderTpot, prefillBoundMs, rooflineChecks } from "../src/analysis/roofline";
import { loadPhaseSegments } from "../src/analysis/phases";
import { modelledLoadTimeS } from "../src/sim/physics";
import { getGpuProfile, getModelProfile } from "../src/sim/profiles";

const DS = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";
const PHI = "microsoft/Phi-3-mini-4k-instruct";
const checks = rooflineChecks(loadPublished(), { gpu: "t4" });
const check = (metric: string, model: string) => checks.find((c) => c.metric === metric && c.model === model)!;

test("one check per published number", () => {
  assert.equal(checks.length, 14);
});

test("decode: Phi-3-mini's 76.5 tokens/s exceeds the T4's fp16 bandwidth bound (~43); DeepSeek's 89.3 fits under ~104", () => {
  assert.equal(check("decode_tokens_per_s", PHI).bound!.toFixed(1), "43.0");
  assert.equal(check("decode_tokens_per_s", PHI).verdict, "exceeds the physical bound");
  assert.equal(check("decode_tokens_per_s", PHI).ratio!.toFixed(2), "1.78");
  assert.equal(check("decode_tokens_per_s", DS).bound!.toFixed(1), "103.6");
  assert.equal(check("decode_tokens_per_s", DS).verdict, "consistent");
  assert.deepEqual(Object.fromEntries(Object.entries(decodeBounds([DS, PHI], "t4")).map(([k, v]) => [k, v.toFixed(1)])), { [DS]: "103.6", [PHI]: "43.0" });
});

test("VRAM: 4.6 GB is below Phi-3-mini's 7.64 GB of fp16 weights; nvidia-smi would show ≈14.5 GB at 0.9", () => {
  assert.equal(check("vram_peak_gb", PHI).bound!.toFixed(2), "7.64");
  assert.equal(check("vram_peak_gb", PHI).verdict, "exceeds the physical bound");
  assert.equal(check("vram_peak_gb", DS).bound!.toFixed(2), "3.55");
  assert.equal(check("vram_peak_gb", DS).verdict, "consistent");
  assert.match(check("vram_peak_gb", DS).explanation, /nvidia-smi would show ≈14\.5 GB/);
});

test("TTFT: short-prompt prefill is ~10 ms (DeepSeek) / ~23 ms (Phi-3), so 124–189 ms is mostly overhead", () => {
  assert.equal(prefillBoundMs("t4", DS, "float16", 30).toFixed(1), "9.6");
  assert.equal(prefillBoundMs("t4", PHI, "float16", 30).toFixed(1), "23.3");
  for (const metric of ["ttft_short_ms", "ttft_medium_ms", "ttft_long_ms"]) {
    for (const model of [DS, PHI]) assert.equal(check(metric, model).verdict, "mostly overhead", `${metric} ${model}`);
  }
});

test("max concurrency: DeepSeek's 8 is far below what a sub-50 ms decode step allows", () => {
  assert.equal(check("max_concurrency", DS).verdict, "far below the capacity");
  assert.ok(check("max_concurrency", DS).bound! >= 32, `bound ${check("max_concurrency", DS).bound}`);
  assert.equal(maxBatchUnderTpot("t4", DS, "float16", 5, 1024, 0.9), 0, "no batch decodes within 5 ms: bandwidth alone needs ~9.7 ms");
});

test("load-time phases: nested log phases become disjoint segments; the rest is 'other'", () => {
  const phases = { weights_load_s: 8, model_memory_gib: 3, model_load_s: 9, kv_cache_memory_gib: null, kv_cache_tokens: null, max_concurrency: null, max_concurrency_tokens: null, graph_capture_s: 2, graph_capture_gib: null, engine_init_s: 6, vllm_version: null, api_server_url: null };
  assert.deepEqual(loadPhaseSegments(phases, 20.5).map((s) => s.seconds), [8, 1, 2, 4, 5.5]);
  assert.deepEqual(loadPhaseSegments(null, 3).map((s) => s.seconds), [0, 0, 0, 0, 3], "no log phases: all of it is other");
  assert.deepEqual(loadPhaseSegments(phases, 10).map((s) => s.seconds), [8, 1, 2, 4, 0], "a log longer than the load time clamps at 0");
});

test("load time has no hardware bound: it is only set beside the simulator's model", () => {
  assert.equal(check("load_time_s", DS).verdict, "no hardware bound");
  assert.equal(check("load_time_s", PHI).bound, modelledLoadTimeS(getGpuProfile("t4"), getModelProfile(PHI)), "the simulator's own load-time model (its assumptions may be retuned)");
});
