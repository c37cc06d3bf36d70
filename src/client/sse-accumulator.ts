// Turns the bytes of one OpenAI-style SSE stream into the raw facts of a RequestRecord. Pure and
// clock-free: the caller passes the arrival time with every buffer, so tests script both.
// Per buffer we keep one timestamp; per event we parse the JSON once and push a number + a code.
import type { ChunkCode, ErrorKind } from "../types";

export interface StreamOutcome {
  chunkMs: number[];
  chunkCodes: string;
  done: boolean;
  finishReason: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  text: string;
  reasoningText: string;
  errorKind: ErrorKind | null;
  error: string | null;
}

interface Delta {
  content?: unknown;
  reasoning?: unknown;
  reasoning_content?: unknown;
}

/** The server's message from either vLLM error shape: nested {error:{message}} or flat {message}. */
export function errorMessageOf(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const b = body as { error?: unknown; message?: unknown; object?: unknown; detail?: unknown };
  if (b.error && typeof b.error === "object") {
    const m = (b.error as { message?: unknown }).message;
    if (typeof m === "string") return m;
  }
  if (typeof b.error === "string") return b.error;
  if (typeof b.message === "string") return b.message;
  if (typeof b.detail === "string") return b.detail;
  return null;
}

function isErrorEvent(obj: Record<string, unknown>): boolean {
  return obj.error !== undefined || obj.object === "error";
}

const LF = 10;
const CR = 13;
const EMPTY = Buffer.alloc(0);

export class SseAccumulator {
  readonly chunkMs: number[] = [];
  private codes: string[] = [];
  /** Bytes of an event whose blank line has not arrived yet (a copy: network buffers are reused). */
  private pending: Buffer = EMPTY;
  done = false;
  finishReason: string | null = null;
  promptTokens: number | null = null;
  completionTokens: number | null = null;
  text = "";
  reasoningText = "";
  errorKind: ErrorKind | null = null;
  error: string | null = null;

  /**
   * Feed one network buffer (or buf[start, end)) that arrived at tMs (offset from send). Bytes are
   * only decoded per complete event, so UTF-8 split across buffers is safe, and the buffer may be
   * reused once this returns. Returns false once the stream must stop.
   */
  push(data: string | Buffer, tMs: number, start = 0, end = -1): boolean {
    let buf: Buffer;
    let i: number;
    let n: number;
    if (typeof data === "string") {
      buf = Buffer.from(data, "utf8");
      i = 0;
      n = buf.length;
    } else {
      buf = data;
      i = start;
      n = end < 0 ? data.length : end;
    }
    if (this.pending.length > 0) {
      buf = Buffer.concat([this.pending, buf.subarray(i, n)]);
      i = 0;
      n = buf.length;
      this.pending = EMPTY;
    }
    // Events end at a blank line: "\n\n" (vLLM) or "\r\n\r\n" (other servers), whichever comes first.
    let from = i;
    for (;;) {
      const lf = buf.indexOf(LF, from);
      if (lf < 0 || lf >= n) break;
      if (lf + 1 >= n) break; // cannot tell yet
      const next = buf[lf + 1] as number;
      if (next === LF) {
        if (!this.handleEvent(buf, i, lf, tMs)) return false;
        i = from = lf + 2;
        continue;
      }
      if (next === CR && lf > i && buf[lf - 1] === CR) {
        if (lf + 2 >= n) break; // "\r\n\r" at the end: wait for the next byte
        if (buf[lf + 2] === LF) {
          if (!this.handleEvent(buf, i, lf - 1, tMs)) return false;
          i = from = lf + 3;
          continue;
        }
      }
      from = lf + 1;
    }
    if (i < n) this.pending = Buffer.from(buf.subarray(i, n));
    return true;
  }

  /** The connection ended; a trailing event without its blank line is accepted if it is complete. */
  finish(tMs: number): void {
    const rest = this.pending.toString("utf8").trim();
    this.pending = EMPTY;
    if (rest && !this.done && this.errorKind === null) this.handleLines(rest, tMs);
  }

  get chunkCodes(): string {
    return this.codes.join("");
  }

  outcome(): StreamOutcome {
    return {
      chunkMs: this.chunkMs, chunkCodes: this.chunkCodes, done: this.done, finishReason: this.finishReason,
      promptTokens: this.promptTokens, completionTokens: this.completionTokens, text: this.text,
      reasoningText: this.reasoningText, errorKind: this.errorKind, error: this.error,
    };
  }

  /** The event in buf[s, e). Fast path: one `data:` line, decoded straight from the bytes. */
  private handleEvent(buf: Buffer, s: number, e: number, tMs: number): boolean {
    if (e - s >= 5 && buf[s] === 100 && buf[s + 1] === 97 && buf[s + 2] === 116 && buf[s + 3] === 97 && buf[s + 4] === 58) {
      const nl = buf.indexOf(LF, s);
      if (nl < 0 || nl >= e) return this.handlePayload(buf.toString("utf8", buf[s + 5] === 32 ? s + 6 : s + 5, e), tMs);
    }
    return this.handleLines(buf.toString("utf8", s, e), tMs);
  }

  private fail(kind: ErrorKind, message: string): false {
    this.errorKind = kind;
    this.error = message;
    return false;
  }

  private handleLines(raw: string, tMs: number): boolean {
    let payload = "";
    for (const line of raw.split(/\r?\n/)) {
      if (line === "" || line.startsWith(":")) continue; // comments / keep-alive pings
      if (line.startsWith("data:")) payload += (payload ? "\n" : "") + line.slice(line[5] === " " ? 6 : 5);
      else if (/^(event|id|retry):/.test(line)) continue;
      else return this.fail("malformed-sse", `malformed SSE line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    return this.handlePayload(payload, tMs);
  }

  private handlePayload(payload: string, tMs: number): boolean {
    if (payload === "") return true;
    if (payload === "[DONE]") {
      this.done = true;
      return true;
    }
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      return this.fail("malformed-sse", `malformed SSE event (not JSON): ${JSON.stringify(payload.slice(0, 80))}`);
    }
    if (obj === null || typeof obj !== "object") return this.fail("malformed-sse", `malformed SSE event: ${JSON.stringify(payload.slice(0, 80))}`);
    this.chunkMs.push(tMs);
    if (isErrorEvent(obj)) {
      this.codes.push("e");
      return this.fail("http", `error event in the stream: ${errorMessageOf(obj) ?? payload.slice(0, 200)}`);
    }
    this.codes.push(this.classify(obj));
    return true;
  }

  private classify(obj: Record<string, unknown>): ChunkCode {
    const usage = obj.usage as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined;
    if (usage && typeof usage === "object") {
      if (typeof usage.prompt_tokens === "number") this.promptTokens = usage.prompt_tokens;
      if (typeof usage.completion_tokens === "number") this.completionTokens = usage.completion_tokens;
    }
    const choices = obj.choices as Array<{ delta?: Delta; finish_reason?: unknown; text?: unknown }> | undefined;
    const choice = Array.isArray(choices) ? choices[0] : undefined;
    if (!choice) return usage ? "u" : "n";
    if (typeof choice.finish_reason === "string") this.finishReason = choice.finish_reason;
    const delta = choice.delta ?? {};
    // /v1/completions chunks carry `text` instead of a delta.
    const content = typeof delta.content === "string" ? delta.content : typeof choice.text === "string" ? choice.text : "";
    const reasoning = typeof delta.reasoning === "string" ? delta.reasoning
      : typeof delta.reasoning_content === "string" ? delta.reasoning_content : "";
    if (content) this.text += content;
    if (reasoning) this.reasoningText += reasoning;
    if (content && reasoning) return "b";
    if (content) return "c";
    if (reasoning) return "r";
    return "n";
  }
}
