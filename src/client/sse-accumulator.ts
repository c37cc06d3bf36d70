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

export class SseAccumulator {
  readonly chunkMs: number[] = [];
  private codes: string[] = [];
  private pending = "";
  /** Length of the blank-line separator found by the last findEventEnd(). */
  private sepLen = 2;
  done = false;
  finishReason: string | null = null;
  promptTokens: number | null = null;
  completionTokens: number | null = null;
  text = "";
  reasoningText = "";
  errorKind: ErrorKind | null = null;
  error: string | null = null;

  /** Feed one network buffer that arrived at tMs (offset from send). Returns false once the stream must stop. */
  push(data: string, tMs: number): boolean {
    this.pending += data;
    for (;;) {
      const end = this.findEventEnd();
      if (end < 0) break;
      const raw = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + this.sepLen);
      if (!this.handleEvent(raw, tMs)) return false;
    }
    return true;
  }

  /** The connection ended; a trailing event without its blank line is accepted if it is complete. */
  finish(tMs: number): void {
    const rest = this.pending.trim();
    this.pending = "";
    if (rest && !this.done && this.errorKind === null) this.handleEvent(rest, tMs);
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

  // Events end at a blank line: "\n\n" (vLLM) or "\r\n\r\n" (other servers).
  private findEventEnd(): number {
    const lf = this.pending.indexOf("\n\n");
    const crlf = this.pending.indexOf("\r\n\r\n");
    if (crlf >= 0 && (lf < 0 || crlf < lf)) {
      this.sepLen = 4;
      return crlf;
    }
    this.sepLen = 2;
    return lf;
  }

  private fail(kind: ErrorKind, message: string): false {
    this.errorKind = kind;
    this.error = message;
    return false;
  }

  private handleEvent(raw: string, tMs: number): boolean {
    let payload = "";
    for (const line of raw.split(/\r?\n/)) {
      if (line === "" || line.startsWith(":")) continue; // comments / keep-alive pings
      if (line.startsWith("data:")) payload += (payload ? "\n" : "") + line.slice(line[5] === " " ? 6 : 5);
      else if (/^(event|id|retry):/.test(line)) continue;
      else return this.fail("malformed-sse", `malformed SSE line: ${JSON.stringify(line.slice(0, 80))}`);
    }
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
