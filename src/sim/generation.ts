// What a request will generate: a seeded output length (an EOS draw), capped by max_tokens,
// held up by min_tokens, and the text stream that fills it.
import { createRng } from "../util/random";
import type { ModelProfile } from "./profiles";
import type { NormalizedRequest } from "./requests";
import { detectLanguage, TextStream } from "./text";

export interface OutputPlan {
  targetTokens: number;
  reasonAtTarget: "stop" | "length";
  text: TextStream;
  /** Reasoning models: tokens of thinking before `</think>`; null otherwise. */
  thinkTokens: number | null;
}

/** Share of a reasoning model's natural output spent thinking (assumption, see docs/simulator.md). */
export const THINK_SHARE = 0.7;

function hashInts(values: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) h = Math.imul(h ^ (v | 0), 0x01000193) >>> 0;
  return h;
}

/**
 * Seed of a request's randomness: a request `seed` or temperature 0 makes it a function of the
 * prompt (same prompt → same output); otherwise the server seed and the arrival number.
 */
export function requestSeed(serverSeed: number, arrival: number, req: NormalizedRequest): number {
  if (req.seed !== null) return hashInts([req.seed, ...req.promptIds.slice(-64), req.promptTokens]);
  if (req.temperature === 0) return hashInts([serverSeed, ...req.promptIds.slice(-64), req.promptTokens]);
  return hashInts([serverSeed, arrival]);
}

export function planOutput(req: NormalizedRequest, model: ModelProfile, seed: number): OutputPlan {
  const rng = createRng(seed);
  const { mean, shape } = model.output_tokens;
  const natural = Math.max(1, Math.ceil(rng.gamma(shape, mean / shape)));
  const target = req.ignoreEos ? req.maxTokens : Math.min(req.maxTokens, Math.max(natural, req.minTokens));
  const reasonAtTarget = !req.ignoreEos && target === natural ? "stop" : target >= req.maxTokens ? "length" : "stop";
  const thinkTokens = model.reasoning && req.kind === "chat" ? Math.floor(natural * THINK_SHARE) : null;
  return { targetTokens: target, reasonAtTarget, thinkTokens, text: new TextStream(rng, detectLanguage(req.languageHint), thinkTokens) };
}
