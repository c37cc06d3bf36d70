// Per-request metrics and run aggregates, derived only from RequestRecords. Definitions (issue 3):
//  TTFT = first event carrying generated text (content or reasoning; a role-only chunk is not text);
//  TTFO = first answer (content) event; ITL = gaps between text-bearing events;
//  E2E = send → last text-bearing event (the usage trailer does not count);
//  TPOT = (E2E − TTFT)/(tokens − 1); decode tok/s = (tokens − 1)/(E2E − TTFT);
//  the article's tokens/(E2E − TTFT) is kept as articleTokensPerS.
import type { BenchDocument, ErrorCount, RequestMetrics, RequestRecord, Summary } from "../types";
import { percentileSorted, summarize } from "./summary";

const TOKEN = new Set(["c", "r", "b"]);
const CONTENT = new Set(["c", "b"]);

export function deriveMetrics(record: RequestRecord): RequestMetrics {
  const queueDelayMs = record.sentMs - record.scheduledMs;
  const times: number[] = [];
  let ttfoMs: number | null = null;
  for (let i = 0; i < record.chunkCodes.length; i++) {
    const code = record.chunkCodes[i] as string;
    if (!TOKEN.has(code)) continue;
    const t = record.chunkMs[i] as number;
    times.push(t);
    if (ttfoMs === null && CONTENT.has(code)) ttfoMs = t;
  }
  const itlMs: number[] = [];
  for (let i = 1; i < times.length; i++) itlMs.push((times[i] as number) - (times[i - 1] as number));
  const ttftMs = times.length ? (times[0] as number) : null;
  const e2eMs = times.length ? (times[times.length - 1] as number) : null;
  const tokens = record.outputTokens;
  let tpotMs: number | null = null;
  let decodeTokensPerS: number | null = null;
  let articleTokensPerS: number | null = null;
  if (ttftMs !== null && e2eMs !== null && tokens !== null) {
    const decodeMs = e2eMs - ttftMs;
    if (tokens > 1) tpotMs = decodeMs / (tokens - 1);
    if (tokens > 1 && decodeMs > 0) decodeTokensPerS = ((tokens - 1) * 1000) / decodeMs;
    if (decodeMs > 0) articleTokensPerS = (tokens * 1000) / decodeMs;
  }
  return { ttftMs, ttfoMs, e2eMs, tpotMs, itlMs, outputTokens: tokens, decodeTokensPerS, articleTokensPerS, queueDelayMs };
}

/** Metric names an SLO or a summary can refer to. */
export type LatencyMetric = "ttft" | "ttfo" | "tpot" | "itl" | "e2e";

/** Values of one latency metric across records (ITL flattened over every request, as vLLM does). */
export function metricValues(metrics: readonly RequestMetrics[], metric: LatencyMetric): number[] {
  if (metric === "itl") return metrics.flatMap((m) => m.itlMs);
  const key = ({ ttft: "ttftMs", ttfo: "ttfoMs", tpot: "tpotMs", e2e: "e2eMs" } as const)[metric];
  const out: number[] = [];
  for (const m of metrics) {
    const v = m[key];
    if (v !== null) out.push(v);
  }
  return out;
}

/** A statistic of a list: "mean" or "pNN" (any percentile, linear interpolation). Null when empty. */
export function statistic(values: readonly number[], stat: string): number | null {
  if (values.length === 0) return null;
  if (stat === "mean") return values.reduce((a, b) => a + b, 0) / values.length;
  const p = Number(stat.slice(1));
  return percentileSorted([...values].sort((a, b) => a - b), p);
}

export interface RecordsSummary {
  requests: BenchDocument["requests"];
  metrics: BenchDocument["metrics"];
  throughput: BenchDocument["throughput"];
  errors: ErrorCount[];
  /** Extras: the article's tokens/s, client queueing delay, window, token sources. */
  article_tokens_per_s: Summary;
  queue_delay_ms: Summary;
  duration_s: number;
  token_source: { usage: number; tokenizer: number; none: number };
}

function ends(r: RequestRecord): number {
  const last = r.chunkMs.length ? (r.chunkMs[r.chunkMs.length - 1] as number) : 0;
  return r.sentMs + last;
}

/** Aggregates over the measured records (warm-ups excluded from everything). */
export function summarizeRecords(records: readonly RequestRecord[]): RecordsSummary {
  const measured = records.filter((r) => !r.isWarmup);
  const ok = measured.filter((r) => r.ok);
  const ms = ok.map(deriveMetrics);
  // Loops, not Math.min(...xs): runs can hold more records than a call's argument limit.
  let start = Infinity;
  let end = -Infinity;
  for (const r of measured) {
    start = Math.min(start, r.sentMs);
    end = Math.max(end, ends(r));
  }
  const durationS = measured.length ? Math.max(0, end - start) / 1000 : 0;
  let outTokens = 0;
  let inTokens = 0;
  const tokenSource = { usage: 0, tokenizer: 0, none: 0 };
  for (const r of ok) {
    outTokens += r.outputTokens ?? 0;
    inTokens += r.promptTokens ?? 0;
    tokenSource[r.tokenSource ?? "none"] += 1;
  }
  const rate = (n: number): number => (durationS > 0 ? n / durationS : 0);
  const pick = (f: (m: RequestMetrics) => number | null): number[] => ms.map(f).filter((v): v is number => v !== null);
  return {
    requests: { completed: ok.length, failed: measured.length - ok.length },
    metrics: {
      ttft_ms: summarize(metricValues(ms, "ttft")),
      ttfo_ms: summarize(metricValues(ms, "ttfo")),
      tpot_ms: summarize(metricValues(ms, "tpot")),
      itl_ms: summarize(metricValues(ms, "itl")),
      e2e_ms: summarize(metricValues(ms, "e2e")),
      output_tokens: summarize(pick((m) => m.outputTokens)),
      decode_tokens_per_s: summarize(pick((m) => m.decodeTokensPerS)),
    },
    throughput: {
      requests_per_s: rate(ok.length),
      output_tokens_per_s: rate(outTokens),
      total_tokens_per_s: rate(inTokens + outTokens),
    },
    errors: countErrors(measured),
    article_tokens_per_s: summarize(pick((m) => m.articleTokensPerS)),
    queue_delay_ms: summarize(measured.map((r) => r.sentMs - r.scheduledMs)),
    duration_s: durationS,
    token_source: tokenSource,
  };
}

export function countErrors(records: readonly RequestRecord[]): ErrorCount[] {
  const counts = new Map<string, ErrorCount>();
  for (const r of records) {
    if (r.ok || !r.errorKind) continue;
    const message = r.error ?? "";
    const key = `${r.errorKind}\u0000${message}`;
    const c = counts.get(key);
    if (c) c.count += 1;
    else counts.set(key, { kind: r.errorKind, message, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}
