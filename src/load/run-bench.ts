// One benchmark run: optional server check, warm-ups (recorded, flagged, excluded), then the
// measured requests — sequential (concurrency 1), closed loop at a fixed concurrency, or open loop
// at a request rate with an optional concurrency cap. Every record goes to onRecord and, with
// outDir, to requests.jsonl the moment it finishes. Returns values; prints nothing.
import { setMaxListeners } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { UsageError } from "../errors";
import type { BenchDocument, RequestRecord } from "../types";
import { monotonicClock, type Clock } from "../client/clock";
import { streamRequest } from "../client/stream-request";
import type { SampleRequest } from "../datasets/prompts";
import { loadTokenizer } from "../tokenize/index";
import { createRecordWriter, type RecordWriter } from "../record/jsonl";
import { buildMetadata, type ServerInfo } from "../record/meta";
import { deriveMetrics, summarizeRecords } from "../stats/metrics";
import { sleep } from "../util/sleep";
import { planSendOffsetsMs } from "./arrivals";
import { checkServer as checkServerFn } from "./server-check";
import { parseSlo, requestMeetsSlo, type Slo } from "./slo";

export const DEFAULT_MAX_TOKENS = 256;
export const DEFAULT_TIMEOUT_S = 300;
/** The limit for the client's own event-loop lag and queueing delay (p99). */
export const CLIENT_OVERHEAD_WARN_MS = 1;

export interface RunBenchOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  prompts: SampleRequest[];
  /** Measured requests (or, with untilCompleted, successful ones to collect). */
  requests: number;
  warmup?: number;
  /** Closed loop at this many in flight; with requestRate it is a cap. Default 1 (sequential). */
  concurrency?: number;
  /** Open loop: requests per second (Infinity = all at once). */
  requestRate?: number;
  /** Gamma shape of the arrival gaps: 1 Poisson, < 1 burstier, Infinity constant. */
  burstiness?: number;
  seed?: number;
  /** Stop sending after this many seconds of the measured phase. */
  durationS?: number;
  maxTokens?: number;
  ignoreEos?: boolean;
  temperature?: number;
  extraBody?: Record<string, unknown>;
  timeoutS?: number;
  /** Longest gap between events before a request counts as stalled. Default: no limit besides timeoutS. */
  stallTimeoutS?: number;
  outDir?: string;
  /** Record group; default the prompt's id. */
  group?: string;
  /** Closed loop only: keep sending until `requests` succeeded (at most 2× `requests` attempts). */
  untilCompleted?: boolean;
  keepText?: boolean;
  onRecord?: (record: RequestRecord) => void;
  /** Abort: stop sending; requests in flight finish (bounded by their timeout); every record kept. */
  signal?: AbortSignal;
  /** Abort the requests in flight too (their records say "aborted by the client"). */
  hardSignal?: AbortSignal;
  /** Check /v1/models before the run (default true). */
  checkServer?: boolean;
  /** For goodput and the document's SLO fields. */
  slo?: Slo | string;
  clock?: Clock;
  /** Output-token counter when the server sends no usage; default the model's tokenizer. */
  countTokens?: (text: string) => number;
  /** Index of the first record (continues numbering across the levels of a search). */
  firstIndex?: number;
  /** Shared writer (max-concurrency writes every level to one file). */
  writer?: RecordWriter;
  /** Metadata extras (the CLI's command line parameters). */
  command?: string;
}

export interface ClientOverhead {
  event_loop_lag_ms: { p50: number; p99: number; max: number };
  queue_delay_ms: { p50: number | null; p99: number | null; max: number | null };
}

export interface RunBenchResult {
  document: BenchDocument;
  records: RequestRecord[];
}

function positiveInt(name: string, v: number | undefined, allowZero = false): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new UsageError(`${name} must be ${allowZero ? "a non-negative" : "a positive"} integer, got ${JSON.stringify(v)}`);
  }
}

function positiveNumber(name: string, v: number | undefined): void {
  if (v === undefined) return;
  if (!(typeof v === "number" && v > 0)) throw new UsageError(`${name} must be a number > 0, got ${JSON.stringify(v)}`);
}

export function validateRunOptions(o: RunBenchOptions): void {
  if (!o.prompts || o.prompts.length === 0) throw new UsageError("no prompts to send; give --prompt or --prompt-set");
  positiveInt("requests", o.requests);
  positiveInt("warmup", o.warmup, true);
  positiveInt("concurrency", o.concurrency);
  positiveInt("maxTokens", o.maxTokens);
  positiveNumber("requestRate", o.requestRate);
  positiveNumber("burstiness", o.burstiness);
  positiveNumber("timeoutS", o.timeoutS);
  positiveNumber("stallTimeoutS", o.stallTimeoutS);
  positiveNumber("durationS", o.durationS);
  try {
    new URL(o.baseUrl);
  } catch {
    throw new UsageError(`base URL ${JSON.stringify(o.baseUrl)} is not a URL; use e.g. http://127.0.0.1:8000/v1`);
  }
}

export async function runBench(options: RunBenchOptions): Promise<RunBenchResult> {
  validateRunOptions(options);
  const o = options;
  const clock = o.clock ?? monotonicClock;
  const slo = typeof o.slo === "string" ? parseSlo(o.slo) : o.slo;
  const startedAt = new Date().toISOString();
  const server: ServerInfo | null = o.checkServer === false ? null : await checkServerFn(o.baseUrl, o.model, o.apiKey);
  const ownWriter = !o.writer && o.outDir ? createRecordWriter(path.join(o.outDir, "requests.jsonl")) : null;
  const writer = o.writer ?? ownWriter;
  const parameters = runParameters(o, slo);
  const writeMeta = (endedAt: string | null): void => {
    if (!o.outDir) return;
    const meta = buildMetadata({ command: o.command ?? "bench", baseUrl: o.baseUrl, model: o.model, server, parameters, startedAt, endedAt });
    fs.writeFileSync(path.join(o.outDir, "metadata.json"), `${JSON.stringify(meta, null, 2)}\n`);
  };
  writeMeta(null);

  // Loaded before the run (≈0.3 s once per process), so a server without usage never stalls the hot path.
  const countTokens = o.countTokens ?? ((): ((text: string) => number) => {
    const tok = loadTokenizer(o.model);
    return (text) => tok.encode(text).length;
  })();
  const records: RequestRecord[] = [];
  const concurrency = o.concurrency ?? 1;
  const runStartMs = clock();
  let nextIndex = o.firstIndex ?? 0;
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });

  const send = async (prompt: SampleRequest, isWarmup: boolean, scheduledMs: number): Promise<RequestRecord> => {
    const record = await streamRequest({
      baseUrl: o.baseUrl, model: o.model, apiKey: o.apiKey, messages: prompt.messages,
      maxTokens: prompt.maxTokens ?? o.maxTokens ?? DEFAULT_MAX_TOKENS,
      ignoreEos: prompt.ignoreEos ?? o.ignoreEos, temperature: o.temperature, extraBody: o.extraBody,
      timeoutMs: (o.timeoutS ?? DEFAULT_TIMEOUT_S) * 1000,
      stallTimeoutMs: o.stallTimeoutS !== undefined ? o.stallTimeoutS * 1000 : undefined,
      clock, runStartMs, scheduledMs, index: nextIndex++, group: o.group ?? prompt.id, isWarmup,
      concurrency: o.requestRate !== undefined && o.concurrency === undefined ? null : concurrency,
      keepText: o.keepText, countTokens, signal: o.hardSignal,
    });
    records.push(record);
    writer?.append(record);
    o.onRecord?.(record);
    return record;
  };
  // Every request in flight listens on hardSignal; thousands of them are expected, not a leak.
  if (o.hardSignal) setMaxListeners(0, o.hardSignal);
  const stopped = (): boolean => o.signal?.aborted === true || o.hardSignal?.aborted === true;
  const pickPrompt = (i: number): SampleRequest => o.prompts[i % o.prompts.length] as SampleRequest;

  try {
    // Warm-ups: same prompts and concurrency, flagged and excluded from every metric.
    const warmup = o.warmup ?? 0;
    let w = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, warmup) }, async () => {
      while (w < warmup && !stopped()) {
        const i = w++;
        await send(pickPrompt(i), true, clock() - runStartMs);
      }
    }));

    lag.enable();
    const measuredStartMs = clock() - runStartMs;
    const deadline = o.durationS !== undefined ? measuredStartMs + o.durationS * 1000 : Infinity;
    const expired = (): boolean => stopped() || clock() - runStartMs >= deadline;
    if (o.requestRate !== undefined) {
      await openLoop(o, measuredStartMs, runStartMs, clock, expired, pickPrompt, send);
    } else {
      const maxAttempts = o.untilCompleted ? o.requests * 2 : o.requests;
      let attempts = 0;
      let succeeded = 0;
      let inFlight = 0;
      const more = (): boolean => attempts < maxAttempts && (o.untilCompleted ? succeeded + inFlight < o.requests : true) && !expired();
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (more()) {
          const i = attempts++;
          inFlight++;
          // Closed loop: due the moment a slot frees, so the queue delay is the client's own overhead.
          const r = await send(pickPrompt(i), false, clock() - runStartMs);
          inFlight--;
          if (r.ok) succeeded++;
        }
      }));
    }
  } finally {
    lag.disable();
    if (ownWriter) await ownWriter.close();
    else await writer?.flush();
  }

  const document = buildBenchDocument(o, records, slo, lagSummary(lag), { startedAt, endedAt: new Date().toISOString(), interrupted: stopped(), parameters });
  if (o.outDir) {
    fs.writeFileSync(path.join(o.outDir, "summary.json"), `${JSON.stringify(document, null, 2)}\n`);
    writeMeta(document.ended_at as string);
  }
  return { document, records };
}

async function openLoop(
  o: RunBenchOptions, measuredStartMs: number, runStartMs: number, clock: Clock, expired: () => boolean,
  pickPrompt: (i: number) => SampleRequest, send: (p: SampleRequest, w: boolean, s: number) => Promise<RequestRecord>,
): Promise<void> {
  const offsets = planSendOffsetsMs(o.requests, o.requestRate as number, o.burstiness ?? 1, o.seed ?? 0);
  const cap = o.concurrency ?? Infinity;
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const pending: Array<Promise<RequestRecord>> = [];
  for (let i = 0; i < offsets.length; i++) {
    const scheduledMs = measuredStartMs + (offsets[i] as number);
    await waitUntil(() => clock() - runStartMs, scheduledMs);
    if (expired()) break;
    // The cap's wait is client queueing: recorded as sentMs − scheduledMs, never inside TTFT.
    while (inFlight >= cap) await new Promise<void>((r) => waiters.push(r));
    inFlight++;
    pending.push(send(pickPrompt(i), false, scheduledMs).finally(() => {
      inFlight--;
      waiters.shift()?.();
    }));
  }
  await Promise.all(pending);
}

/** Timers fire on a millisecond loop clock (early or late by up to ~1 ms); the rest is yielded away. */
const SPIN_MS = 2;

// Sleeps to ~2 ms before the target, then yields with setImmediate (I/O keeps flowing) until it.
async function waitUntil(now: () => number, targetMs: number): Promise<void> {
  const coarse = targetMs - now() - SPIN_MS;
  if (coarse > 0) await sleep(coarse);
  while (now() < targetMs) await new Promise<void>((resolve) => setImmediate(resolve));
}

const LAG_RESOLUTION_MS = 5;

// The histogram holds whole timer intervals; the lag is what exceeds the requested interval.
function lagSummary(h: ReturnType<typeof monitorEventLoopDelay>): ClientOverhead["event_loop_lag_ms"] {
  if (h.count === 0) return { p50: 0, p99: 0, max: 0 };
  const lagMs = (ns: number): number => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
  return { p50: lagMs(h.percentile(50)), p99: lagMs(h.percentile(99)), max: lagMs(h.max) };
}

function runParameters(o: RunBenchOptions, slo: Slo | undefined): Record<string, unknown> {
  return {
    requests: o.requests, warmup: o.warmup ?? 0, concurrency: o.concurrency ?? (o.requestRate !== undefined ? null : 1),
    request_rate: o.requestRate ?? null, burstiness: o.burstiness ?? (o.requestRate !== undefined ? 1 : null), seed: o.seed ?? 0,
    duration_s: o.durationS ?? null, max_tokens: o.maxTokens ?? DEFAULT_MAX_TOKENS, ignore_eos: o.ignoreEos ?? false,
    temperature: o.temperature ?? null, timeout_s: o.timeoutS ?? DEFAULT_TIMEOUT_S, stall_timeout_s: o.stallTimeoutS ?? null,
    until_completed: o.untilCompleted ?? false, prompts: o.prompts.map((p) => p.id), slo: slo?.text ?? null,
  };
}

export function buildBenchDocument(
  o: Pick<RunBenchOptions, "model" | "baseUrl">, records: RequestRecord[], slo: Slo | undefined,
  lag: ClientOverhead["event_loop_lag_ms"], extra: { startedAt: string; endedAt: string; interrupted: boolean; parameters: Record<string, unknown> },
): BenchDocument {
  const s = summarizeRecords(records);
  const client: ClientOverhead = {
    event_loop_lag_ms: lag,
    queue_delay_ms: { p50: s.queue_delay_ms.p50, p99: s.queue_delay_ms.p99, max: s.queue_delay_ms.max },
  };
  const warnings: string[] = [];
  if (lag.p99 > CLIENT_OVERHEAD_WARN_MS) warnings.push(`client event-loop lag p99 ${lag.p99.toFixed(2)} ms > ${CLIENT_OVERHEAD_WARN_MS} ms: the client may be adding latency; lower the concurrency or use more client processes`);
  if ((s.queue_delay_ms.p99 ?? 0) > CLIENT_OVERHEAD_WARN_MS) warnings.push(`client queueing delay p99 ${(s.queue_delay_ms.p99 as number).toFixed(2)} ms > ${CLIENT_OVERHEAD_WARN_MS} ms: requests were sent later than scheduled (concurrency cap or a busy client)`);
  let goodput: Record<string, unknown> | null = null;
  if (slo) {
    const good = records.filter((r) => !r.isWarmup && r.ok && requestMeetsSlo(slo, deriveMetrics(r))).length;
    goodput = { slo: slo.text, definition: slo.definition, requests: good, requests_per_s: s.duration_s > 0 ? good / s.duration_s : 0 };
  }
  return {
    schema: "latency-lab/bench@1",
    model: o.model,
    base_url: o.baseUrl,
    requests: s.requests,
    metrics: s.metrics,
    throughput: s.throughput,
    errors: s.errors,
    article_tokens_per_s: s.article_tokens_per_s,
    queue_delay_ms: s.queue_delay_ms,
    duration_s: s.duration_s,
    token_source: s.token_source,
    warmup_requests: records.filter((r) => r.isWarmup).length,
    goodput,
    client,
    warnings,
    interrupted: extra.interrupted,
    started_at: extra.startedAt,
    ended_at: extra.endedAt,
    parameters: extra.parameters,
    definitions: METRIC_DEFINITIONS,
  };
}

/** Stated in every document, so a reader never has to guess what a number means. */
export const METRIC_DEFINITIONS = {
  ttft_ms: "send → first chunk carrying generated text (content or reasoning/reasoning_content); role-only chunks excluded",
  ttfo_ms: "send → first chunk carrying answer text (content)",
  itl_ms: "gaps between consecutive text-bearing chunks, all requests pooled (a chunk may hold several tokens)",
  e2e_ms: "send → last text-bearing chunk (the usage trailer excluded)",
  tpot_ms: "(e2e − ttft) / (output_tokens − 1), per request",
  decode_tokens_per_s: "(output_tokens − 1) / (e2e − ttft), per request; the article's output_tokens / (e2e − ttft) is article_tokens_per_s",
  output_tokens: "server usage.completion_tokens (reasoning included); the model's tokenizer when the server sent no usage (token_source)",
  throughput: "over the measured window: first measured send → last measured event; warm-ups excluded",
} as const;
