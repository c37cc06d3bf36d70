// Shared reply helpers of the simulated API server: status line + uvicorn access log, JSON bodies,
// vLLM error bodies (nested, or the legacy flat form).
import type * as http from "node:http";
import type { SimOptions } from "./args";
import type { BootPlan } from "./boot";
import type { SimEngine } from "./engine";
import type { ApiFailure } from "./requests";

export interface Ctx {
  o: SimOptions;
  boot: BootPlan;
  engine: SimEngine;
  log: (line: string) => void;
  arrivals: number;
  fingerprint: string;
}

const STATUS_TEXT: Record<number, string> = { 200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 503: "Service Unavailable" };

export function begin(ctx: Ctx, req: http.IncomingMessage, res: http.ServerResponse, status: number, contentType: string | null): void {
  const headers: Record<string, string> = {};
  if (contentType) headers["content-type"] = contentType;
  res.writeHead(status, headers);
  ctx.log(`INFO:     ${req.socket.remoteAddress ?? "127.0.0.1"}:${req.socket.remotePort ?? 0} - "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${STATUS_TEXT[status] ?? ""}`);
}

export function sendJson(ctx: Ctx, req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown): void {
  begin(ctx, req, res, status, "application/json");
  res.end(JSON.stringify(body));
}

export function errorJson(ctx: Ctx, f: ApiFailure): unknown {
  const param = ctx.o.legacyErrorFormat && f.status === 404 ? null : f.param;
  return ctx.o.legacyErrorFormat
    ? { object: "error", message: f.message, type: f.type, param, code: f.status }
    : { error: { message: f.message, type: f.type, param, code: f.status } };
}

export function sendError(ctx: Ctx, req: http.IncomingMessage, res: http.ServerResponse, f: ApiFailure): void {
  sendJson(ctx, req, res, f.status, errorJson(ctx, f));
}
