// Service-level objectives: "tpot:p95<=50ms" (several joined with ","). Metrics ttft|ttfo|tpot|
// itl|e2e; statistic mean or pNN; threshold in ms or s. Parsed once, checked against records.
import { UsageError } from "../errors";
import type { RequestMetrics } from "../types";
import { metricValues, statistic, type LatencyMetric } from "../stats/metrics";

/** The article's "max concurrency (<50 ms latency)" read as a per-token latency objective. */
export const DEFAULT_SLO = "tpot:p95<=50ms";

export interface SloClause {
  metric: LatencyMetric;
  /** "mean" or "pNN" (e.g. "p95", "p99.9"). */
  stat: string;
  /** "<=" or "<". */
  op: "<=" | "<";
  thresholdMs: number;
}

export interface Slo {
  /** Normalised text, e.g. "tpot:p95<=50ms". */
  text: string;
  clauses: SloClause[];
  /** In words, for reports. */
  definition: string;
}

const CLAUSE = /^(ttft|ttfo|tpot|itl|e2e):(mean|p\d+(?:\.\d+)?)(<=|<)(\d+(?:\.\d+)?)(ms|s)$/;
const NAMES: Record<LatencyMetric, string> = {
  ttft: "time to first token", ttfo: "time to first answer token", tpot: "time per output token (after the first)",
  itl: "inter-token latency (gap between text chunks)", e2e: "end-to-end latency",
};

export function parseSlo(spec: string): Slo {
  const parts = spec.split(",").map((s) => s.replace(/\s+/g, "").toLowerCase()).filter(Boolean);
  if (parts.length === 0) throw new UsageError(`invalid --slo ${JSON.stringify(spec)}: empty; use e.g. "tpot:p95<=50ms" (metrics ttft|ttfo|tpot|itl|e2e, stat mean|pNN, unit ms|s; join several with ",")`);
  const clauses = parts.map((part) => {
    const m = CLAUSE.exec(part);
    if (!m) throw new UsageError(`invalid --slo clause ${JSON.stringify(part)}; use METRIC:STAT<=VALUE, e.g. "tpot:p95<=50ms" (metrics ttft|ttfo|tpot|itl|e2e, stat mean|pNN, unit ms|s)`);
    const p = m[2] === "mean" ? 0 : Number((m[2] as string).slice(1));
    if (m[2] !== "mean" && !(p > 0 && p <= 100)) throw new UsageError(`invalid --slo clause ${JSON.stringify(part)}: percentile ${p} must be in (0, 100]`);
    const value = Number(m[4]);
    if (!(value > 0)) throw new UsageError(`invalid --slo clause ${JSON.stringify(part)}: the threshold must be > 0`);
    return { metric: m[1] as LatencyMetric, stat: m[2] as string, op: m[3] as "<=" | "<", thresholdMs: m[5] === "s" ? value * 1000 : value };
  });
  const text = clauses.map(clauseText).join(",");
  const definition = clauses.map((c) => `${c.stat} ${NAMES[c.metric]} ${c.op} ${c.thresholdMs} ms`).join(" and ");
  return { text, clauses, definition };
}

function clauseText(c: SloClause): string {
  return `${c.metric}:${c.stat}${c.op}${c.thresholdMs}ms`;
}

function holds(c: SloClause, value: number | null): boolean {
  if (value === null) return false;
  return c.op === "<=" ? value <= c.thresholdMs : value < c.thresholdMs;
}

export interface SloCheck {
  pass: boolean;
  /** One entry per clause: the measured value (null = no data) and whether it held. */
  clauses: Array<{ clause: string; valueMs: number | null; pass: boolean }>;
}

/** Checks the SLO over the metrics of a set of successful requests. */
export function checkSlo(slo: Slo, metrics: readonly RequestMetrics[]): SloCheck {
  const clauses = slo.clauses.map((c) => {
    const valueMs = statistic(metricValues(metrics, c.metric), c.stat);
    return { clause: clauseText(c), valueMs, pass: holds(c, valueMs) };
  });
  return { pass: clauses.every((c) => c.pass), clauses };
}

/** Whether one request meets every clause on its own (for goodput; ITL uses that request's gaps). */
export function requestMeetsSlo(slo: Slo, m: RequestMetrics): boolean {
  return slo.clauses.every((c) => {
    if (c.metric === "itl") return m.itlMs.length === 0 || holds(c, statistic(m.itlMs, c.stat));
    if (c.metric === "tpot" && m.tpotMs === null && m.outputTokens !== null && m.outputTokens <= 1) return true; // vLLM: 1-token requests count as TPOT 0
    return holds(c, metricValues([m], c.metric)[0] ?? null);
  });
}
