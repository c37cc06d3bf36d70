// A local OpenAI-compatible SSE server that plays scripted chunk streams for tests: chosen delays,
// error statuses, disconnect mid-stream, malformed SSE, stalls, an error event inside a 200 stream,
// missing usage, reasoning under either field name. Binds 127.0.0.1 on port 0.
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ScriptEvent {
  /** Wait before writing this event (ms). */
  delayMs?: number;
  /** JSON payload, written as `data: <json>\n\n`. */
  data?: unknown;
  /** Raw bytes written as is (for malformed SSE, odd framing). */
  raw?: string;
}

export interface Scenario {
  /** Non-2xx answers with `body` (object → JSON). */
  status?: number;
  body?: unknown;
  events?: ScriptEvent[];
  /** Append `data: [DONE]` (default true). */
  done?: boolean;
  /** Destroy the socket after the events (a server dying mid-stream). */
  disconnect?: boolean;
  /** Keep the response open without writing after the events. */
  stall?: boolean;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

export interface ScriptedServerOptions {
  models?: string[];
  /** Scenario for the i-th chat request (0-based, counting every chat request). */
  scenario?: (body: Record<string, unknown>, i: number) => Scenario;
  version?: string;
  /** Require `Authorization: Bearer <key>` on every /v1 route. */
  apiKey?: string;
}

export interface ScriptedServer {
  url: string;
  /** url + "/v1", as clients are usually configured. */
  baseUrl: string;
  port: number;
  requests: ReceivedRequest[];
  setScenario(fn: (body: Record<string, unknown>, i: number) => Scenario): void;
  close(): Promise<void>;
}

const MODEL = "test-model";
let chunkId = 0;

function chunk(delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> {
  return { id: `chatcmpl-${chunkId}`, object: "chat.completion.chunk", created: 1747670000, model: MODEL, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
}

export const role = (): Record<string, unknown> => chunk({ role: "assistant", content: "" });
export const content = (text: string): Record<string, unknown> => chunk({ content: text });
export const reasoning = (text: string, field: "reasoning" | "reasoning_content" = "reasoning"): Record<string, unknown> => chunk({ [field]: text });
export const both = (reasoningText: string, contentText: string): Record<string, unknown> => chunk({ reasoning: reasoningText, content: contentText });
export const finish = (reason = "stop"): Record<string, unknown> => chunk({ content: "" }, reason);
export const usage = (promptTokens: number, completionTokens: number): Record<string, unknown> => ({
  id: `chatcmpl-${chunkId}`, object: "chat.completion.chunk", created: 1747670000, model: MODEL, choices: [],
  usage: { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens },
});
export const errorEvent = (message: string): Record<string, unknown> => ({ error: { message, type: "InternalServerError", param: null, code: 500 } });
export const nestedError = (status: number, message: string, type = "BadRequestError"): Record<string, unknown> => ({ error: { message, type, param: null, code: status } });
export const flatError = (status: number, message: string, type = "BadRequestError"): Record<string, unknown> => ({ object: "error", message, type, param: null, code: status });

/** A normal stream: role chunk, one content chunk per token (delayMs apart), finish, usage. */
export function tokenStream(tokens: string[], opts: { delayMs?: number; promptTokens?: number; withUsage?: boolean } = {}): Scenario {
  const events: ScriptEvent[] = [{ data: role(), delayMs: opts.delayMs ?? 0 }];
  tokens.forEach((t, i) => events.push({ data: content(t), delayMs: i === 0 ? 0 : opts.delayMs ?? 0 }));
  events.push({ data: finish() });
  if (opts.withUsage !== false) events.push({ data: usage(opts.promptTokens ?? 5, tokens.length) });
  return { events };
}

export function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  let scenario = options.scenario ?? (() => tokenStream(["Hello", " world", "!"]));
  const models = options.models ?? [MODEL];
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let chatCount = 0;

  const wait = (ms: number): Promise<void> => new Promise((resolve) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
    timers.add(t);
  });

  const play = async (res: http.ServerResponse, s: Scenario): Promise<void> => {
    if (s.status !== undefined && (s.status < 200 || s.status >= 300)) {
      const text = typeof s.body === "string" ? s.body : JSON.stringify(s.body ?? nestedError(s.status, "scripted failure"));
      res.writeHead(s.status, { "content-type": "application/json" }).end(text);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    res.flushHeaders();
    for (const e of s.events ?? []) {
      await wait(e.delayMs ?? 0);
      if (res.destroyed) return;
      res.write(e.raw ?? `data: ${JSON.stringify(e.data)}\n\n`);
    }
    if (s.disconnect) {
      res.socket?.destroy();
      return;
    }
    if (s.stall) return; // left open; close() destroys it
    if (s.done !== false) res.write("data: [DONE]\n\n");
    res.end();
  };

  const server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => { raw += d; });
    req.on("end", () => {
      let body: Record<string, unknown> | null = null;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = null; }
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (options.apiKey && req.url?.startsWith("/v1") && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "Unauthorized" }));
        return;
      }
      if (req.method === "GET" && req.url === "/v1/models") {
        res.writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ object: "list", data: models.map((id) => ({ id, object: "model", created: 1747670000, owned_by: "vllm", root: id, parent: null, max_model_len: 4096 })) }));
      } else if (req.method === "GET" && req.url === "/version") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ version: options.version ?? "0.0.0-scripted" }));
      } else if (req.method === "POST" && req.url === "/v1/chat/completions") {
        const i = chatCount++;
        const model = body?.model;
        if (typeof model === "string" && !models.includes(model)) {
          res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify(nestedError(404, `The model \`${model}\` does not exist.`, "NotFoundError")));
          return;
        }
        const s = scenario(body ?? {}, i);
        if (body?.stream !== true && (s.status === undefined || s.status < 300)) {
          // Non-streaming: concatenate the scripted deltas into one message.
          let text = "";
          let reason = "";
          for (const e of s.events ?? []) {
            const d = ((e.data as { choices?: Array<{ delta?: Record<string, string> }> } | undefined)?.choices?.[0]?.delta) ?? {};
            text += d.content ?? "";
            reason += d.reasoning ?? d.reasoning_content ?? "";
          }
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({
            id: "chatcmpl-x", object: "chat.completion", created: 1747670000, model: MODEL,
            choices: [{ index: 0, message: { role: "assistant", content: text, reasoning: reason || null }, finish_reason: "stop" }],
            usage: { prompt_tokens: 5, total_tokens: 5 + text.length, completion_tokens: text.length },
          }));
          return;
        }
        play(res, s).catch((err: unknown) => res.destroy(err as Error));
      } else {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify(nestedError(404, `no route ${req.method} ${req.url}`, "NotFoundError")));
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000;

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}`;
      resolve({
        url, baseUrl: `${url}/v1`, port, requests,
        setScenario(fn) { scenario = fn; chatCount = 0; },
        close: () => new Promise<void>((done) => {
          for (const t of timers) clearTimeout(t);
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
