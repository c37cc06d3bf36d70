// One measured streaming chat request → RequestRecord. No SDK on the hot path: plain http: goes
// through src/client/raw-http.ts (one shared read buffer, a small HTTP/1.1 state machine), https:
// through node:http. Per network buffer it reads the clock once; per event it pushes a number and
// a code. Never throws: every fault becomes a record with an error kind and the server's message.
import type * as http from "node:http";
import type { ErrorKind, RequestRecord } from "../types";
import { monotonicClock, type Clock } from "./clock";
import { agentFor, apiUrls, requestFn } from "./http-agent";
import { rawRequest, type RawHandlers } from "./raw-http";
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
  /**
   * HTTP stack: "raw" (src/client/raw-http.ts, ≈4× less CPU per chunk; plain http: only) or
   * "node" (node:http). Default raw for http:, node for https:.
   */
  transport?: "raw" | "node";
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

interface Target { url: URL; host: string; port: number; path: string; raw: boolean }
const targets = new Map<string, Target>();

/** The parsed chat URL of a base URL, cached (no URL parsing per request). */
function targetFor(baseUrl: string): Target {
  let t = targets.get(baseUrl);
  if (!t) {
    const url = new URL(`${apiUrls(baseUrl).api}/chat/completions`);
    t = { url, host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port || 80), path: url.pathname + url.search, raw: url.protocol === "http:" };
    if (targets.size > 64) targets.clear();
    targets.set(baseUrl, t);
  }
  return t;
}

export function streamRequest(opts: StreamRequestOptions): Promise<RequestRecord> {
  return new Promise<RequestRecord>((resolve) => { new StreamCall(opts, resolve).start(); });
}

// Timer callbacks get the call as an argument: no closure per request.
function onTotalTimeout(call: StreamCall): void {
  const timeoutMs = call.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  call.abortWith("timeout", `request took longer than ${timeoutMs / 1000} s (--timeout)`);
}
// One timer per stall period, not per chunk: when it fires it checks the time since the last data.
function onStallCheck(call: StreamCall): void {
  const limit = call.opts.stallTimeoutMs as number;
  const idleMs = call.clock() - call.sentAt - call.lastDataMs;
  if (idleMs >= limit) call.abortWith("stall", `no data for ${limit} ms (stall limit)`);
  else call.stallTimer = setTimeout(onStallCheck, limit - idleMs, call);
}

/**
 * One request in flight. A class with methods rather than a nest of closures: thousands are in
 * flight at once and each lives for the whole stream, so every per-request allocation survives
 * young-generation GCs (whose pauses land in the timestamps). It is also the raw transport's handler.
 */
class StreamCall implements RawHandlers {
  readonly clock: Clock;
  readonly acc = new SseAccumulator();
  readonly runStartMs: number;
  readonly sentAt: number;
  status: number | null = null;
  lastDataMs = 0;
  stallTimer: NodeJS.Timeout | undefined;
  private totalTimer: NodeJS.Timeout | undefined;
  private settled = false;
  private ok = false;
  private errBody = "";
  private errChunks: Buffer[] | null = null;
  private errBytes = 0;
  private req: { destroy(): void } | null = null;
  private readonly target: Target;

  constructor(readonly opts: StreamRequestOptions, private readonly resolve: (r: RequestRecord) => void) {
    this.clock = opts.clock ?? monotonicClock;
    this.target = targetFor(opts.baseUrl);
    this.runStartMs = opts.runStartMs ?? this.clock();
    this.sentAt = this.clock();
  }

  start(): void {
    const opts = this.opts;
    const payload = JSON.stringify(chatBody(opts));
    this.totalTimer = setTimeout(onTotalTimeout, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, this);
    // Already aborted: nothing is sent.
    if (opts.signal?.aborted) return this.finish("disconnect", "aborted by the client");
    opts.signal?.addEventListener("abort", this, { once: true });
    const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
    if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
    const t = this.target;
    if ((opts.transport ?? (t.raw ? "raw" : "node")) === "raw" && t.raw) {
      this.req = rawRequest({ host: t.host, port: t.port, method: "POST", path: t.path, headers, body: payload }, this);
    } else {
      this.req = this.nodeRequest(headers, payload);
    }
    if (opts.stallTimeoutMs) this.stallTimer = setTimeout(onStallCheck, opts.stallTimeoutMs, this);
  }

  /** The abort signal fired (EventListener object: no closure). */
  handleEvent(): void {
    this.abortWith("disconnect", "aborted by the client");
  }

  finish(kind: ErrorKind | null, message: string | null): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.totalTimer);
    clearTimeout(this.stallTimer);
    this.opts.signal?.removeEventListener("abort", this);
    this.resolve(buildRecord(this.opts, this.acc, this.status, this.runStartMs, this.sentAt, kind, message));
  }

  abortWith(kind: ErrorKind, message: string): void {
    this.finish(kind, message);
    this.req?.destroy();
  }

  // The hot path: per network buffer one clock reading, then the accumulator.
  private onData(d: Buffer, start: number, end: number): void {
    const t = this.clock() - this.sentAt;
    this.lastDataMs = t;
    const acc = this.acc;
    if (!acc.push(d, t, start, end)) this.abortWith(acc.errorKind ?? "malformed-sse", acc.error ?? "bad stream");
    else if (acc.done) this.finish(null, null);
  }

  private onEnd(): void {
    const acc = this.acc;
    acc.finish(this.clock() - this.sentAt);
    if (acc.errorKind) return this.finish(acc.errorKind, acc.error);
    if (acc.done || acc.finishReason !== null) return this.finish(null, null);
    this.finish("disconnect", "the server closed the stream before [DONE]");
  }

  private onHttpError(): void {
    this.finish("http", httpErrorMessage(this.status as number, this.errBody));
  }

  // RawHandlers (src/client/raw-http.ts)
  head(status: number): void {
    this.status = status;
    this.ok = status >= 200 && status < 300;
  }

  body(buf: Buffer, start: number, end: number): void {
    if (this.ok) return this.onData(buf, start, end);
    if (this.errBytes >= 65536) return;
    (this.errChunks ??= []).push(Buffer.from(buf.subarray(start, end)));
    this.errBytes += end - start;
  }

  end(): void {
    if (this.ok) return this.onEnd();
    this.errBody = this.errChunks ? Buffer.concat(this.errChunks).toString("utf8") : "";
    this.onHttpError();
  }

  error(phase: "connect" | "closed" | "broken", code: string, message: string): void {
    if (phase === "connect") return this.finish("connect", `cannot connect to ${this.target.url.origin}: ${code}`);
    if (!this.ok) return this.end();
    if (phase === "closed") return this.finish("disconnect", message);
    this.finish("disconnect", `the connection broke mid-stream: ${code}`);
  }

  private nodeRequest(headers: Record<string, string>, payload: string): http.ClientRequest {
    const url = this.target.url;
    const req = requestFn(url)(url, {
      method: "POST",
      agent: agentFor(url),
      headers: { ...headers, "content-length": Buffer.byteLength(payload) },
    }, (res) => {
      this.status = res.statusCode ?? 0;
      if (this.status < 200 || this.status >= 300) {
        res.setEncoding("utf8");
        res.on("data", (d: string) => { if (this.errBody.length < 65536) this.errBody += d; });
        res.on("end", () => this.onHttpError());
        res.on("error", () => this.onHttpError());
        return;
      }
      // Buffers, not strings: the accumulator decodes whole events (UTF-8 split across buffers is safe).
      res.on("data", (d: Buffer) => this.onData(d, 0, d.length));
      res.on("end", () => this.onEnd());
      res.on("aborted", () => this.finish("disconnect", "the server closed the connection mid-stream"));
      res.on("error", (e) => this.finish("disconnect", `the connection broke mid-stream: ${e.message}`));
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (this.status === null) this.finish("connect", `cannot connect to ${url.origin}: ${e.code ?? e.message}`);
      else this.finish("disconnect", `the connection broke mid-stream: ${e.code ?? e.message}`);
    });
    req.end(payload);
    return req;
  }
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
