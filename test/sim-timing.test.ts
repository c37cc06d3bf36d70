// The pure timing/physics model: profile numbers, roofline step time, prefill and batch trends.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../src/errors";
import {
  bytesReadPerDecodeToken, decodeBoundTokensPerS, decodeStepMs, engineAssumptions, getGpuProfile, getModelProfile,
  kvBytesPerToken, listGpuProfiles, memoryPlan, modelledLoadTimeS, paramCount, prefillMs, resolveDtype, weightBytes,
} from "../src/sim";

const t4 = getGpuProfile("t4");
const ds = getModelProfile("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
const phi = getModelProfile("microsoft/Phi-3-mini-4k-instruct");

describe("profiles", () => {
  it("derive the article-check figures from config.json values", () => {
    assert.equal(Math.round(paramCount(ds) / 1e7) / 100, 1.78);
    assert.equal(Math.round(paramCount(phi) / 1e7) / 100, 3.82);
    assert.equal(Math.round(weightBytes(ds, "float16") / 1e7) / 100, 3.55);
    assert.equal(Math.round(bytesReadPerDecodeToken(ds, "float16") / 1e7) / 100, 3.09);
    assert.equal(Math.round(weightBytes(phi, "float16") / 1e7) / 100, 7.64);
    assert.equal(Math.round(bytesReadPerDecodeToken(phi, "float16") / 1e7) / 100, 7.45);
    assert.equal(kvBytesPerToken(ds, "float16"), 28 * 1024);
    assert.equal(kvBytesPerToken(phi, "float16"), 384 * 1024);
    assert.equal(Math.round(decodeBoundTokensPerS(t4, ds, "float16")), 104);
    assert.equal(Math.round(decodeBoundTokensPerS(t4, phi, "float16")), 43);
  });

  it("accept a full HF id or its last part, and list known ids for an unknown one", () => {
    assert.equal(getModelProfile("DeepSeek-R1-Distill-Qwen-1.5B").id, ds.id);
    assert.throws(() => getModelProfile("meta-llama/Llama-3-8B"), (e: unknown) => e instanceof UsageError && e.message.includes(phi.id));
    assert.throws(() => getGpuProfile("v100"), UsageError);
    assert.deepEqual(listGpuProfiles().map((g) => g.id), ["t4", "l4", "a10g", "a100-40gb", "a100-80gb", "h100"]);
  });

  it("resolve dtype auto like vLLM: bf16 checkpoints run in fp16 on a T4 (compute capability 7.5)", () => {
    assert.equal(resolveDtype(t4, ds, "auto"), "float16");
    assert.equal(resolveDtype(getGpuProfile("a100-80gb"), ds, "auto"), "bfloat16");
    assert.equal(resolveDtype(t4, ds, "half"), "float16");
    assert.throws(() => resolveDtype(t4, ds, "bfloat16"), /compute capability of at least 8\.0/);
  });
});

describe("timing model", () => {
  const a = engineAssumptions();
  const bw = t4.memory_bandwidth_gbps * 1e9 * a.memory_bandwidth_efficiency.value;

  it("a single-stream decode step is the memory roofline (weights + KV read, 1 token written) plus the step overhead", () => {
    for (const model of [ds, phi]) {
      const ctx = 300;
      const bytes = bytesReadPerDecodeToken(model, "float16") + (ctx + 1) * kvBytesPerToken(model, "float16");
      const expected = (bytes / bw) * 1000 + a.step_overhead_ms.value;
      assert.ok(Math.abs(decodeStepMs(t4, model, { batch: 1, contextTokens: ctx, dtype: "float16" }) - expected) < 1e-9);
    }
  });

  it("TTFT (prefill) rises with prompt length", () => {
    const lens = [10, 100, 500, 2000, 8000];
    for (const model of [ds, phi]) {
      const ms = lens.map((n) => prefillMs(t4, model, { promptTokens: n, dtype: "float16", maxNumBatchedTokens: 2048 }));
      for (let i = 1; i < ms.length; i++) assert.ok((ms[i] as number) > (ms[i - 1] as number), `${model.id}: ${ms.join(", ")}`);
    }
  });

  it("cached prefix tokens shorten prefill", () => {
    const full = prefillMs(t4, ds, { promptTokens: 2000, dtype: "float16" });
    const cached = prefillMs(t4, ds, { promptTokens: 2000, dtype: "float16", cachedTokens: 1600 });
    assert.ok(cached < full);
  });

  it("TPOT (decode step) rises with batch size", () => {
    for (const model of [ds, phi]) {
      const ms = [1, 2, 8, 32, 128].map((batch) => decodeStepMs(t4, model, { batch, contextTokens: 500, dtype: "float16" }));
      for (let i = 1; i < ms.length; i++) assert.ok((ms[i] as number) > (ms[i - 1] as number), ms.join(", "));
    }
  });

  it("models startup in the article's range and preallocates utilization × GPU memory", () => {
    assert.ok(modelledLoadTimeS(t4, ds) > 15 && modelledLoadTimeS(t4, ds) < modelledLoadTimeS(t4, phi) && modelledLoadTimeS(t4, phi) < 25);
    const plan = memoryPlan(t4, phi, { dtype: "float16", gpuMemoryUtilization: 0.9, maxNumBatchedTokens: 2048, maxNumSeqs: 256 });
    const process = plan.weightBytes + plan.activationBytes + plan.nonTorchBytes + plan.cudaGraphBytes + plan.kvPoolBytes;
    assert.ok(Math.abs(process - 0.9 * t4.memory_mib * 2 ** 20) < 1);
    assert.equal(plan.kvTokens, plan.numBlocks * 16);
    assert.ok(plan.kvTokens > 4096, "Phi-3 at 4k context fits on a T4 at 0.9");
  });
});
