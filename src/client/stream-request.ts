// One measured streaming chat request → RequestRecord. Uses node:http directly (no SDK on the hot
// path); per network buffer it reads the clock once, per event it pushes a number and a code.
// Never throws: every fault becomes a record with an error kind and the server's message.
import type { ErrorKind, RequestRecord } from "../types";
import { monotonicClock, type Clock } from "./clock";
import { agentFor, apiUrls, requestFn } from "./http-agent";
import { SseAccumulator, errorMessageOf } from "./sse-accumulator";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface StreamRequestOptions {
  baseUrl: string;
  model: string;
  messages: ChatMessage[];
  apiKey?: string;
  maxTokens?: number;
  ignoreEos?: boolean;
  temperature?: number;
  /** Merged into the request body last (e.g. {min_tokens: 16}). */
  extraBody?: Record<string, unknown>;
  /** Whole-request limit. */
  timeoutMs?: number;
  /** Longest allowed gap between events (and before the first byte). */
  stallTimeoutMs?: number;
  clock?: Clock;
  /** Clock reading that `scheduledMs`/`sentMs` are offsets from. */
  runStartMs?: number;
  scheduledMs?: number;
  index?: number;
  group?: string;
  isWarmup?: boolean;
  concurrency?: number | null;
  /** Keep the generated text in the record. */
  keepText?: boolean;
  /** Token counter used when the server sends no usage (marks tokenSource "tokenizer"). */
  countTokens?: (text: string) => number;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 300_000;

export function chatBody(opts: StreamRequestOptions): Record<string, unknown> {
  return {
    model: opts.model,
    messages: opts.messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
    ...(opts.ignoreEos ? { ignore_eos: true } : {}),
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    ...opts.extraBody,
  };
}

export function streamRequest(opts: StreamRequestOptions): Promise<RequestRecord> {
  const clock = opts.clock ?? monotonicClock;
  const url = new URL(`${apiUrls(opts.baseUrl).api}/chat/completions`);
  const payload = JSON.stringify(chatBody(opts));
  const acc = new SseAccumulator();
  const runStartMs = opts.runStartMs ?? clock();

  return new Promise<RequestRecord>((resolve) => {
    let status: number | null = null;
    let settled = false;
    let errBody = "";
    let stallTimer: NodeJS.Timeout | undefined;
    const sentAt = clock();

    const finish = (kind: ErrorKind | null, message: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(stallTimer);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(buildRecord(opts, acc, status, runStartMs, sentAt, kind, message));
    };
    const abortWith = (kind: ErrorKind, message: string): void => {
      finish(kind, message);
      req.destroy();
    };
    // One timer per stall period, not per chunk: when it fires it checks the time since the last data.
    let lastDataMs = 0;
    const checkStall = (): void => {
      const limit = opts.stallTimeoutMs as number;
      const idleMs = clock() - sentAt - lastDataMs;
      if (idleMs >= limit) abortWith("stall", `no data for ${limit} ms (stall limit)`);
      else stallTimer = setTimeout(checkStall, limit - idleMs);
    };
    const armStall = (): void => {
      if (opts.stallTimeoutMs) stallTimer = setTimeout(checkStall, opts.stallTimeoutMs);
    };
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const totalTimer = setTimeout(() => abortWith("timeout", `request took longer than ${timeoutMs / 1000} s (--timeout)`), timeoutMs);
    const onAbort = (): void => abortWith("disconnect", "aborted by the client");
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    const req = requestFn(url)(url, {
      method: "POST",
      agent: agentFor(url),
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        "content-length": Buffer.byteLength(payload),
        ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
      },
    }, (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding("utf8"); // decodes UTF-8 split across buffers (Chinese text)
      if (status < 200 || status >= 300) {
        res.on("data", (d: string) => { if (errBody.length < 65536) errBody += d; });
        res.on("end", () => finish("http", httpErrorMessage(status as number, errBody)));
        res.on("error", () => finish("http", httpErrorMessage(status as number, errBody)));
        return;
      }
      res.on("data", (d: string) => {
        const t = clock() - sentAt;
        lastDataMs = t;
        if (!acc.push(d, t)) abortWith(acc.errorKind ?? "malformed-sse", acc.error ?? "bad stream");
        else if (acc.done) finish(null, null);
      });
      res.on("end", () => {
        acc.finish(clock() - sentAt);
        if (acc.errorKind) return finish(acc.errorKind, acc.error);
        if (acc.done || acc.finishReason !== null) return finish(null, null);
        finish("disconnect", "the server closed the stream before [DONE]");
      });
      res.on("aborted", () => finish("disconnect", "the server closed the connection mid-stream"));
      res.on("error", (e) => finish("disconnect", `the connection broke mid-stream: ${e.message}`));
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (status === null) finish("connect", `cannot connect to ${url.origin}: ${e.code ?? e.message}`);
      else finish("disconnect", `the connection broke mid-stream: ${e.code ?? e.message}`);
    });
    if (opts.signal?.aborted) return onAbort();
    armStall();
    req.end(payload);
  });
}

function httpErrorMessage(status: number, text: string): string {
  let body: unknown = null;
  try { body = JSON.parse(text); } catch { /* not JSON: use the text */ }
  const msg = errorMessageOf(body) ?? (text.trim().slice(0, 200) || "(empty body)");
  return `HTTP ${status}: ${msg}`;
}

/** Builds the record from a finished stream (exported for tests that script the bytes and times). */
export function buildRecord(opts: Pick<StreamRequestOptions, "index" | "group" | "isWarmup" | "scheduledMs" | "concurrency" | "keepText" | "countTokens">, acc: SseAccumulator, status: number | null, runStartMs: number, sentAt: number, kind: ErrorKind | null, message: string | null): RequestRecord {
  const codes = acc.chunkCodes;
  const hasToken = /[crb]/.test(codes);
  if (kind === null && !hasToken) {
    kind = "no-tokens";
    message = "the stream ended without any generated text";
  }
  let outputTokens = acc.completionTokens;
  let tokenSource: RequestRecord["tokenSource"] = outputTokens !== null ? "usage" : null;
  if (outputTokens === null && hasToken && opts.countTokens) {
    try {
      outputTokens = opts.countTokens(acc.reasoningText + acc.text);
      tokenSource = "tokenizer";
    } catch {
      outputTokens = null; // a tokenizer failure must not turn a measured request into a crash; TPOT stays null
    }
  }
  const record: RequestRecord = {
    index: opts.index ?? 0,
    group: opts.group ?? "",
    isWarmup: opts.isWarmup ?? false,
    scheduledMs: opts.scheduledMs ?? sentAt - runStartMs,
    sentMs: sentAt - runStartMs,
    chunkMs: acc.chunkMs,
    chunkCodes: codes,
    httpStatus: status,
    ok: kind === null,
    errorKind: kind,
    error: message,
    finishReason: acc.finishReason,
    promptTokens: acc.promptTokens,
    outputTokens,
    tokenSource,
    concurrency: opts.concurrency ?? null,
    contentChars: acc.text.length,
    reasoningChars: acc.reasoningText.length,
  };
  if (opts.keepText) {
    record.text = acc.text;
    record.reasoningText = acc.reasoningText;
  }
  return record;
}
