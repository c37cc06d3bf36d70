// The article's §8.3 experiment: a multi-turn conversation where every turn resends the whole
// history, so with --enable-prefix-caching only the new turn needs prefill. Measures TTFT per turn.
import { streamRequest, type ChatMessage } from "../client/index";
import { deriveMetrics } from "../stats/metrics";
import { summarize } from "../stats/summary";
import type { Summary } from "../types";

export interface MultiTurnOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** The user turns, in order; each request carries every earlier turn and answer. */
  turns: string[];
  /** Conversations to run; each starts with its own marker so no two share a prefix. */
  conversations?: number;
  maxTokens?: number;
  temperature?: number;
  timeoutS?: number;
  /** Series name, e.g. "prefix caching on". */
  label: string;
}

export interface TurnResult {
  label: string;
  conversation: number;
  /** 1-based. */
  turn: number;
  ok: boolean;
  error: string | null;
  promptTokens: number | null;
  ttftMs: number | null;
}

/** Runs the conversations one after another, turn by turn; a failed turn is recorded and the answer left empty. */
export async function measureMultiTurn(o: MultiTurnOptions): Promise<TurnResult[]> {
  const results: TurnResult[] = [];
  const conversations = o.conversations ?? 3;
  let index = 0;
  for (let c = 1; c <= conversations; c++) {
    const messages: ChatMessage[] = [];
    for (let t = 0; t < o.turns.length; t++) {
      const text = t === 0 ? `[${o.label} · 会话 ${c}]\n${o.turns[t]}` : (o.turns[t] as string);
      messages.push({ role: "user", content: text });
      const record = await streamRequest({
        baseUrl: o.baseUrl, model: o.model, apiKey: o.apiKey, messages: [...messages], maxTokens: o.maxTokens ?? 32,
        temperature: o.temperature, timeoutMs: (o.timeoutS ?? 120) * 1000, keepText: true, index: index++, group: `turn-${t + 1}`,
      });
      const m = record.ok ? deriveMetrics(record) : null;
      results.push({ label: o.label, conversation: c, turn: t + 1, ok: record.ok, error: record.error, promptTokens: record.promptTokens, ttftMs: m?.ttftMs ?? null });
      messages.push({ role: "assistant", content: record.text ?? "" });
    }
  }
  return results;
}

export interface TurnSummary {
  label: string;
  turn: number;
  promptTokens: number | null;
  ttftMs: Summary;
}

/** TTFT per label × turn over the conversations (failed turns left out). */
export function summarizeTurns(results: TurnResult[]): TurnSummary[] {
  const keys = [...new Set(results.map((r) => `${r.label}\u0000${r.turn}`))];
  return keys.map((key) => {
    const [label, turn] = key.split("\u0000") as [string, string];
    const rows = results.filter((r) => r.label === label && r.turn === Number(turn));
    const ok = rows.filter((r) => r.ok && r.ttftMs !== null);
    return { label, turn: Number(turn), promptTokens: ok[0]?.promptTokens ?? null, ttftMs: summarize(ok.map((r) => r.ttftMs as number)) };
  });
}

/** Turn summaries as table rows. */
export function turnRows(summaries: TurnSummary[]): Array<Record<string, string | number | null>> {
  return summaries.map((s) => ({
    setting: s.label, turn: s.turn, "prompt tokens": s.promptTokens, "TTFT mean (ms)": s.ttftMs.mean, "TTFT sd (ms)": s.ttftMs.std, conversations: s.ttftMs.count,
  }));
}
