import { test } from "node:test";
import assert from "node:assert/strict";
import { buildVllmArgv, renderCommandLine } from "../src/server/vllm-args";

test("the article's api_server command, flag for flag", () => {
  const argv = buildVllmArgv({
    engine: "vllm", model: "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", host: "0.0.0.0", port: 8000, tensorParallelSize: 1,
    dtype: "auto", quantization: "awq", gpuMemoryUtilization: 0.9, maxModelLen: 4096,
  });
  assert.equal(renderCommandLine(argv),
    "python -m vllm.entrypoints.openai.api_server --host 0.0.0.0 --port 8000 --model deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B --tensor-parallel-size 1 --dtype auto --quantization awq --gpu-memory-utilization 0.9 --max-model-len 4096");
});

test("vllm serve puts the model first; the API key is never on the command line", () => {
  const argv = buildVllmArgv({ engine: "vllm", entrypoint: "serve", model: "m/x", port: 8001, apiKey: "sekret", reasoningParser: "deepseek_r1", extraArgs: ["--enforce-eager"] });
  assert.deepEqual(argv.args.slice(0, 2), ["serve", "m/x"]);
  assert.ok(!argv.args.includes("sekret"), "key not in argv");
  assert.deepEqual(argv.env, { VLLM_API_KEY: "sekret" });
  assert.equal(argv.args.at(-1), "--enforce-eager");
  assert.ok(argv.args.join(" ").includes("--host 127.0.0.1"), "127.0.0.1 by default");
});

test("the simulator gets the same flags plus its own; the key is masked when rendered", () => {
  const argv = buildVllmArgv({ engine: "sim", model: "m/x", port: 0, gpu: "t4", fastStart: true, apiKey: "sekret" });
  assert.equal(argv.file, process.execPath);
  assert.match(argv.args[0] as string, /bin[\\/]latency-sim\.cjs$/);
  assert.ok(argv.args.includes("--fast-start"));
  assert.ok(!renderCommandLine(argv).includes("sekret"), "masked");
  assert.match(renderCommandLine(argv), /--api-key \*\*\*/);
});
