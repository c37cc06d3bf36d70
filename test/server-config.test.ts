// Experiment files: the shipped ones load; a bad field is named by path, value and what is allowed;
// the as-published experiment is refused by preflight with its reasons.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, PreflightError } from "../src/errors";
import { loadExperiment, serverConfigOf, validateExperiment } from "../src/config";
import { runReproduce } from "../src/experiment";
import { buildVllmArgv, renderCommandLine } from "../src/server";

const base = { name: "x", servers: [{ slug: "a", model: "m/a" }] };

function configError(raw: unknown): string {
  try {
    validateExperiment(raw, "exp.json");
  } catch (err) {
    assert.ok(err instanceof ConfigError, "ConfigError");
    assert.equal(err.exitCode, 2);
    assert.ok(!err.shortMessage.includes("\n"), "one line");
    return err.shortMessage;
  }
  throw new Error("validated but should not have");
}

test("seed-t4 is the article corrected: sequential, 127.0.0.1, no awq, R1 parser and temperature", () => {
  const exp = loadExperiment("data/experiments/seed-t4.json");
  assert.equal(exp.parallel, false);
  assert.equal(exp.runs, 10);
  assert.equal(exp.warmup, 1);
  assert.deepEqual(exp.promptClasses, ["short", "medium", "long"]);
  assert.equal(exp.maxConcurrency?.slo, "tpot:p95<=50ms");
  const [r1, phi] = exp.servers;
  assert.equal(r1?.reasoningParser, "deepseek_r1");
  assert.equal(r1?.temperature, 0.6);
  for (const s of exp.servers) {
    assert.equal(s.quantization, null);
    assert.equal(s.host, "127.0.0.1");
    assert.equal(s.gpuMemoryUtilization, 0.9);
    assert.equal(s.maxModelLen, 4096);
  }
  assert.equal(phi?.model, "microsoft/Phi-3-mini-4k-instruct");
});

test("the as-published experiment keeps the article's flags exactly", () => {
  const exp = loadExperiment("seed-t4-as-published");
  const argv = buildVllmArgv(serverConfigOf(exp, exp.servers[0]!, { engine: "vllm" }));
  assert.equal(renderCommandLine(argv),
    "python -m vllm.entrypoints.openai.api_server --host 0.0.0.0 --port 8000 --model deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B --tensor-parallel-size 1 --dtype auto --quantization awq --gpu-memory-utilization 0.9 --max-model-len 4096");
});

test("the as-published experiment is rejected by preflight with every reason", async () => {
  await assert.rejects(runReproduce({ experiment: "seed-t4-as-published", outDir: "/nonexistent/never-written" }), (err: unknown) => {
    assert.ok(err instanceof PreflightError);
    const text = err.reasons.join("\n");
    assert.match(text, /servers sharing one GPU ask for 180% of it in total/);
    assert.match(text, /DeepSeek-R1-Distill-Qwen-1\.5B: --quantization awq needs an AWQ-quantized checkpoint/);
    assert.match(text, /Phi-3-mini-4k-instruct: --quantization awq needs an AWQ-quantized checkpoint/);
    return true;
  });
});

test("a bad field is named by its path, its value and what is allowed", () => {
  assert.equal(configError({ ...base, servers: [{ slug: "a", model: "m/a", gpuMemoryUtilization: 1.5 }] }),
    "exp.json: servers[0].gpuMemoryUtilization = 1.5: must be ≤ 1; fix the file (fields are listed in src/config/schema.ts)");
  assert.match(configError({ ...base, runs: 0 }), /^exp\.json: runs = 0: must be ≥ 1;/);
  assert.match(configError({ ...base, engine: "tgi" }), /engine = "tgi": must be one of "sim", "vllm"/);
  assert.match(configError({ ...base, servers: [{ slug: "a", model: "m/a", gpu_memory_utilization: 0.9 }] }), /servers\[0\]: unknown field "gpu_memory_utilization"/);
  assert.match(configError({ ...base, maxConcurrency: { limit: "many" } }), /maxConcurrency\.limit = "many": must be number/);
  assert.match(configError({ name: "x" }), /servers = missing: must be array/);
  assert.match(configError({ ...base, servers: [{ slug: "a", model: "m/a" }, { slug: "a", model: "m/b" }] }), /servers\[1\]\.slug = "a": must differ/);
});

test("a missing experiment file says what exists", () => {
  assert.throws(() => loadExperiment("no-such-experiment"), (err: unknown) => err instanceof ConfigError && /not found; pass --experiment with a path or one of: .*seed-t4/.test(err.shortMessage));
});
