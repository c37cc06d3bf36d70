// vLLM flag parsing: defaults, vLLM's spellings, unmodelled real flags, bad values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../src/errors";
import { parseMaxModelLen, parseSimArgs } from "../src/sim";

describe("parseSimArgs", () => {
  it("has vLLM's defaults and the sim's own", () => {
    const o = parseSimArgs([]);
    assert.equal(o.host, "127.0.0.1");
    assert.equal(o.port, 8000);
    assert.equal(o.gpuMemoryUtilization, 0.92);
    assert.equal(o.enablePrefixCaching, true);
    assert.equal(o.gpu, "t4");
    assert.equal(o.fastStart, false);
  });

  it("takes the article's command line, the `serve MODEL` form, --key=value and -tp", () => {
    const o = parseSimArgs(["--host", "0.0.0.0", "--port", "8001", "--model", "microsoft/Phi-3-mini-4k-instruct", "--tokenizer", "microsoft/Phi-3-mini-4k-instruct", "--tensor-parallel-size", "1", "--dtype", "auto", "--quantization", "awq", "--gpu-memory-utilization", "0.9", "--max-model-len", "4096"]);
    assert.equal(o.port, 8001);
    assert.equal(o.quantization, "awq");
    assert.equal(o.maxModelLen, 4096);
    assert.deepEqual(Object.keys(o.nonDefaultArgs), ["host", "port", "model", "tokenizer", "tensor_parallel_size", "dtype", "quantization", "gpu_memory_utilization", "max_model_len"]);
    const s = parseSimArgs(["serve", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "--max-num-seqs=16", "-tp", "1", "--served-model-name", "a", "b", "--no-enable-prefix-caching", "--reasoning-parser", "deepseek_r1"]);
    assert.equal(s.model, "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
    assert.equal(s.maxNumSeqs, 16);
    assert.deepEqual(s.servedModelName, ["a", "b"]);
    assert.equal(s.enablePrefixCaching, false);
    assert.equal(s.nonDefaultArgs.model_tag, "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
  });

  it("warns on real vLLM flags it does not model and rejects flags vLLM does not have", () => {
    const o = parseSimArgs(["--enforce-eager", "--swap-space", "4", "--trust-remote-code"]);
    assert.equal(o.warnings.length, 3);
    assert.throws(() => parseSimArgs(["--frobnicate"]), /unrecognized arguments: --frobnicate/);
  });

  it("names the flag on a bad value", () => {
    for (const [argv, flag] of [
      [["--port", "x"], "--port"], [["--dtype", "fp8"], "--dtype"], [["--gpu-memory-utilization", "1.5"], "--gpu-memory-utilization"],
      [["--gpu", "v100"], "--gpu"], [["--max-model-len", "lots"], "--max-model-len"], [["--reasoning-parser", "nope"], "--reasoning-parser"], [["--max-num-seqs"], "--max-num-seqs"],
    ] as const) {
      assert.throws(() => parseSimArgs([...argv]), (e: unknown) => e instanceof UsageError && e.shortMessage.startsWith(flag) && !e.shortMessage.includes("\n"));
    }
  });

  it("reads vLLM's length spellings", () => {
    assert.equal(parseMaxModelLen("4k"), 4000);
    assert.equal(parseMaxModelLen("4K"), 4096);
    assert.equal(parseMaxModelLen("25.6k"), 25600);
    assert.equal(parseMaxModelLen("auto"), null);
  });
});
