// Child process for bench/client.ts: a zero-latency OpenAI-style streaming server. Each request
// streams `max_tokens` content chunks, `bench_interval_ms` apart (0 = as fast as possible); the
// first content chunk carries its own send time on the shared clock ("T<epoch ms>;").
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { sharedWallClock } from "../src/client/clock";

const ROLE = `data: ${JSON.stringify({ id: "b", object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })}\n\n`;
const TOKEN = `data: ${JSON.stringify({ id: "b", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }] })}\n\n`;
const first = (t: number): string => `data: {"id":"b","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"T${t.toFixed(4)};"},"finish_reason":null}]}\n\n`;
const tail = (n: number): string =>
  `data: ${JSON.stringify({ id: "b", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "" }, finish_reason: "length" }] })}\n\n` +
  `data: ${JSON.stringify({ id: "b", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 4, total_tokens: 4 + n, completion_tokens: n } })}\n\ndata: [DONE]\n\n`;

const server = http.createServer((req, res) => {
  let raw = "";
  req.on("data", (d) => { raw += d; });
  req.on("end", () => {
    const body = raw ? JSON.parse(raw) : {};
    const n = Math.max(1, Number(body.max_tokens) || 16);
    const interval = Number(body.bench_interval_ms) || 0;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
    res.write(ROLE + first(sharedWallClock()));
    let sent = 1;
    const next = (): void => {
      if (res.destroyed) return;
      if (sent >= n) {
        res.end(tail(n));
        return;
      }
      sent++;
      // With no interval, write in batches so the client, not this server, is the bottleneck.
      if (interval > 0) {
        res.write(TOKEN);
        setTimeout(next, interval);
      } else {
        let batch = TOKEN;
        while (sent < n && batch.length < 16384) { batch += TOKEN; sent++; }
        if (res.write(batch)) setImmediate(next);
        else res.once("drain", next);
      }
    };
    if (interval > 0) setTimeout(next, interval);
    else setImmediate(next);
  });
});
server.keepAliveTimeout = 120_000;
server.maxConnections = 100_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
