// node:http server with vLLM's OpenAI-compatible surface. Binds only when the modelled startup
// is over, so clients see connection refused while "loading", as with vLLM.
import * as crypto from "node:crypto";
import * as http from "node:http";
import { loadTokenizer } from "../tokenize/index";
import { findFreePort } from "../util/net";
import { sleep } from "../util/sleep";
import { parseSimArgs, type SimOptions } from "./args";
import { planBoot, pyRepr, SimStartupError, SIM_VLLM_VERSION, startupPhases, type BootPlan } from "./boot";
import { ENGINE_DEAD_MESSAGE, SimEngine } from "./engine";
import { begin, sendError, sendJson, type Ctx } from "./http-reply";
import { engineAssumptions } from "./profiles";
import { isFailure, JSON_DECODE_ERROR, normalizeRequest, UNSUPPORTED_MEDIA } from "./requests";
import { serveGeneration } from "./respond";

export type LogStream = "stdout" | "stderr";
export type LogSink = (line: string, stream: LogStream) => void;

export interface SimServer {
  url: string;
  port: number;
  engine: SimEngine;
  boot: BootPlan;
  close(): Promise<void>;
}

export interface StartHooks {
  /** Receives every log line (already prefixed). Default: discard. */
  log?: LogSink;
  /** Only the CLI entry sets this: it is the pid the log prefixes show. */
  pid?: number;
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** vLLM's line format: `(APIServer pid=N) INFO 11-25 13:05:01 [file.py:123] message`. */
export function formatLogLine(proc: "APIServer" | "EngineCore", pid: number, level: string, file: string, msg: string, at = new Date()): string {
  const stamp = `${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const name = proc === "APIServer" ? `APIServer pid=${pid}` : `EngineCore_DP0 pid=${pid + 1}`;
  return `(${name}) ${level} ${stamp} [${file}] ${msg}`;
}

/** Options given as a partial object get the CLI defaults. */
export function withDefaults(options: Partial<SimOptions>): SimOptions {
  const base = parseSimArgs([]);
  const o = { ...base, ...options };
  if (!options.nonDefaultArgs) o.nonDefaultArgs = options.model ? { model: options.model } : {};
  return o;
}

/** Start the simulator in this process. Rejects with SimStartupError where vLLM would fail to start. */
export async function startSimServer(options: Partial<SimOptions>, hooks: StartHooks = {}): Promise<SimServer> {
  const o = withDefaults(options);
  const log = hooks.log ?? (() => undefined);
  const pid = hooks.pid ?? process.pid;
  const scale = o.fastStart ? 0 : o.loadTimeScale;
  const emit = (proc: "APIServer" | "EngineCore", file: string, msg: string, level = "INFO", stream: LogStream = "stdout"): void => {
    for (const line of msg.split("\n")) log(formatLogLine(proc, pid, level, file, line), stream);
  };
  for (const w of o.warnings) emit("APIServer", "arg_utils.py:1773", w, "WARNING");

  let boot: BootPlan;
  try {
    boot = planBoot(o);
  } catch (err) {
    if (!(err instanceof SimStartupError)) throw err;
    await sleep(engineAssumptions().load.python_import_s.value * scale * 1000);
    emit("APIServer", "utils.py:299", `vLLM server version ${SIM_VLLM_VERSION}, serving model ${o.model}`);
    emit("APIServer", "utils.py:253", `non-default args: ${pyRepr(o.nonDefaultArgs)}`);
    const proc = err.stage === "config" ? "APIServer" : "EngineCore";
    for (const line of err.logLines) log(`(${proc === "APIServer" ? `APIServer pid=${pid}` : `EngineCore_DP0 pid=${pid + 1}`}) ${line}`, "stderr");
    throw err;
  }

  const port = o.port === 0 ? await findFreePort(o.host) : o.port;
  loadTokenizer(boot.model.id).encode("warm up"); // load the vocabulary now, not on the first request
  for (const phase of startupPhases(boot, o.host, port)) {
    await sleep(phase.waitS * scale * 1000);
    for (const l of phase.lines) emit(l.proc, l.file, l.msg);
  }

  const engine = new SimEngine({
    gpu: boot.gpu, model: boot.model, dtype: boot.dtype, plan: boot.plan, maxNumSeqs: boot.maxNumSeqs,
    maxNumBatchedTokens: boot.maxNumBatchedTokens, maxModelLen: boot.maxModelLen, enablePrefixCaching: o.enablePrefixCaching,
    gpuMemoryUtilization: o.gpuMemoryUtilization, failAfterRequests: o.failAfterRequests,
  });
  const ctx: Ctx = { o, boot, engine, log: (line) => log(`(APIServer pid=${pid}) ${line}`, "stderr"), arrivals: 0, fingerprint: `vllm-${SIM_VLLM_VERSION}-${crypto.createHash("sha256").update(o.model).digest("hex").slice(0, 8)}` };
  const server = http.createServer((req, res) => handle(ctx, req, res));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const uvicorn = (msg: string): void => log(`(APIServer pid=${pid}) INFO:     ${msg}`, "stderr");
  uvicorn(`Started server process [${pid}]`);
  uvicorn("Waiting for application startup.");
  uvicorn("Application startup complete.");
  const stats = startStatsLogger(engine, (msg) => emit("APIServer", "loggers.py:257", msg));

  let closing: Promise<void> | null = null;
  const hostForUrl = o.host === "0.0.0.0" || o.host === "" ? "127.0.0.1" : o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    engine,
    boot,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(stats);
        engine.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** vLLM's periodic stats line, every 10 s while the engine is not idle. */
function startStatsLogger(engine: SimEngine, emit: (msg: string) => void): NodeJS.Timeout {
  const INTERVAL_S = 10;
  let lastPrompt = 0;
  let lastGen = 0;
  const timer = setInterval(() => {
    const m = engine.metrics;
    const g = engine.snapshot();
    const prompt = m.promptTokens - lastPrompt;
    const gen = m.generationTokens - lastGen;
    lastPrompt = m.promptTokens;
    lastGen = m.generationTokens;
    if (prompt === 0 && gen === 0 && g.running === 0 && g.waiting === 0) return;
    const hit = g.prefixQueries === 0 ? 0 : (100 * g.prefixHits) / g.prefixQueries;
    emit(`Engine 000: Avg prompt throughput: ${(prompt / INTERVAL_S).toFixed(1)} tokens/s, Avg generation throughput: ${(gen / INTERVAL_S).toFixed(1)} tokens/s, Running: ${g.running} reqs, Waiting: ${g.waiting} reqs, GPU KV cache usage: ${(g.kvCacheUsage * 100).toFixed(1)}%, Prefix cache hit rate: ${hit.toFixed(1)}%`);
  }, INTERVAL_S * 1000);
  timer.unref();
  return timer;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function handle(ctx: Ctx, req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0] as string;
  const method = req.method ?? "GET";
  if (ctx.o.apiKey !== null && path.startsWith("/v1") && req.headers.authorization !== `Bearer ${ctx.o.apiKey}`) {
    return sendJson(ctx, req, res, 401, { error: "Unauthorized" });
  }
  const get = method === "GET" || method === "HEAD";
  switch (path) {
    case "/health":
    case "/ping":
      if (!get && !(path === "/ping" && method === "POST")) break;
      begin(ctx, req, res, ctx.engine.dead ? 503 : 200, null);
      return void res.end();
    case "/version":
      if (!get) break;
      return sendJson(ctx, req, res, 200, { version: SIM_VLLM_VERSION });
    case "/metrics":
      if (!get) break;
      begin(ctx, req, res, 200, "text/plain; version=0.0.4; charset=utf-8");
      return void res.end(ctx.engine.metrics.render(ctx.boot.servedNames[0] as string, ctx.engine.snapshot()));
    case "/v1/models":
      if (!get) break;
      return sendJson(ctx, req, res, 200, modelList(ctx));
    case "/v1/chat/completions":
    case "/v1/completions":
      if (method !== "POST") break;
      void completion(ctx, req, res, path === "/v1/chat/completions" ? "chat" : "completion").catch((err: unknown) => {
        if (!res.headersSent) sendError(ctx, req, res, { status: 500, type: "InternalServerError", message: String((err as Error)?.message ?? err), param: null });
        else res.end();
      });
      return;
    default:
      return sendJson(ctx, req, res, 404, { detail: "Not Found" });
  }
  sendJson(ctx, req, res, 405, { detail: "Method Not Allowed" });
}

function modelList(ctx: Ctx): unknown {
  const created = Math.floor(Date.now() / 1000);
  return {
    object: "list",
    data: ctx.boot.servedNames.map((id) => ({
      id, object: "model", created, owned_by: "vllm", root: ctx.o.model, parent: null, max_model_len: ctx.boot.maxModelLen,
      permission: [{
        id: `modelperm-${crypto.randomBytes(16).toString("hex")}`, object: "model_permission", created, allow_create_engine: false,
        allow_sampling: true, allow_logprobs: true, allow_search_indices: false, allow_view: true, allow_fine_tuning: false,
        organization: "*", group: null, is_blocking: false,
      }],
    })),
  };
}

async function completion(ctx: Ctx, req: http.IncomingMessage, res: http.ServerResponse, kind: "chat" | "completion"): Promise<void> {
  const raw = await readBody(req);
  if (!String(req.headers["content-type"] ?? "").toLowerCase().includes("application/json")) return sendError(ctx, req, res, UNSUPPORTED_MEDIA);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return sendError(ctx, req, res, JSON_DECODE_ERROR);
  }
  const model = (body as { model?: unknown } | null)?.model;
  if (typeof model === "string" && model !== "" && !ctx.boot.servedNames.includes(model)) {
    return sendError(ctx, req, res, { status: 404, type: "NotFoundError", message: `The model \`${model}\` does not exist.`, param: "model" });
  }
  const norm = normalizeRequest(kind, body, ctx.boot.model, ctx.boot.maxModelLen);
  if (isFailure(norm)) return sendError(ctx, req, res, norm);
  if (ctx.engine.dead) return sendError(ctx, req, res, { status: 500, type: "InternalServerError", message: ENGINE_DEAD_MESSAGE, param: null });
  serveGeneration(ctx, req, res, norm);
}
