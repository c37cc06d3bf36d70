// Prompt sets, synthetic lengths, send-offset planning and the JSONL record writer.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../src/errors";
import { loadPromptSet } from "../src/datasets/prompts";
import { planSendOffsetsMs } from "../src/load/arrivals";
import { createRecordWriter, readRecords } from "../src/record/jsonl";
import { buildMetadata } from "../src/record/meta";
import { countTokens } from "../src/tokenize";
import type { RequestRecord } from "../src/types";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lab-client-ds-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("prompt sets", () => {
  it("article: the three classes with the article's texts", () => {
    const set = loadPromptSet("article");
    assert.deepEqual(set.prompts.map((p) => p.id), ["short", "medium", "long"]);
    assert.equal(set.prompts[0]?.messages[0]?.content, "什么是量子计算？");
    assert.equal(set.prompts[1]?.messages[0]?.content, "请解释牛顿三大定律，并举例说明");
    const long = set.prompts[2]?.messages[0]?.content as string;
    assert.ok(long.startsWith("给定一段代码，请分析其时间复杂度并优化"));
    const n = countTokens("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", long);
    assert.ok(n >= 80 && n <= 130, `long prompt ≈ 100 tokens, got ${n}`);
  });

  it("unknown sets fail with a UsageError listing the available ones", () => {
    assert.throws(() => loadPromptSet("nope"), (e: unknown) => e instanceof UsageError && /unknown prompt set "nope".*article/.test(e.shortMessage));
  });

  it("a JSON file with prompts or messages", () => {
    const f = path.join(tmp, "mine.json");
    fs.writeFileSync(f, JSON.stringify({ prompts: [{ id: "a", prompt: "hi" }, { messages: [{ role: "system", content: "s" }, { role: "user", content: "u" }], max_tokens: 5 }] }));
    const set = loadPromptSet(f);
    assert.equal(set.name, "mine");
    assert.equal(set.prompts[1]?.id, "p1");
    assert.equal(set.prompts[1]?.maxTokens, 5);
    fs.writeFileSync(f, JSON.stringify({ prompts: [{ id: "a" }] }));
    assert.throws(() => loadPromptSet(f), (e: unknown) => e instanceof UsageError && /prompts\[0\]/.test(e.shortMessage));
  });

  it("synthetic sets have exact input lengths and fixed outputs", () => {
    for (const model of ["deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "microsoft/Phi-3-mini-4k-instruct"]) {
      const set = loadPromptSet("synthetic:128:64:3", { model, seed: 1 });
      assert.equal(set.prompts.length, 3);
      for (const p of set.prompts) {
        assert.equal(countTokens(model, p.messages[0]?.content as string), 128, model);
        assert.equal(p.maxTokens, 64);
        assert.equal(p.ignoreEos, true);
      }
      assert.notEqual(set.prompts[0]?.messages[0]?.content, set.prompts[1]?.messages[0]?.content, "distinct texts");
      assert.deepEqual(loadPromptSet("synthetic:128:64:3", { model, seed: 1 }), set, "seeded: same text again");
    }
    assert.throws(() => loadPromptSet("synthetic:0:5"), UsageError);
    assert.throws(() => loadPromptSet("synthetic:abc"), UsageError);
  });
});

describe("send offsets", () => {
  it("are seeded, increasing, and end at exactly n/rate", () => {
    const a = planSendOffsetsMs(50, 10, 1, 7);
    assert.deepEqual(a, planSendOffsetsMs(50, 10, 1, 7));
    assert.notDeepEqual(a, planSendOffsetsMs(50, 10, 1, 8));
    for (let i = 1; i < a.length; i++) assert.ok((a[i] as number) > (a[i - 1] as number));
    assert.ok(Math.abs((a[49] as number) - 5000) < 1e-6);
    assert.deepEqual(planSendOffsetsMs(4, 2, Infinity), [500, 1000, 1500, 2000], "constant gaps");
    assert.deepEqual(planSendOffsetsMs(3, Infinity), [0, 0, 0], "inf: all at once");
  });
});

describe("record writer", () => {
  const rec = (index: number): RequestRecord => ({
    index, group: "g", isWarmup: index === 0, scheduledMs: 0, sentMs: 0, chunkMs: [1], chunkCodes: "c", httpStatus: 200, ok: true,
    errorKind: null, error: null, finishReason: "stop", promptTokens: 1, outputTokens: 1, tokenSource: "usage", contentChars: 1, reasoningChars: 0,
  });

  it("appends each record within the event-loop turn and reads them back", async () => {
    const f = path.join(tmp, "run", "requests.jsonl");
    const w = createRecordWriter(f);
    w.append(rec(0));
    w.append(rec(1));
    await new Promise((r) => setImmediate(r));
    await w.flush();
    assert.equal(readRecords(f).length, 2, "on disk before close");
    w.append(rec(2));
    await w.close();
    assert.deepEqual(readRecords(f).map((r) => [r.index, r.isWarmup]), [[0, true], [1, false], [2, false]]);
  });

  it("skips a torn last line but rejects a corrupt middle line", () => {
    const f = path.join(tmp, "torn.jsonl");
    fs.writeFileSync(f, `${JSON.stringify(rec(0))}\n{"index":1,"gro`);
    assert.equal(readRecords(f).length, 1);
    fs.writeFileSync(f, `{bad\n${JSON.stringify(rec(0))}\n`);
    assert.throws(() => readRecords(f), /torn\.jsonl:1/);
  });

  it("metadata never carries an API key", () => {
    const m = buildMetadata({ command: "bench", baseUrl: "http://x", model: "m", server: null, parameters: { apiKey: "sk-secret", api_key: "sk-secret", requests: 3 }, startedAt: "t" });
    assert.ok(!JSON.stringify(m).includes("sk-secret"));
    assert.equal(m.parameters.requests, 3);
  });
});
