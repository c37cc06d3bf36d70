// LLMClient (openai SDK): chat, stream, simpleChat, R1 helpers, typed errors with the server's message.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { LLMClient } from "../src/client/llm-client";
import { r1Messages, R1_DEFAULT_TEMPERATURE, R1_MATH_INSTRUCTION } from "../src/client/r1";
import { ApiError } from "../src/errors";
import { content, flatError, nestedError, reasoning, role, startScriptedServer, tokenStream, type ScriptedServer } from "./helpers/scripted-server";

let server: ScriptedServer;
before(async () => { server = await startScriptedServer({ models: ["test-model", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"] }); });
after(async () => { await server.close(); });

const lastBody = (): Record<string, unknown> => server.requests[server.requests.length - 1]?.body ?? {};

describe("LLMClient", () => {
  it("chat and simpleChat return the answer; system prompt sent as its own turn", async () => {
    server.setScenario(() => tokenStream(["秋", "风"]));
    const c = new LLMClient({ baseUrl: server.baseUrl, model: "test-model" });
    assert.equal(await c.simpleChat("写诗", "你是一个诗人"), "秋风");
    assert.deepEqual(lastBody().messages, [{ role: "system", content: "你是一个诗人" }, { role: "user", content: "写诗" }]);
    assert.equal(lastBody().temperature, 0.7, "the article's default for non-R1 models");
    assert.equal(server.requests[server.requests.length - 1]?.headers.authorization, `Bearer ${process.env.OPENAI_API_KEY ?? "none"}`);
  });

  it("stream yields reasoning (either field name) then content as it arrives", async () => {
    server.setScenario(() => ({ events: [{ data: role() }, { data: reasoning("a", "reasoning") }, { data: reasoning("b", "reasoning_content") }, { data: content("c") }] }));
    const c = new LLMClient({ baseUrl: server.baseUrl, model: "test-model" });
    const deltas = [];
    for await (const d of c.stream([{ role: "user", content: "x" }])) deltas.push(d);
    assert.deepEqual(deltas, [{ reasoning: "a" }, { reasoning: "b" }, { content: "c" }]);
  });

  it("R1: temperature 0.6, system folded into the user turn, \\boxed{} instruction, forced <think>", async () => {
    server.setScenario(() => tokenStream(["4"]));
    const c = new LLMClient({ baseUrl: server.baseUrl, model: "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" });
    const messages = r1Messages("2+2=?", { system: "你是数学老师", math: true, forceThink: true });
    assert.deepEqual(messages, [{ role: "user", content: `你是数学老师\n\n2+2=?\n\n${R1_MATH_INSTRUCTION}` }, { role: "assistant", content: "<think>\n" }]);
    await c.chat(messages);
    assert.equal(lastBody().temperature, R1_DEFAULT_TEMPERATURE);
    assert.equal(lastBody().continue_final_message, true);
    assert.equal(lastBody().add_generation_prompt, false);
  });

  it("errors are ApiErrors with the server's message (nested and flat bodies, error events, no server)", async () => {
    const c = new LLMClient({ baseUrl: server.baseUrl, model: "test-model" });
    server.setScenario(() => ({ status: 400, body: nestedError(400, "temperature must be non-negative") }));
    await assert.rejects(c.chat([{ role: "user", content: "x" }], { temperature: -1 }), (e: unknown) => e instanceof ApiError && e.status === 400 && e.shortMessage === "HTTP 400: temperature must be non-negative");
    server.setScenario(() => ({ status: 404, body: flatError(404, "The model `x` does not exist.", "NotFoundError") }));
    await assert.rejects(c.chat([{ role: "user", content: "x" }]), (e: unknown) => e instanceof ApiError && e.shortMessage === "HTTP 404: The model `x` does not exist.");
    server.setScenario(() => ({ events: [{ data: content("a") }, { data: { error: { message: "boom mid-stream", type: "InternalServerError", code: 500 } } }] }));
    await assert.rejects(async () => { for await (const _ of c.stream([{ role: "user", content: "x" }])) { /* drain */ } }, (e: unknown) => e instanceof ApiError && /boom mid-stream/.test(e.shortMessage));
    const dead = new LLMClient({ baseUrl: "http://127.0.0.1:9/v1", model: "m" });
    await assert.rejects(dead.chat([{ role: "user", content: "x" }]), (e: unknown) => e instanceof ApiError && /cannot connect to http:\/\/127.0.0.1:9\/v1/.test(e.shortMessage));
  });
});
