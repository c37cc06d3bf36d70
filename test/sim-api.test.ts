// The served surface against vllm-surface.md: SSE framing, bodies, errors, metrics, reasoning,
// determinism and engine death. In-process servers on port 0 with --fast-start.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { getModelProfile, startSimServer, type SimOptions, type SimServer } from "../src/sim";
import { planOutput, requestSeed } from "../src/sim/generation";
import { isFailure, normalizeRequest } from "../src/sim/requests";

const DS = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";
const PHI = "microsoft/Phi-3-mini-4k-instruct";
const servers: SimServer[] = [];

async function start(opts: Partial<SimOptions>): Promise<SimServer> {
  // H100 timing keeps the suite fast; no assertion here depends on the GPU's speed.
  const s = await startSimServer({ port: 0, fastStart: true, gpu: "h100", ...opts });
  servers.push(s);
  return s;
}

async function post(s: SimServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string; json: () => any }> {
  const res = await fetch(s.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

/** A request `seed` whose drawn output is short but still thinks first (the draw is a pure function of seed and prompt). */
function shortSeed(model: string, content: string): number {
  for (let seed = 0; seed < 2000; seed++) {
    const req = normalizeRequest("chat", { messages: [{ role: "user", content }], seed, max_tokens: 3000 }, getModelProfile(model), 4096);
    if (isFailure(req)) continue;
    const drawn = planOutput(req, getModelProfile(model), requestSeed(0, 0, req)); // a request seed overrides server seed and arrival
    if (drawn.targetTokens < 120 && (drawn.thinkTokens ?? 0) >= 5) return seed;
  }
  throw new Error("no short seed found");
}

function sseEvents(text: string): string[] {
  assert.ok(text.endsWith("data: [DONE]\n\n"), "stream ends with [DONE]");
  return text.split("\n\n").filter(Boolean).map((e) => {
    assert.ok(e.startsWith("data: "), `framing: ${e.slice(0, 40)}`);
    return e.slice(6);
  });
}

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe("simulated vLLM server (DeepSeek-R1-Distill, reasoning parser)", () => {
  let s: SimServer;
  before(async () => {
    s = await start({ model: DS, reasoningParser: "deepseek_r1", maxModelLen: 4096, seed: 7 });
  });

  it("streams to the official openai client with usage", async () => {
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "none" });
    const stream = await client.chat.completions.create({
      model: DS, messages: [{ role: "user", content: "What is quantum computing?" }], max_tokens: 40, stream: true, stream_options: { include_usage: true },
    });
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    let text = "";
    for await (const chunk of stream) {
      chunks++;
      if (chunk.usage) usage = chunk.usage;
      const d = chunk.choices[0]?.delta as { content?: string; reasoning?: string } | undefined;
      text += (d?.reasoning ?? "") + (d?.content ?? "");
    }
    assert.ok(usage && usage.completion_tokens >= 1 && usage.completion_tokens <= 40);
    assert.equal(usage!.total_tokens, usage!.prompt_tokens + usage!.completion_tokens);
    assert.ok(chunks >= usage!.completion_tokens, "one chunk per decode step plus role and usage");
    assert.match(text, /[a-z]/);
  });

  it("frames SSE like vLLM: role chunk with content '', per-token chunks, finish chunk, usage in key order, [DONE]", async () => {
    const r = await post(s, "/v1/chat/completions", { model: DS, messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }], max_tokens: 12, ignore_eos: true, stream: true, stream_options: { include_usage: true } });
    assert.equal(r.status, 200);
    const events = sseEvents(r.text);
    assert.equal(events.at(-1), "[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "" });
    assert.deepEqual(Object.keys(chunks[0]), ["id", "object", "created", "model", "choices", "prompt_token_ids", "prompt_text"]);
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk.choices, []);
    assert.deepEqual(Object.keys(usageChunk.usage), ["prompt_tokens", "total_tokens", "completion_tokens"]);
    assert.equal(usageChunk.usage.completion_tokens, 12, "ignore_eos runs to max_tokens");
    const finish = chunks.at(-2);
    assert.equal(finish.choices[0].finish_reason, "length");
    assert.ok(new Set(chunks.map((c: { id: string }) => c.id)).size === 1);
    // 12 tokens: at most one (`</think>`) is swallowed by the parser
    const tokenChunks = chunks.slice(1, -1);
    assert.ok(tokenChunks.length === 12 || tokenChunks.length === 11, String(tokenChunks.length));
  });

  it("sends thinking as delta.reasoning then the answer as content, without a leading <think>", async () => {
    const content = "什么是量子计算？";
    const r = await post(s, "/v1/chat/completions", { messages: [{ role: "user", content }], seed: shortSeed(DS, content), max_tokens: 3000, stream: true });
    const chunks = sseEvents(r.text).slice(0, -1).map((e) => JSON.parse(e));
    const deltas = chunks.slice(1).map((c: any) => c.choices[0].delta);
    const firstContent = deltas.findIndex((d: any) => typeof d.content === "string" && d.content !== "");
    assert.ok(firstContent > 0);
    assert.ok(deltas.slice(0, firstContent).every((d: any) => typeof d.reasoning === "string"));
    const all = deltas.map((d: any) => (d.reasoning ?? "") + (d.content ?? "")).join("");
    assert.ok(!all.includes("<think>") && !all.includes("</think>"));
    assert.match(all, /[\u4e00-\u9fff]/, "Chinese prompt → Chinese text");
  });

  it("returns vLLM's non-streaming body", async () => {
    const r = await post(s, "/v1/chat/completions", { model: DS, messages: [{ role: "user", content: "Hi" }], seed: shortSeed(DS, "Hi"), max_tokens: 3000 });
    const b = r.json();
    assert.equal(b.object, "chat.completion");
    assert.deepEqual(Object.keys(b.choices[0].message), ["role", "content", "refusal", "annotations", "audio", "function_call", "tool_calls", "reasoning"]);
    assert.equal(b.choices[0].finish_reason, "stop");
    assert.equal(typeof b.choices[0].message.reasoning, "string");
    assert.deepEqual(Object.keys(b.usage), ["prompt_tokens", "total_tokens", "completion_tokens", "prompt_tokens_details"]);
  });

  it("answers /health, /version, /v1/models and /metrics", async () => {
    const h = await fetch(`${s.url}/health`);
    assert.equal(h.status, 200);
    assert.equal(await h.text(), "");
    assert.match(((await (await fetch(`${s.url}/version`)).json()) as any).version, /^\d+\.\d+/);
    const models = (await (await fetch(`${s.url}/v1/models`)).json()) as any;
    assert.equal(models.data[0].id, DS);
    assert.equal(models.data[0].root, DS);
    assert.equal(models.data[0].max_model_len, 4096);
    const m = await (await fetch(`${s.url}/metrics`)).text();
    for (const name of ["vllm:time_to_first_token_seconds_bucket", "vllm:inter_token_latency_seconds_sum", "vllm:request_time_per_output_token_seconds_count", "vllm:e2e_request_latency_seconds_count", "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:prompt_tokens_total", "vllm:generation_tokens_total"]) {
      assert.ok(m.includes(`${name}{`), name);
    }
    const gauge = (name: string): number => Number(new RegExp(`^${name}\\{model_name="${DS}"\\} (\\S+)$`, "m").exec(m)?.[1]);
    const total = gauge("vllm_sim:gpu_memory_total_bytes");
    assert.equal(total, s.boot.gpu.memory_mib * 2 ** 20);
    assert.ok(Math.abs(gauge("vllm_sim:gpu_memory_process_bytes") / total - 0.92) < 0.01, "≈ utilization × total");
    assert.ok(gauge("vllm_sim:gpu_memory_footprint_bytes") < gauge("vllm_sim:gpu_memory_process_bytes"));
    assert.match(m, /vllm:generation_tokens_total\{engine="0",model_name="[^"]+"\} [1-9]/);
    const info = /^vllm:cache_config_info\{(.*)\} 1\.0$/m.exec(m)?.[1] ?? "";
    const keys = info.split(/",/).map((kv) => kv.split("=")[0]);
    assert.deepEqual(keys, [...keys].sort(), "labels sorted as prometheus_client writes them");
    assert.match(info, new RegExp(`num_gpu_blocks="${s.boot.plan.numBlocks}"`));
  });

  it("rejects bad requests with vLLM's status codes and bodies", async () => {
    const nf = await post(s, "/v1/chat/completions", { model: "DeepSeek-R1-Distill-Qwen-1.5B", messages: [] });
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.json(), { error: { message: "The model `DeepSeek-R1-Distill-Qwen-1.5B` does not exist.", type: "NotFoundError", param: "model", code: 404 } });
    const long = await post(s, "/v1/completions", { prompt: "word ".repeat(3000), max_tokens: 2000 });
    assert.equal(long.status, 400);
    assert.equal(long.json().error.param, "input_tokens");
    assert.match(long.json().error.message, /^This model's maximum context length is 4096 tokens\. However, you requested 2000 output tokens and your prompt contains \d+ input tokens/);
    const mt = await post(s, "/v1/chat/completions", { messages: [{ role: "user", content: "x" }], max_tokens: 5000 });
    assert.equal(mt.json().error.message, "max_tokens=5000 cannot be greater than max_model_len=max_total_tokens=4096. Please request fewer output tokens. (parameter=max_tokens, value=5000)");
    const temp = await post(s, "/v1/chat/completions", { messages: [{ role: "user", content: "x" }], temperature: -1 });
    assert.deepEqual(temp.json(), { error: { message: "temperature must be non-negative, got -1.0. (parameter=temperature, value=-1.0)", type: "BadRequestError", param: "temperature", code: 400 } });
    const bad = await post(s, "/v1/chat/completions", "{not json");
    assert.equal(bad.status, 400);
    assert.equal(bad.json().error.type, "Bad Request");
    assert.match(bad.json().error.message, /json_invalid/);
  });

  it("counts prefix-cache hits for a repeated long prompt", async () => {
    const prompt = "Explain the following text in detail. ".repeat(20);
    for (let i = 0; i < 2; i++) await post(s, "/v1/completions", { prompt, max_tokens: 1 });
    const m = await (await fetch(`${s.url}/metrics`)).text();
    const hits = Number(/^vllm:prefix_cache_hits_total\{[^}]*\} (\S+)$/m.exec(m)?.[1]);
    assert.ok(hits >= 16 * 8, `hits ${hits}`);
  });

  it("respects min_tokens and max_tokens", async () => {
    for (let i = 0; i < 5; i++) {
      const b = (await post(s, "/v1/completions", { prompt: `p${i}`, max_tokens: 30, min_tokens: 25 })).json();
      assert.ok(b.usage.completion_tokens >= 25 && b.usage.completion_tokens <= 30);
    }
  });
});

describe("simulator options", () => {
  it("is deterministic for a seed", async () => {
    const texts: string[] = [];
    for (const seed of [3, 3, 4]) {
      const s = await start({ model: PHI, seed });
      const b = (await post(s, "/v1/chat/completions", { messages: [{ role: "user", content: "Tell me about autumn" }], max_tokens: 60 })).json();
      texts.push(`${b.usage.completion_tokens}:${b.choices[0].message.content}`);
      await s.close();
    }
    assert.equal(texts[0], texts[1]);
    assert.notEqual(texts[0], texts[2]);
  });

  it("puts thinking in content without a parser, and uses reasoning_content under the legacy flag", async () => {
    const plain = await start({ model: DS, seed: 1 });
    const b = (await post(plain, "/v1/chat/completions", { messages: [{ role: "user", content: "Hi" }], seed: shortSeed(DS, "Hi"), max_tokens: 3000 })).json();
    assert.match(b.choices[0].message.content, /<\/think>/);
    assert.ok(!b.choices[0].message.content.startsWith("<think>"));
    const legacy = await start({ model: DS, seed: 1, reasoningParser: "deepseek_r1", legacyReasoningField: true, legacyErrorFormat: true });
    const r = await post(legacy, "/v1/chat/completions", { messages: [{ role: "user", content: "Hi" }], max_tokens: 5, ignore_eos: true, stream: true });
    assert.match(r.text, /"delta":\{"reasoning_content":/);
    const nf = (await post(legacy, "/v1/chat/completions", { model: "nope", messages: [] })).json();
    assert.deepEqual(nf, { object: "error", message: "The model `nope` does not exist.", type: "NotFoundError", param: null, code: 404 });
  });

  it("reports 503 on /health and a streamed 500 once the engine dies", async () => {
    const s = await start({ model: PHI, failAfterRequests: 1 });
    const slow = post(s, "/v1/chat/completions", { messages: [{ role: "user", content: "a" }], max_tokens: 400, ignore_eos: true, stream: true });
    await post(s, "/v1/completions", { prompt: "b", max_tokens: 2 });
    const r = await slow;
    const events = sseEvents(r.text);
    assert.equal(JSON.parse(events.at(-2) as string).error.code, 500);
    assert.equal((await fetch(`${s.url}/health`)).status, 503);
    assert.equal((await post(s, "/v1/completions", { prompt: "c" })).status, 500);
  });

  it("frees the slot and KV blocks of a client that disconnects mid-stream", async () => {
    const s = await start({ model: PHI });
    const ac = new AbortController();
    const res = await fetch(`${s.url}/v1/chat/completions`, { method: "POST", signal: ac.signal, headers: { "content-type": "application/json" }, body: JSON.stringify({ messages: [{ role: "user", content: "a" }], max_tokens: 3000, ignore_eos: true, stream: true }) });
    const reader = res.body!.getReader();
    await reader.read();
    assert.equal(s.engine.scheduler.running.length, 1);
    ac.abort();
    await reader.read().catch(() => undefined);
    for (let i = 0; i < 500 && s.engine.scheduler.running.length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(s.engine.scheduler.running.length, 0);
    assert.equal(s.engine.scheduler.usedBlocks, 0);
  });

  it("requires the API key on /v1 when --api-key is set", async () => {
    const s = await start({ model: PHI, apiKey: "k" });
    assert.equal((await post(s, "/v1/completions", { prompt: "x" })).status, 401);
    assert.equal((await post(s, "/v1/completions", { prompt: "x", max_tokens: 2 }, { authorization: "Bearer k" })).status, 200);
    assert.equal((await fetch(`${s.url}/health`)).status, 200);
  });

  it("never runs more than max-num-seqs at once under concurrent load", async () => {
    const s = await start({ model: DS, maxNumSeqs: 4, maxModelLen: 4096 });
    let peak = 0;
    const probe = setInterval(() => (peak = Math.max(peak, s.engine.scheduler.running.length)), 1);
    const bodies = await Promise.all(Array.from({ length: 12 }, (_, i) => post(s, "/v1/completions", { prompt: `q${i}`, max_tokens: 8, ignore_eos: true })));
    clearInterval(probe);
    assert.ok(bodies.every((b) => b.json().usage.completion_tokens === 8));
    assert.ok(peak <= 4 && peak >= 1);
    const m = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(m, /vllm:request_success_total\{engine="0",finished_reason="length",model_name="[^"]+"\} 12\.0/);
  });
});
