// LLMClient: the TypeScript counterpart of the article's Python class, on the openai SDK. For
// convenience and notebooks, not for timing (streamRequest is the measured path). Failures throw
// ApiError with the server's own message; nothing is printed and swallowed.
import OpenAI from "openai";
import { ApiError } from "../errors";
import { continuationBody, isR1Model, R1_DEFAULT_TEMPERATURE } from "./r1";
import { errorMessageOf } from "./sse-accumulator";
import type { ChatMessage } from "./stream-request";

export const DEFAULT_BASE_URL = "http://localhost:8000/v1";
/** The article's defaults for non-R1 models. */
export const DEFAULT_TEMPERATURE = 0.7;
export const DEFAULT_CHAT_MAX_TOKENS = 2048;

export interface LLMClientOptions {
  baseUrl?: string;
  model: string;
  /** Default: env OPENAI_API_KEY, else "none" (vLLM without --api-key accepts anything). */
  apiKey?: string;
  timeoutS?: number;
  /** SDK retries; 0 by default so a failure shows up instead of being retried away. */
  maxRetries?: number;
}

export interface ChatOptions {
  temperature?: number;
  maxTokens?: number;
  /** Extra request fields (ignore_eos, top_k, …). */
  extraBody?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface ChatResult {
  content: string;
  reasoning: string | null;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
}

export interface StreamDelta {
  content?: string;
  reasoning?: string;
}

interface LooseDelta {
  content?: string | null;
  reasoning?: string | null;
  reasoning_content?: string | null;
}

export class LLMClient {
  readonly baseUrl: string;
  readonly model: string;
  private readonly sdk: OpenAI;

  constructor(options: LLMClientOptions) {
    this.baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
    this.model = options.model;
    this.sdk = new OpenAI({
      baseURL: apiBase(this.baseUrl),
      apiKey: options.apiKey ?? process.env.OPENAI_API_KEY ?? "none",
      timeout: (options.timeoutS ?? 600) * 1000,
      maxRetries: options.maxRetries ?? 0,
      fetch: nestFlatErrors,
    });
  }

  /** The temperature used when a call gives none: 0.6 for R1 models (§8), else the article's 0.7. */
  get defaultTemperature(): number {
    return isR1Model(this.model) ? R1_DEFAULT_TEMPERATURE : DEFAULT_TEMPERATURE;
  }

  private body(messages: readonly ChatMessage[], opts: ChatOptions): Record<string, unknown> {
    return {
      model: this.model,
      messages,
      temperature: opts.temperature ?? this.defaultTemperature,
      max_tokens: opts.maxTokens ?? DEFAULT_CHAT_MAX_TOKENS,
      ...continuationBody(messages),
      ...opts.extraBody,
    };
  }

  async chat(messages: readonly ChatMessage[], opts: ChatOptions = {}): Promise<ChatResult> {
    try {
      const res = await this.sdk.chat.completions.create(
        this.body(messages, opts) as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
        { signal: opts.signal },
      );
      const choice = res.choices[0];
      const msg = (choice?.message ?? {}) as LooseDelta;
      return {
        content: msg.content ?? "",
        reasoning: msg.reasoning ?? msg.reasoning_content ?? null,
        finishReason: choice?.finish_reason ?? null,
        usage: res.usage ? { promptTokens: res.usage.prompt_tokens, completionTokens: res.usage.completion_tokens } : null,
      };
    } catch (err) {
      throw toApiError(err, this.baseUrl);
    }
  }

  /** Deltas as they arrive: {reasoning} (either field name) and/or {content}. */
  async *stream(messages: readonly ChatMessage[], opts: ChatOptions = {}): AsyncGenerator<StreamDelta> {
    let stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>;
    try {
      stream = await this.sdk.chat.completions.create(
        { ...this.body(messages, opts), stream: true } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming,
        { signal: opts.signal },
      );
    } catch (err) {
      throw toApiError(err, this.baseUrl);
    }
    try {
      for await (const chunk of stream) {
        const d = (chunk.choices[0]?.delta ?? {}) as LooseDelta;
        const reasoning = d.reasoning ?? d.reasoning_content ?? "";
        const content = d.content ?? "";
        if (!reasoning && !content) continue;
        yield { ...(reasoning ? { reasoning } : {}), ...(content ? { content } : {}) };
      }
    } catch (err) {
      throw toApiError(err, this.baseUrl);
    }
  }

  /** The article's simple_chat: one user turn (and an optional system prompt) → the answer text. */
  async simpleChat(user: string, system?: string, opts: ChatOptions = {}): Promise<string> {
    const messages: ChatMessage[] = system ? [{ role: "system", content: system }, { role: "user", content: user }] : [{ role: "user", content: user }];
    return (await this.chat(messages, opts)).content;
  }
}

function apiBase(baseUrl: string): string {
  const b = baseUrl.replace(/\/+$/, "");
  return b.endsWith("/v1") ? b : `${b}/v1`;
}

// vLLM before v0.10.1 answered errors flat ({"object":"error","message":…}); the SDK only reads
// the nested shape, so flat bodies are rewritten to keep the server's message.
async function nestFlatErrors(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  if (res.ok) return res;
  const text = await res.text();
  let body: unknown = null;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  const b = body as { error?: unknown; message?: unknown } | null;
  const fixed = b && typeof b === "object" && b.error === undefined && typeof b.message === "string" ? JSON.stringify({ error: b }) : text;
  return new Response(fixed, { status: res.status, statusText: res.statusText, headers: res.headers });
}

export function toApiError(err: unknown, baseUrl: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new ApiError(null, "timeout", `request to ${baseUrl} timed out; raise timeoutS or check the server`, { cause: err });
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = (err as { cause?: { cause?: { code?: string }; code?: string } }).cause;
    const code = cause?.cause?.code ?? cause?.code ?? err.message;
    return new ApiError(null, "connect", `cannot connect to ${baseUrl} (${code}); is the server running?`, { cause: err });
  }
  if (err instanceof OpenAI.APIError) {
    const message = errorMessageOf({ error: err.error }) ?? err.message;
    const status = typeof err.status === "number" ? err.status : null;
    return new ApiError(status, err.type ?? null, status ? `HTTP ${status}: ${message}` : `error in the stream: ${message}`, { cause: err });
  }
  return new ApiError(null, null, err instanceof Error ? err.message : String(err), { cause: err });
}
