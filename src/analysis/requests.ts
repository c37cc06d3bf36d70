// Per-request metrics of a run as flat rows (one per measured request), the input of the
// DataFrames and of the latency CDFs. Warm-ups are left out; failures stay, marked ok: false.
import { deriveMetrics } from "../stats/metrics";
import type { RequestRecord } from "../types";
import type { RunData } from "./run-dir";

export interface RequestRow {
  model: string;
  promptClass: string;
  index: number;
  ok: boolean;
  errorKind: string | null;
  ttftMs: number | null;
  ttfoMs: number | null;
  tpotMs: number | null;
  e2eMs: number | null;
  outputTokens: number | null;
  decodeTokensPerS: number | null;
  articleTokensPerS: number | null;
}

export function requestRow(model: string, promptClass: string, r: RequestRecord): RequestRow {
  const m = r.ok ? deriveMetrics(r) : null;
  return {
    model, promptClass, index: r.index, ok: r.ok, errorKind: r.errorKind,
    ttftMs: m?.ttftMs ?? null, ttfoMs: m?.ttfoMs ?? null, tpotMs: m?.tpotMs ?? null, e2eMs: m?.e2eMs ?? null,
    outputTokens: m?.outputTokens ?? null, decodeTokensPerS: m?.decodeTokensPerS ?? null, articleTokensPerS: m?.articleTokensPerS ?? null,
  };
}

/** Every measured (non-warm-up) request of the prompt-class runs, model by model. */
export function requestRows(run: RunData): RequestRow[] {
  const rows: RequestRow[] = [];
  for (const m of run.models) {
    for (const [cls, records] of Object.entries(m.requests)) {
      for (const r of records) if (!r.isWarmup) rows.push(requestRow(m.model, cls, r));
    }
  }
  return rows;
}

type NumericKey = "ttftMs" | "ttfoMs" | "tpotMs" | "e2eMs" | "decodeTokensPerS";

/** One metric's values among successful rows matching a model (and prompt class, if given). */
export function valuesOf(rows: RequestRow[], key: NumericKey, model: string, promptClass?: string): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const v = r[key];
    if (r.ok && v !== null && r.model === model && (promptClass === undefined || r.promptClass === promptClass)) out.push(v);
  }
  return out;
}

/** One metric over the successful, non-warm-up records of a run (e.g. the TTFTs of a bench for a CDF). */
export function measuredValues(records: RequestRecord[], key: NumericKey): number[] {
  const out: number[] = [];
  for (const r of records) {
    if (r.isWarmup || !r.ok) continue;
    const v = requestRow("", "", r)[key];
    if (v !== null) out.push(v);
  }
  return out;
}
