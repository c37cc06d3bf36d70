// The engine's step loop on a virtual clock: tokens come out exactly at the modelled step
// boundaries, batching lengthens steps, and the server-side metrics follow.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { engineStepMs, getGpuProfile, getModelProfile, memoryPlan, SimEngine, type EngineConfig } from "../src/sim";
import type { EngineTimers } from "../src/sim";

/** A virtual clock: timers fire in time order when run() is called. */
function virtualTimers(): EngineTimers & { run(): void } {
  let now = 0;
  const queue: Array<{ at: number; fn: () => void; live: boolean; seq: number }> = [];
  let seq = 0;
  return {
    nowMs: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + Math.max(0, ms), fn, live: true, seq: seq++ };
      queue.push(t);
      return { cancel: () => void (t.live = false) };
    },
    run: () => {
      for (;;) {
        queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const t = queue.shift();
        if (!t) return;
        if (!t.live) continue;
        now = t.at;
        t.fn();
      }
    },
  };
}

const gpu = getGpuProfile("t4");
const model = getModelProfile("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");

function engine(timers: EngineTimers, maxNumSeqs = 256): SimEngine {
  const plan = memoryPlan(gpu, model, { dtype: "float16", gpuMemoryUtilization: 0.9, maxNumBatchedTokens: 2048, maxNumSeqs });
  const cfg: EngineConfig = { gpu, model, dtype: "float16", plan, maxNumSeqs, maxNumBatchedTokens: 2048, maxModelLen: 4096, enablePrefixCaching: true, gpuMemoryUtilization: 0.9, timers };
  return new SimEngine(cfg);
}

function collect(e: SimEngine, timers: EngineTimers, id: string, prompt: number, target: number): number[] {
  const times: number[] = [];
  e.submit({ id, promptTokens: prompt, targetTokens: target, reasonAtTarget: "length" }, { onToken: () => times.push(timers.nowMs()), onFinish: () => undefined, onError: (m) => assert.fail(m) });
  return times;
}

describe("engine step loop (virtual clock)", () => {
  it("emits a lone stream's first token after the prefill step and each next one a decode step later", () => {
    const t = virtualTimers();
    const e = engine(t);
    const times = collect(e, t, "a", 100, 20);
    t.run();
    assert.equal(times.length, 20);
    const prefill = engineStepMs(gpu, model, "float16", [{ newTokens: 100, contextTokens: 0 }]);
    assert.ok(Math.abs((times[0] as number) - prefill) < 1e-9);
    for (let k = 1; k < times.length; k++) {
      const step = engineStepMs(gpu, model, "float16", [{ newTokens: 1, contextTokens: 100 + k - 1 }]);
      assert.ok(Math.abs((times[k] as number) - (times[k - 1] as number) - step) < 1e-9);
    }
    assert.match(e.metrics.render("m", e.snapshot()), /vllm:time_to_first_token_seconds_count\{engine="0",model_name="m"\} 1\.0/);
  });

  it("runs concurrent streams in one batch, each step slower than a lone stream's", () => {
    const t = virtualTimers();
    const e = engine(t);
    const all = Array.from({ length: 32 }, (_, i) => collect(e, t, `r${i}`, 50, 10));
    t.run();
    const gaps = all.map((ts) => (ts[5] as number) - (ts[4] as number));
    assert.ok(gaps.every((g) => g === gaps[0]), "all in the same steps");
    const lone = engineStepMs(gpu, model, "float16", [{ newTokens: 1, contextTokens: 54 }]);
    assert.ok((gaps[0] as number) > lone);
    assert.equal(e.stepCount, 10, "one prefill step + 9 decode steps for the whole batch");
  });

  it("queues beyond max-num-seqs: later requests get their first token later", () => {
    const t = virtualTimers();
    const e = engine(t, 2);
    const all = Array.from({ length: 4 }, (_, i) => collect(e, t, `r${i}`, 20, 5));
    t.run();
    const first = all.map((ts) => ts[0] as number);
    assert.equal(first[0], first[1]);
    assert.ok((first[2] as number) > (all[0]!.at(-1) as number) - 1e-9, "third starts after the first pair finishes");
  });
});
