// Request validation and token accounting for the OpenAI endpoints, with vLLM's error texts
// (vllm-surface.md §5). Pure: returns either a normalized request or an ApiFailure.
import { loadTokenizer } from "../tokenize/index";
import { pyRepr } from "./boot";
import type { ModelProfile } from "./profiles";

export interface ApiFailure {
  status: number;
  type: string;
  message: string;
  param: string | null;
}

export interface NormalizedRequest {
  kind: "chat" | "completion";
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
  promptTokens: number;
  promptIds: number[];
  /** Text the language of the output follows (the last user message, or the prompt). */
  languageHint: string;
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  temperature: number | null;
  seed: number | null;
  includeReasoning: boolean;
}

const badRequest = (message: string, param: string | null): ApiFailure => ({ status: 400, type: "BadRequestError", message, param });
/** FastAPI RequestValidationError: type is the HTTP phrase and the message is the error list's repr. */
const schemaError = (errors: Array<Record<string, unknown>>): ApiFailure => ({ status: 400, type: "Bad Request", message: pyRepr(errors).replace(/'loc': \[([^\],]*)\]/g, "'loc': ($1,)").replace(/'loc': \[([^\]]*)\]/g, "'loc': ($1)"), param: null });

export const JSON_DECODE_ERROR = schemaError([{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {}, ctx: { error: "Expecting value" } }]);
export const UNSUPPORTED_MEDIA = { status: 400, type: "Bad Request", message: `["Unsupported Media Type: Only 'application/json' is allowed"]`, param: null } satisfies ApiFailure;

/** Python float repr: -1 → "-1.0". */
function pyFloat(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (Array.isArray(content)) {
    return content.map((p) => (p && typeof p === "object" && (p as { type?: unknown }).type === "text" ? String((p as { text?: unknown }).text ?? "") : "")).join("");
  }
  return null;
}

// Stand-in ids for chat-template special tokens, so prefix hashes see the template too.
const TEMPLATE_ID = -1;

export function normalizeRequest(kind: "chat" | "completion", body: unknown, model: ModelProfile, maxModelLen: number): NormalizedRequest | ApiFailure {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return schemaError([{ type: "model_attributes_type", loc: ["body"], msg: "Input should be a valid dictionary or object to extract fields from", input: body }]);
  }
  const b = body as Record<string, unknown>;
  const tok = loadTokenizer(model.id);
  let promptIds: number[] = [];
  let languageHint = "";
  if (kind === "chat") {
    if (!Array.isArray(b.messages)) {
      return schemaError([{ type: b.messages === undefined ? "missing" : "list_type", loc: ["body", "messages"], msg: b.messages === undefined ? "Field required" : "Input should be a valid list", input: b.messages === undefined ? b : b.messages }]);
    }
    const t = model.chat_template_tokens;
    promptIds = Array.from({ length: t.fixed }, () => TEMPLATE_ID);
    for (const [i, m] of b.messages.entries()) {
      const text = m && typeof m === "object" ? contentText((m as { content?: unknown }).content) : null;
      if (text === null) return schemaError([{ type: "string_type", loc: ["body", "messages", i, "content"], msg: "Input should be a valid string", input: m }]);
      for (let k = 0; k < t.per_message; k++) promptIds.push(TEMPLATE_ID);
      promptIds.push(...tok.encode(text));
      if ((m as { role?: unknown }).role === "user") languageHint = text;
    }
  } else {
    const p = b.prompt;
    if (typeof p === "string") {
      promptIds = [...Array.from({ length: model.bos_tokens }, () => TEMPLATE_ID), ...tok.encode(p)];
      languageHint = p;
    } else if (Array.isArray(p) && p.every(isInt)) promptIds = p as number[];
    else if (Array.isArray(p) && p.length === 1 && typeof p[0] === "string") {
      promptIds = [...Array.from({ length: model.bos_tokens }, () => TEMPLATE_ID), ...tok.encode(p[0])];
      languageHint = p[0];
    } else {
      return schemaError([{ type: p === undefined ? "missing" : "string_type", loc: ["body", "prompt"], msg: p === undefined ? "Field required" : "Input should be a valid string", input: p === undefined ? b : p }]);
    }
  }
  const stream = b.stream === true;
  if (b.stream !== undefined && b.stream !== null && typeof b.stream !== "boolean") {
    return schemaError([{ type: "bool_parsing", loc: ["body", "stream"], msg: "Input should be a valid boolean", input: b.stream }]);
  }
  const so = b.stream_options as { include_usage?: unknown; continuous_usage_stats?: unknown } | null | undefined;
  if (so && !stream) {
    return schemaError([{ type: "value_error", loc: ["body"], msg: "Value error, Stream options can only be defined when `stream=True`.", input: b, ctx: { error: {} } }]);
  }
  for (const f of ["max_tokens", "max_completion_tokens", "min_tokens", "seed"]) {
    if (b[f] !== undefined && b[f] !== null && !isInt(b[f])) return schemaError([{ type: "int_type", loc: ["body", f], msg: "Input should be a valid integer", input: b[f] }]);
  }
  if (b.temperature !== undefined && b.temperature !== null && typeof b.temperature !== "number") {
    return schemaError([{ type: "float_parsing", loc: ["body", "temperature"], msg: "Input should be a valid number, unable to parse string as a number", input: b.temperature }]);
  }
  const temperature = (b.temperature as number | null | undefined) ?? null;
  if (temperature !== null && temperature < 0) {
    return badRequest(`temperature must be non-negative, got ${pyFloat(temperature)}. (parameter=temperature, value=${pyFloat(temperature)})`, "temperature");
  }
  const maxParam = isInt(b.max_completion_tokens) ? "max_completion_tokens" : "max_tokens";
  const requested = (b.max_completion_tokens as number | undefined) ?? (b.max_tokens as number | undefined) ?? null;
  const promptTokens = promptIds.length;
  if (requested !== null && requested < 1) return badRequest(`max_tokens must be at least 1, got ${requested}. (parameter=${maxParam}, value=${requested})`, maxParam);
  if (requested !== null && requested > maxModelLen) {
    return badRequest(`${maxParam}=${requested} cannot be greater than max_model_len=max_total_tokens=${maxModelLen}. Please request fewer output tokens. (parameter=${maxParam}, value=${requested})`, maxParam);
  }
  const wanted = requested ?? (kind === "completion" ? 16 : 0);
  if (promptTokens + wanted > maxModelLen || promptTokens >= maxModelLen) {
    return badRequest(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${wanted} output tokens and your prompt contains ${promptTokens} input tokens, for a total of ${promptTokens + wanted} tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=${promptTokens})`,
      "input_tokens",
    );
  }
  const maxTokens = requested ?? (kind === "completion" ? 16 : maxModelLen - promptTokens);
  const minTokens = (b.min_tokens as number | undefined) ?? 0;
  if (minTokens < 0) return badRequest(`min_tokens must be greater than or equal to 0, got ${minTokens}. (parameter=min_tokens, value=${minTokens})`, "min_tokens");
  if (minTokens > maxTokens) return badRequest(`min_tokens must be less than or equal to max_tokens=${maxTokens}, got ${minTokens}. (parameter=min_tokens, value=${minTokens})`, "min_tokens");
  return {
    kind,
    stream,
    includeUsage: Boolean(so?.include_usage),
    continuousUsage: Boolean(so?.include_usage) && Boolean(so?.continuous_usage_stats),
    promptTokens,
    promptIds,
    languageHint,
    maxTokens,
    minTokens,
    ignoreEos: b.ignore_eos === true,
    temperature,
    seed: (b.seed as number | undefined) ?? null,
    includeReasoning: b.include_reasoning !== false,
  };
}

export function isFailure(x: NormalizedRequest | ApiFailure): x is ApiFailure {
  return (x as ApiFailure).status !== undefined;
}
