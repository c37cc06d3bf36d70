// Synthetic prompts with exact lengths for controlled sweeps: the prompt text is sized with the
// model's tokenizer (no chat template; the server's prompt_tokens adds the template), the output
// is fixed with max_tokens + ignore_eos. Seeded, so the same name gives the same text.
import { UsageError } from "../errors";
import { loadTokenizer } from "../tokenize/index";
import { createRng } from "../util/random";
import type { PromptSet, SampleRequest } from "./prompts";

export const SYNTHETIC_PATTERN = /^synthetic:/;
const SPEC = /^synthetic:(\d+):(\d+)(?::(\d+))?$/;
const WORDS = "the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their can has been if more when will would who so no time about".split(" ");

/** Text of exactly `tokens` tokens for `model` (as its tokenizer counts, no special tokens). */
export function textOfTokens(model: string, tokens: number, seed: number): string {
  const tok = loadTokenizer(model);
  const rng = createRng(seed);
  const words: string[] = [];
  // Over-generate words, then cut at the token boundary.
  while (words.length < tokens * 2 + 8) words.push(rng.pick(WORDS));
  const draft = words.join(" ");
  if (!tok.decode) return "abcd".repeat(tokens); // the estimate counts 4 latin chars as one token
  let ids = tok.encode(draft).slice(0, tokens);
  let text = tok.decode(ids);
  // Decoding then re-encoding can merge pieces; trim until the count is exact (it converges fast).
  for (let guard = 0; guard < 16 && tok.encode(text).length !== tokens; guard++) {
    const n = tok.encode(text).length;
    ids = ids.slice(0, ids.length - (n - tokens) || ids.length - 1);
    text = tok.decode(ids);
    if (n < tokens) text += " the".repeat(tokens - n);
  }
  return text;
}

export function syntheticPromptSet(spec: string, model: string, seed: number): PromptSet {
  const m = SPEC.exec(spec);
  if (!m) throw new UsageError(`invalid synthetic prompt set ${JSON.stringify(spec)}; use synthetic:IN:OUT[:COUNT], e.g. synthetic:128:128`);
  const inTokens = Number(m[1]);
  const outTokens = Number(m[2]);
  const count = m[3] === undefined ? 1 : Number(m[3]);
  if (inTokens < 1 || outTokens < 1 || count < 1) throw new UsageError(`invalid synthetic prompt set ${JSON.stringify(spec)}: IN, OUT and COUNT must be ≥ 1`);
  const id = `in${inTokens}-out${outTokens}`;
  const prompts: SampleRequest[] = [];
  // Distinct texts per prompt so prefix caching does not make later requests cheaper.
  for (let i = 0; i < count; i++) {
    prompts.push({ id, messages: [{ role: "user", content: textOfTokens(model, inTokens, seed + i) }], maxTokens: outTokens, ignoreEos: true, inputTokens: inTokens });
  }
  return { name: spec, description: `${count} prompt(s) of exactly ${inTokens} tokens (${loadTokenizer(model).source}), ${outTokens} output tokens (ignore_eos)`, prompts };
}
