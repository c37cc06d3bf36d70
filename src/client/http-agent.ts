// Shared keep-alive agents for the measured hot path (one per protocol, sockets not capped).
import * as http from "node:http";
import * as https from "node:https";

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 }),
  https: new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 }),
};

export function agentFor(url: URL): http.Agent {
  return url.protocol === "https:" ? agents.https : agents.http;
}

export function requestFn(url: URL): typeof http.request {
  return url.protocol === "https:" ? https.request : http.request;
}

/**
 * The server root and the OpenAI API root for a base URL given either way
 * ("http://h:8000" or "http://h:8000/v1").
 */
export function apiUrls(baseUrl: string): { root: string; api: string } {
  let root = baseUrl.trim().replace(/\/+$/, "");
  if (root.endsWith("/v1")) root = root.slice(0, -3);
  return { root, api: `${root}/v1` };
}

export interface JsonResponse {
  status: number;
  body: unknown;
  text: string;
}

/** A small GET/POST returning parsed JSON (for /v1/models, /version); rejects on network errors. */
export function fetchJson(url: string, opts: { apiKey?: string; timeoutMs?: number; method?: string; body?: unknown } = {}): Promise<JsonResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = requestFn(u)(u, {
      method: opts.method ?? (payload ? "POST" : "GET"),
      agent: agentFor(u),
      headers: {
        accept: "application/json",
        ...(payload ? { "content-type": "application/json" } : {}),
        ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
      },
      timeout: opts.timeoutMs ?? 10_000,
    }, (res) => {
      res.setEncoding("utf8");
      let text = "";
      res.on("data", (d: string) => { text += d; });
      res.on("end", () => {
        let body: unknown = null;
        try { body = text ? JSON.parse(text) : null; } catch { body = null; }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}
