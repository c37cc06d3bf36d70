// Child process for bench/client.ts: a zero-latency OpenAI-style streaming server. Each request
// streams `max_tokens` content chunks, `bench_interval_ms` apart (0 = as fast as possible); the
// first content chunk carries its own send time on the shared clock ("T<epoch ms>;").
//
// It is test equipment sharing the client's cores, so it is kept cheap: a raw HTTP/1.1 server on
// node:net (keep-alive, chunked responses), every chunk frame prebuilt as bytes, and one timer for
// all streams (a wheel of 1 ms slots) instead of one timer per stream. One socket write per chunk
// per stream remains: each stream is its own connection, as against a real server.
import * as net from "node:net";
import { sharedWallClock } from "../src/client/clock";

const frame = (sse: string): Buffer => {
  const b = Buffer.from(sse);
  return Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n")]);
};
const json = (o: unknown): string => `data: ${JSON.stringify(o)}\n\n`;
const HEAD = Buffer.from("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\nconnection: keep-alive\r\ntransfer-encoding: chunked\r\n\r\n");
const ROLE = json({ id: "b", object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
const TOKEN = frame(json({ id: "b", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }] }));
const first = (t: number): string => `data: {"id":"b","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"T${t.toFixed(4)};"},"finish_reason":null}]}\n\n`;
const FINISH = json({ id: "b", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "" }, finish_reason: "length" }] });
const tails = new Map<number, Buffer>();
const tail = (n: number): Buffer => {
  let b = tails.get(n);
  if (!b) {
    b = Buffer.concat([frame(FINISH + json({ id: "b", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 4, total_tokens: 4 + n, completion_tokens: n } }) + "data: [DONE]\n\n"), Buffer.from("0\r\n\r\n")]);
    tails.set(n, b);
  }
  return b;
};
const ERR404 = (() => {
  const body = JSON.stringify({ error: { message: "not found", type: "NotFoundError", code: 404 } });
  return Buffer.from(`HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
})();

interface Stream { socket: net.Socket; n: number; sent: number; intervalMs: number; slot: number }

// Timer wheel: a stream due every intervalMs sits in slot (due ms mod SLOTS); one 1 ms interval
// timer walks the slots that came due since its last run.
const SLOTS = 1024;
const wheel: Stream[][] = Array.from({ length: SLOTS }, () => []);
let wheelMs = Math.floor(performance.now());
let active = 0;
let ticker: NodeJS.Timeout | null = null;

function schedule(s: Stream, dueMs: number): void {
  if (!ticker) wheelMs = Math.floor(performance.now());
  s.slot = Math.max(dueMs, wheelMs + 1) % SLOTS;
  (wheel[s.slot] as Stream[]).push(s);
  if (active++ === 0 && !ticker) ticker = setInterval(tick, 1);
}

function tick(): void {
  const now = Math.floor(performance.now());
  while (wheelMs < now) {
    wheelMs++;
    const slot = wheel[wheelMs % SLOTS] as Stream[];
    if (slot.length === 0) continue;
    wheel[wheelMs % SLOTS] = [];
    for (const s of slot) {
      active--;
      step(s, wheelMs);
    }
  }
  if (active === 0 && ticker) {
    clearInterval(ticker);
    ticker = null;
  }
}

function step(s: Stream, nowMs: number): void {
  if (s.socket.destroyed) return;
  s.sent++;
  if (s.sent >= s.n) {
    s.socket.write(tail(s.n));
    return;
  }
  s.socket.write(TOKEN);
  schedule(s, nowMs + s.intervalMs);
}

// With no interval, write in batches so the client, not this server, is the bottleneck.
function flood(s: Stream): void {
  while (!s.socket.destroyed) {
    if (s.sent >= s.n) {
      s.socket.write(tail(s.n));
      return;
    }
    const k = Math.min(256, s.n - s.sent);
    s.sent += k;
    const batch = Buffer.allocUnsafe(k * TOKEN.length);
    for (let i = 0; i < k; i++) TOKEN.copy(batch, i * TOKEN.length);
    if (!s.socket.write(batch)) {
      s.socket.once("drain", () => flood(s));
      return;
    }
  }
}

function answer(socket: net.Socket, head: string, body: string): void {
  if (/^GET \/cpu /.test(head)) {
    // This process's CPU time, so the bench can report what the server costs per chunk.
    const cpu = JSON.stringify(process.cpuUsage());
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(cpu)}\r\n\r\n${cpu}`);
    return;
  }
  if (!/^POST \/v1\/chat\/completions /.test(head)) {
    socket.write(ERR404);
    return;
  }
  const req = body ? (JSON.parse(body) as { max_tokens?: unknown; bench_interval_ms?: unknown }) : {};
  const s: Stream = { socket, n: Math.max(1, Number(req.max_tokens) || 16), sent: 1, intervalMs: Number(req.bench_interval_ms) || 0, slot: 0 };
  socket.cork();
  socket.write(HEAD);
  socket.write(frame(ROLE + first(sharedWallClock())));
  socket.uncork();
  if (s.intervalMs > 0) schedule(s, Math.floor(performance.now()) + s.intervalMs);
  else setImmediate(() => flood(s));
}

const server = net.createServer({ noDelay: true }, (socket) => {
  let buf = "";
  socket.setEncoding("latin1");
  socket.on("data", (d: string) => {
    buf += d;
    for (;;) {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.slice(0, end);
      const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      const body = Buffer.from(buf.slice(end + 4, end + 4 + len), "latin1").toString("utf8");
      buf = buf.slice(end + 4 + len);
      answer(socket, head, body);
    }
  });
  socket.on("error", () => socket.destroy());
});
server.maxConnections = 100_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
