// The raw HTTP/1.1 client of the measured hot path: its response parser fed in every split
// (chunked, Content-Length, read-until-close, interim 1xx, keep-alive rules, framing errors), the
// byte-level SSE accumulator split at every byte, and parity with node:http for every fault.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { ResponseParser, idleSockets } from "../src/client/raw-http";
import { SseAccumulator } from "../src/client/sse-accumulator";
import { streamRequest, type StreamRequestOptions } from "../src/client/stream-request";
import { content, finish, flatError, nestedError, reasoning, role, startScriptedServer, usage, type Scenario, type ScriptedServer } from "./helpers/scripted-server";

interface Parsed { status: number | null; body: Buffer; complete: boolean | null; idleMs: number | null; error: string | null; heads: number }

function parse(pieces: Buffer[], eof = false): Parsed {
  const out: Parsed = { status: null, body: Buffer.alloc(0), complete: null, idleMs: null, error: null, heads: 0 };
  const chunks: Buffer[] = [];
  const p = new ResponseParser({
    head: (s) => { out.status = s; out.heads++; },
    // Copy: the caller's buffer is reused after body() returns (as the socket's read buffer is).
    body: (b, s, e) => { chunks.push(Buffer.from(b.subarray(s, e))); },
    complete: (reusable, idleMs) => { out.complete = reusable; out.idleMs = idleMs; },
    error: (code) => { out.error = code; },
  });
  p.reset();
  for (const piece of pieces) {
    // Feed through a scratch buffer that is overwritten afterwards, with an offset, like the socket's.
    const scratch = Buffer.alloc(piece.length + 7, 0x58);
    piece.copy(scratch, 7);
    p.feed(scratch, 7, scratch.length);
    scratch.fill(0x5a);
  }
  if (eof && !p.eof() && out.error === null) out.error = "cut short";
  out.body = Buffer.concat(chunks);
  return out;
}

/** Every way to cut `bytes` in two, plus byte by byte. */
function splits(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [[bytes]];
  for (let k = 1; k < bytes.length; k++) out.push([bytes.subarray(0, k), bytes.subarray(k)]);
  out.push([...bytes].map((b) => Buffer.from([b])));
  return out;
}

const sse = `data: {"choices":[{"delta":{"content":"量子"}}]}\n\ndata: [DONE]\n\n`;
const sseBytes = Buffer.from(sse);
const chunked = Buffer.concat([
  Buffer.from("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nTransfer-Encoding: chunked\r\nKeep-Alive: timeout=5\r\n\r\n"),
  Buffer.from(`${(20).toString(16)};ext=1\r\n`), sseBytes.subarray(0, 20), Buffer.from("\r\n"),
  Buffer.from(`${(sseBytes.length - 20).toString(16).toUpperCase()}\r\n`), sseBytes.subarray(20), Buffer.from("\r\n"),
  Buffer.from("0\r\nx-trailer: 1\r\n\r\n"),
]);

describe("ResponseParser", () => {
  it("chunked body (extensions, upper-case hex, trailers, UTF-8) at every split", () => {
    for (const pieces of splits(chunked)) {
      const r = parse(pieces);
      assert.equal(r.error, null);
      assert.equal(r.status, 200);
      assert.equal(r.heads, 1);
      assert.equal(r.body.toString(), sse);
      assert.equal(r.complete, true, "reusable");
      assert.equal(r.idleMs, 4000, "a second before the server's keep-alive timeout");
    }
  });

  it("Content-Length body at every split; bytes past the end make the socket unusable", () => {
    const body = JSON.stringify(nestedError(400, "max_tokens 是太大"));
    const res = Buffer.from(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    for (const pieces of splits(res)) {
      const r = parse(pieces);
      assert.equal(r.status, 400);
      assert.equal(r.body.toString(), body);
      assert.equal(r.complete, true);
    }
    assert.equal(parse([Buffer.concat([res, Buffer.from("HTTP/1.1")])]).complete, false);
    assert.equal(parse([Buffer.from("HTTP/1.1 204 No Content\r\n\r\n")]).complete, true);
    assert.equal(parse([Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")]).complete, true);
  });

  it("no length: the body runs until the server closes; never reused", () => {
    const res = Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n${sse}`);
    for (const pieces of splits(res)) {
      const r = parse(pieces, true);
      assert.equal(r.error, null);
      assert.equal(r.body.toString(), sse);
      assert.equal(r.complete, false);
    }
  });

  it("skips 100 Continue; honours Connection: close and HTTP/1.0", () => {
    const r = parse([Buffer.from("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")]);
    assert.deepEqual([r.status, r.heads, r.body.toString(), r.complete], [200, 1, "ok", false]);
    assert.equal(parse([Buffer.from("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")]).complete, false);
    assert.equal(parse([Buffer.from("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")]).complete, true);
  });

  it("a cut-short chunked body and broken framing are errors", () => {
    assert.equal(parse([chunked.subarray(0, chunked.length - 9)], true).error, "cut short");
    assert.equal(parse([Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]).error, "HPE_INVALID_CHUNK_SIZE");
    assert.equal(parse([Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX")]).error, "HPE_STRICT");
    assert.equal(parse([Buffer.from("SSH-2.0-OpenSSH\r\n\r\n")]).error, "HPE_INVALID_CONSTANT");
  });
});

describe("SseAccumulator on bytes", () => {
  const events = [
    ": ping\r\n\r\n",
    `data: ${JSON.stringify(role())}\n\n`,
    `event: message\nid: 1\ndata: ${JSON.stringify(reasoning("嗯，", "reasoning_content"))}\n\n`,
    `data:${JSON.stringify(content("量子计算"))}\r\n\r\n`,
    `data: {"choices":[{"delta":\ndata: {"content":"多行"}}]}\n\n`,
    `data: ${JSON.stringify(finish())}\r\n\n`,
    `data: ${JSON.stringify(usage(3, 4))}\n\n`,
    "data: [DONE]\n\n",
  ];
  const whole = Buffer.from(events.join(""));
  const run = (pieces: Buffer[]): ReturnType<SseAccumulator["outcome"]> => {
    const acc = new SseAccumulator();
    pieces.forEach((p, i) => {
      const scratch = Buffer.concat([Buffer.from("junk"), p, Buffer.from("junk")]);
      acc.push(scratch, i, 4, 4 + p.length);
      scratch.fill(0); // the network buffer is reused
    });
    acc.finish(pieces.length);
    return acc.outcome();
  };

  it("gives the same outcome however the bytes are split", () => {
    const ref = run([whole]);
    assert.equal(ref.text, "量子计算多行");
    assert.equal(ref.reasoningText, "嗯，");
    assert.deepEqual([ref.done, ref.finishReason, ref.promptTokens, ref.completionTokens, ref.errorKind], [true, "stop", 3, 4, null]);
    assert.equal(ref.chunkCodes, "nrccnu");
    for (const pieces of splits(whole)) {
      const o = run(pieces);
      assert.deepEqual({ ...o, chunkMs: null }, { ...ref, chunkMs: null });
      assert.equal(o.chunkMs.length, ref.chunkMs.length);
    }
  });

  it("strings and buffers give the same result; a trailing event without its blank line counts", () => {
    const a = new SseAccumulator();
    a.push(events.join("").replace("data: [DONE]\n\n", ""), 1);
    a.push(`data: ${JSON.stringify(content("尾"))}`, 2);
    a.finish(3);
    assert.equal(a.text, "量子计算多行尾");
    assert.deepEqual(a.chunkMs, [1, 1, 1, 1, 1, 1, 3]);
  });
});

describe("streamRequest over raw HTTP and node:http", () => {
  let server: ScriptedServer;
  before(async () => { server = await startScriptedServer(); });
  after(async () => { await server.close(); });

  const once = (s: Scenario, transport: "raw" | "node", extra: Partial<StreamRequestOptions> = {}) => {
    server.setScenario(() => s);
    return streamRequest({ baseUrl: server.baseUrl, model: "test-model", messages: [{ role: "user", content: "hi" }], keepText: true, transport, ...extra });
  };
  const scenarios: Array<[string, Scenario, Partial<StreamRequestOptions>?]> = [
    ["normal stream", { events: [{ data: role() }, { data: reasoning("想") }, { data: content("量"), delayMs: 2 }, { data: content("子") }, { data: finish() }, { data: usage(2, 3) }] }],
    ["HTTP 400 nested", { status: 400, body: nestedError(400, "bad max_tokens") }],
    ["HTTP 500 flat", { status: 500, body: flatError(500, "engine dead", "InternalServerError") }],
    ["HTTP 503 empty", { status: 503, body: "" }],
    ["disconnect mid-stream", { events: [{ data: role() }, { data: content("a") }], disconnect: true }],
    ["no [DONE]", { events: [{ data: content("a") }], done: false }],
    ["malformed SSE", { events: [{ data: content("a") }, { raw: "data: {oops\n\n" }] }],
    ["stall", { events: [{ data: content("a") }], stall: true }, { stallTimeoutMs: 100 }],
    ["error event", { events: [{ data: content("a") }, { data: { error: { message: "CUDA error", code: 500 } } }] }],
  ];
  for (const [name, s, extra] of scenarios) {
    it(`${name}: same record from both stacks`, async () => {
      const raw = await once(s, "raw", extra);
      const node = await once(s, "node", extra);
      const facts = (r: typeof raw) => [r.ok, r.errorKind, r.error?.replace("the connection broke mid-stream: ECONNRESET", "the server closed the connection mid-stream"), r.httpStatus, r.chunkCodes, r.text, r.reasoningText, r.outputTokens, r.finishReason];
      assert.deepEqual(facts(raw), facts(node));
    });
  }

  it("keeps one socket alive and reuses it for sequential requests", async () => {
    const port = Number(new URL(server.url).port);
    const before = idleSockets("127.0.0.1", port);
    for (let i = 0; i < 3; i++) {
      const r = await once({ events: [{ data: content("a") }] }, "raw");
      assert.equal(r.ok, true);
      assert.equal(idleSockets("127.0.0.1", port), Math.max(1, before));
    }
  });

  it("a keep-alive socket closed by the server is dropped, not reused", async () => {
    let conns = 0;
    const srv = net.createServer((sock) => {
      conns++;
      sock.once("data", () => {
        const body = 'data: {"choices":[{"text":"a"}]}\n\ndata: [DONE]\n\n';
        sock.end(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      });
    });
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      for (let i = 0; i < 2; i++) {
        const r = await streamRequest({ baseUrl: `http://127.0.0.1:${port}/v1`, model: "m", messages: [{ role: "user", content: "x" }], keepText: true });
        assert.equal(r.ok, true, r.error ?? "");
        assert.equal(r.text, "a");
        // The server's FIN arrives after the body: the pooled socket must leave the pool.
        while (idleSockets("127.0.0.1", port) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(conns, 2);
      assert.equal(idleSockets("127.0.0.1", port), 0);
    } finally {
      srv.close();
    }
  });
});
