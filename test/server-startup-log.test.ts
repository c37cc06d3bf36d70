import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyStartFailure, parseStartupLog } from "../src/server/startup-log";

test("current vLLM wording: memory, KV tokens (comma-grouped), max concurrency, graph, init, server URL", () => {
  const log = [
    "(APIServer pid=1) INFO 05-06 21:00:01 [utils.py:233] vLLM server version 0.11.0, serving model deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B",
    "(EngineCore_DP0 pid=2) INFO 05-06 21:00:05 [default_loader.py:267] Loading weights took 1.52 seconds",
    "(EngineCore_DP0 pid=2) INFO 05-06 21:00:05 [gpu_model_runner.py:2653] Model loading took 3.34 GiB memory and 2.051311 seconds",
    "(EngineCore_DP0 pid=2) INFO 05-06 21:00:09 [monitor.py:34] torch.compile took 10.20 s in total",
    "(EngineCore_DP0 pid=2) INFO 05-06 21:00:10 [gpu_worker.py:298] Available KV cache memory: 8.35 GiB",
    "(EngineCore_DP0 pid=2) INFO 05-06 21:00:10 [kv_cache_utils.py:1087] GPU KV cache size: 312,672 tokens",
    "(EngineCore_DP0 pid=2) INFO 05-06 21:00:10 [kv_cache_utils.py:1091] Maximum concurrency for 4,096 tokens per request: 76.34x",
    "(EngineCore_DP0 pid=2) INFO 05-06 21:00:19 [gpu_model_runner.py:3480] Graph capturing finished in 9 secs, took 0.45 GiB",
    "(EngineCore_DP0 pid=2) INFO 05-06 21:00:19 [core.py:210] init engine (profile, create kv cache, warmup model) took 14.87 s (compilation: 10.20 s)",
    "(APIServer pid=1) INFO 05-06 21:00:20 [api_server.py:1971] Starting vLLM server on http://127.0.0.1:8000",
    "(APIServer pid=1) INFO:     Application startup complete.",
  ].join("\n");
  const p = parseStartupLog(log);
  assert.equal(p.vllm_version, "0.11.0", "version");
  assert.equal(p.weights_load_s, 1.52, "weights");
  assert.equal(p.model_memory_gib, 3.34, "model memory");
  assert.equal(p.model_load_s, 2.051311, "model load s");
  assert.equal(p.kv_cache_memory_gib, 8.35, "kv memory");
  assert.equal(p.kv_cache_tokens, 312672, "kv tokens");
  assert.equal(p.max_concurrency, 76.34, "max concurrency");
  assert.equal(p.max_concurrency_tokens, 4096, "tokens per request");
  assert.equal(p.graph_capture_s, 9, "graph s");
  assert.equal(p.graph_capture_gib, 0.45, "graph GiB");
  assert.equal(p.engine_init_s, 14.87, "engine init");
  assert.equal(p.torch_compile_s, 10.2, "torch.compile");
  assert.equal(p.api_server_url, "http://127.0.0.1:8000", "url");
  assert.equal(p.application_startup_complete, true);
});

test("older wordings: V1 'GiB and', V0 'GB', # GPU blocks, uncommaed concurrency, 'seconds', Uvicorn running on", () => {
  const v1 = parseStartupLog("Model loading took 3.3400 GiB and 5.120000 seconds\ninit engine (profile, create kv cache, warmup model) took 20.10 seconds\nStarting vLLM API server 0 on http://0.0.0.0:8000");
  assert.equal(v1.model_memory_gib, 3.34);
  assert.equal(v1.model_load_s, 5.12);
  assert.equal(v1.engine_init_s, 20.1);
  assert.equal(v1.api_server_url, "http://0.0.0.0:8000");
  const v0 = parseStartupLog([
    "INFO 09-04 10:00:00 api_server.py:459] vLLM API server version 0.6.0",
    "INFO 09-04 10:00:05 model_runner.py:915] Loading model weights took 3.3460 GB",
    "INFO 09-04 10:00:07 gpu_executor.py:122] # GPU blocks: 19542, # CPU blocks: 9362",
    "INFO 09-04 10:00:07 gpu_executor.py:126] Maximum concurrency for 4096 tokens per request: 76.34x",
    "INFO 09-04 10:00:20 model_runner.py:1300] Graph capturing finished in 13 secs.",
    "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)",
  ].join("\n"));
  assert.equal(v0.vllm_version, "0.6.0");
  assert.equal(v0.model_memory_gib, 3.346);
  assert.equal(v0.gpu_blocks, 19542);
  assert.equal(v0.kv_cache_tokens, 19542 * 16, "blocks × default block size 16");
  assert.equal(v0.max_concurrency, 76.34);
  assert.equal(v0.graph_capture_s, 13);
  assert.equal(v0.graph_capture_gib, null);
  assert.equal(v0.api_server_url, "http://0.0.0.0:8000");
  assert.equal(v0.application_startup_complete, false);
  assert.equal(parseStartupLog("# cuda blocks: 100, # CPU blocks: 5").kv_cache_tokens, 1600, "PR #11256 wording");
});

test("absent numbers stay null", () => {
  const p = parseStartupLog("nothing useful here");
  assert.equal(p.kv_cache_tokens, null);
  assert.equal(p.model_memory_gib, null);
  assert.equal(p.api_server_url, null);
});

test("start failures are named from the log", () => {
  const cases: Array<[string, string]> = [
    ["ValidationError: 1 validation error for VllmConfig\n  Value error, Cannot find the config file for awq [type=value_error]", "awq"],
    ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.02 GiB", "oom"],
    ["ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization`", "oom"],
    ["OSError: [Errno 98] Address already in use", "port-in-use"],
    ["huggingface_hub.errors.RepositoryNotFoundError: 404 Client Error. Repository Not Found for url", "unknown-model"],
    ["RuntimeError: Found no NVIDIA driver on your system.", "no-cuda"],
    ["ModuleNotFoundError: No module named 'vllm'", "no-vllm"],
    ["ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5.", "dtype"],
  ];
  for (const [log, reason] of cases) assert.equal(classifyStartFailure(log, 1).reason, reason, log);
  const other = classifyStartFailure("RuntimeError: something else", 3);
  assert.equal(other.reason, "exited");
  assert.equal(other.cause, "the server exited with code 3 before it was ready");
});
