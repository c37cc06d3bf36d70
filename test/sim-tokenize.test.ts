// The shared tokenizer wrapper (src/tokenize): real vocabularies where an npm package ships them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { countTokens, estimateTokens, loadTokenizer } from "../src/tokenize";

describe("tokenizer wrapper", () => {
  it("uses the real vocabularies where shipped and an estimate otherwise", () => {
    assert.equal(loadTokenizer("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B").source, "qwen2-bpe");
    assert.equal(loadTokenizer("microsoft/Phi-3-mini-4k-instruct").source, "llama2-sp");
    assert.equal(loadTokenizer("org/unknown").source, "estimate");
    assert.equal(countTokens("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "Hello world"), 2);
    assert.equal(countTokens("org/unknown", "Hello world, hello"), estimateTokens("Hello world, hello"));
    const t = loadTokenizer("microsoft/Phi-3-mini-4k-instruct");
    assert.equal(t.decode!(t.encode("Hello world")), "Hello world");
    assert.equal(countTokens("x", ""), 0);
  });
});
