// A minimal HTTP/1.1 client on node:net for the measured streaming hot path (plain http: only).
// With node:http every streamed chunk goes socket stream → llhttp → IncomingMessage stream →
// 'data' event; here every socket read lands in one shared buffer (net `onread`: no stream
// machinery, no allocation) and a small state machine strips the HTTP framing: status line and
// headers, then a chunked, Content-Length or read-until-close body. `npm run bench:client` measured
// ≈40% less client CPU per chunk than node:http (BENCH_TRANSPORT=node). Keep-alive sockets are
// pooled per host:port like http.Agent({keepAlive: true}) (idle sockets unref'd, dropped when the
// server closes them or after its Keep-Alive timeout hint).
import * as net from "node:net";

export interface RawHandlers {
  /** Status line and headers arrived (1xx interim responses are skipped). */
  head(status: number): void;
  /** Body bytes buf[start, end), de-chunked. The buffer is reused as soon as this returns. */
  body(buf: Buffer, start: number, end: number): void;
  /** The body is complete. */
  end(): void;
  /**
   * The connection failed: before the response head ("connect": refused, reset, hung up), or
   * during the body ("closed": the server closed it early; "broken": a socket or framing error).
   */
  error(phase: "connect" | "closed" | "broken", code: string, message: string): void;
}

export interface RawRequestOptions {
  host: string;
  port: number;
  method: string;
  path: string;
  /** Header lines (name → value); Host, Content-Length and Connection are added. */
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  /** Abandon the request; the socket is closed, no handler is called any more. */
  destroy(): void;
}

const enum St { Head, Size, SizeLf, Data, DataCr, DataLf, Trailer, Length, UntilClose, Done }

const MAX_HEAD_BYTES = 64 * 1024;
/** Idle keep-alive sockets kept per host:port (http.Agent's maxFreeSockets in http-agent.ts). */
const MAX_IDLE_SOCKETS = 4096;
// Every read of every pooled socket lands here; each read is handled synchronously before the next.
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

export interface ParserEvents {
  head(status: number): void;
  body(buf: Buffer, start: number, end: number): void;
  /** The response is complete; `reusable` when the connection may carry another request. */
  complete(reusable: boolean, idleTimeoutMs: number): void;
  error(code: string, message: string): void;
}

/**
 * Incremental HTTP/1.1 response parser: feed it the bytes as they come, in any split. After
 * complete() or error() it ignores input until reset().
 */
export class ResponseParser {
  private st = St.Done;
  private headText = "";
  private remaining = 0;
  private sizeDigits = 0;
  private inExt = false;
  private trailerLineLen = 0;
  private keepAlive = true;
  private idleTimeoutMs = 0;
  /** The status line and headers of the final (non-1xx) response were parsed. */
  headReceived = false;
  private gen = 0;

  constructor(private readonly ev: ParserEvents) {}

  reset(): void {
    this.gen++;
    this.st = St.Head;
    this.headText = "";
    this.headReceived = false;
  }

  get busy(): boolean {
    return this.st !== St.Done;
  }

  /** The peer closed the connection: completes a read-until-close body; false if the response was cut short. */
  eof(): boolean {
    if (this.st === St.UntilClose) {
      this.st = St.Done;
      this.ev.complete(false, 0);
      return true;
    }
    return this.st === St.Done;
  }

  feed(buf: Buffer, i: number, n: number): void {
    while (i < n) {
      switch (this.st) {
        case St.Head: i = this.readHead(buf, i, n); break;
        case St.Size: {
          const c = buf[i++] as number;
          if (c === 13) { this.st = St.SizeLf; break; }
          if (this.inExt) break;
          const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
          if (d >= 0 && this.sizeDigits < 12) { this.remaining = this.remaining * 16 + d; this.sizeDigits++; break; }
          if ((c === 59 || c === 32 || c === 9) && this.sizeDigits > 0) { this.inExt = true; break; }
          return this.fail("HPE_INVALID_CHUNK_SIZE", "Parse Error: Invalid character in chunk size");
        }
        case St.SizeLf:
          if (buf[i++] !== 10 || this.sizeDigits === 0) return this.fail("HPE_INVALID_CHUNK_SIZE", "Parse Error: Invalid character in chunk size");
          if (this.remaining === 0) { this.st = St.Trailer; this.trailerLineLen = 0; } else this.st = St.Data;
          break;
        case St.Data: {
          const end = Math.min(n, i + this.remaining);
          this.remaining -= end - i;
          const start = i;
          i = end;
          if (this.remaining === 0) this.st = St.DataCr;
          this.ev.body(buf, start, end);
          break;
        }
        case St.DataCr:
          if (buf[i++] !== 13) return this.fail("HPE_STRICT", "Parse Error: Expected CRLF after chunk data");
          this.st = St.DataLf;
          break;
        case St.DataLf:
          if (buf[i++] !== 10) return this.fail("HPE_STRICT", "Parse Error: Expected CRLF after chunk data");
          this.beginChunk();
          break;
        case St.Trailer: {
          // Trailer lines until an empty one (CR ignored).
          const c = buf[i++] as number;
          if (c === 10) {
            if (this.trailerLineLen === 0) return this.done(i < n);
            this.trailerLineLen = 0;
          } else if (c !== 13) this.trailerLineLen++;
          break;
        }
        case St.Length: {
          const end = Math.min(n, i + this.remaining);
          this.remaining -= end - i;
          const start = i;
          i = end;
          this.ev.body(buf, start, end);
          if (this.remaining === 0 && this.st === St.Length) return this.done(i < n);
          break;
        }
        case St.UntilClose:
          this.ev.body(buf, i, n);
          i = n;
          break;
        default:
          return; // done or failed: ignore
      }
    }
  }

  /** Stops the parser (the caller abandoned the response). */
  stop(): void {
    this.st = St.Done;
    this.gen++;
  }

  private fail(code: string, message: string): void {
    this.st = St.Done;
    this.ev.error(code, message);
  }

  /** Bytes past the end of the response make the connection unusable for another request. */
  private done(extraBytes: boolean): void {
    this.st = St.Done;
    this.ev.complete(this.keepAlive && !extraBytes, this.idleTimeoutMs);
  }

  private beginChunk(): void {
    this.st = St.Size;
    this.remaining = 0;
    this.sizeDigits = 0;
    this.inExt = false;
  }

  private readHead(buf: Buffer, i: number, n: number): number {
    const from = Math.max(0, this.headText.length - 3);
    this.headText += buf.toString("latin1", i, n);
    const end = this.headText.indexOf("\r\n\r\n", from);
    if (end < 0) {
      if (this.headText.length > MAX_HEAD_BYTES) this.fail("HPE_HEADER_OVERFLOW", "Parse Error: Header overflow");
      return n;
    }
    const consumed = n - (this.headText.length - end - 4);
    const lines = this.headText.slice(0, end).split("\r\n");
    this.headText = "";
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] as string);
    if (!m) {
      this.fail("HPE_INVALID_CONSTANT", "Parse Error: Expected HTTP/");
      return n;
    }
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return consumed; // interim response: the real one follows
    const http10 = m[1] === "0";
    let chunked = false;
    let length = -1;
    let close = http10;
    this.idleTimeoutMs = 0;
    for (let k = 1; k < lines.length; k++) {
      const line = lines[k] as string;
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim().toLowerCase();
      if (name === "transfer-encoding") chunked = /(?:^|,)\s*chunked$/.test(value);
      else if (name === "content-length") length = /^\d+$/.test(value) ? Number(value) : -1;
      else if (name === "connection") close = /(?:^|,)\s*close\s*(?:,|$)/.test(value) || (http10 && !/keep-alive/.test(value));
      else if (name === "keep-alive") {
        const t = /timeout=(\d+)/.exec(value);
        // Like http.Agent: drop an idle socket a second before the server's announced timeout.
        if (t) this.idleTimeoutMs = Math.max(1, Number(t[1]) * 1000 - 1000);
      }
    }
    this.keepAlive = !close;
    this.headReceived = true;
    this.st = St.Done; // head() may stop the parser; set the body state after it
    const gen = this.gen;
    this.ev.head(status);
    if (gen !== this.gen) return n; // stopped from head()
    if (status === 204 || status === 304) {
      this.done(consumed < n);
      return n;
    }
    if (chunked) this.beginChunk();
    else if (length >= 0 && Number.isSafeInteger(length)) {
      if (length === 0) {
        this.done(consumed < n);
        return n;
      }
      this.st = St.Length;
      this.remaining = length;
    } else {
      this.st = St.UntilClose;
      this.keepAlive = false;
    }
    return consumed;
  }
}

/** One keep-alive connection and the request it carries now. */
class Conn {
  readonly socket: net.Socket;
  private h: RawHandlers | null = null;
  private readonly parser: ResponseParser;
  private idleTimer: NodeJS.Timeout | undefined;
  dead = false;

  constructor(readonly pool: Pool, host: string, port: number) {
    this.parser = new ResponseParser({
      head: (status) => this.h?.head(status),
      body: (buf, start, end) => this.h?.body(buf, start, end),
      complete: (reusable, idleTimeoutMs) => this.complete(reusable, idleTimeoutMs),
      error: (code, message) => this.fail(code, message, false),
    });
    this.socket = net.connect({ host, port, noDelay: true, onread: { buffer: READ_BUFFER, callback: (n: number) => { this.onRead(n); return true; } } });
    this.socket.setKeepAlive(true, 1000); // TCP keep-alive probes, as http.Agent({keepAlive: true}) sets
    this.socket.on("error", (e: NodeJS.ErrnoException) => this.fail(e.code ?? "ERR", e.message, false));
    this.socket.on("end", () => this.onEof());
    this.socket.on("close", () => this.onEof());
  }

  start(h: RawHandlers, opts: RawRequestOptions): void {
    clearTimeout(this.idleTimer);
    this.socket.ref();
    this.h = h;
    this.parser.reset();
    const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host; // IPv6 literal
    let head = `${opts.method} ${opts.path} HTTP/1.1\r\nHost: ${host}:${opts.port}\r\n`;
    for (const k in opts.headers) head += `${k}: ${opts.headers[k]}\r\n`;
    head += `Content-Length: ${Buffer.byteLength(opts.body)}\r\nConnection: keep-alive\r\n\r\n`;
    this.socket.write(head + opts.body);
  }

  /** The caller gave up on the response: the socket cannot be reused. */
  abandon(h: RawHandlers): void {
    if (this.h !== h) return; // that request is over; the socket may carry another one now
    this.h = null;
    this.parser.stop();
    this.kill();
  }

  private kill(): void {
    this.dead = true;
    clearTimeout(this.idleTimer);
    this.pool.forget(this);
    this.socket.destroy();
  }

  private fail(code: string, message: string, closed: boolean): void {
    const h = this.h;
    this.h = null;
    this.parser.stop();
    this.kill();
    h?.error(!this.parser.headReceived ? "connect" : closed ? "closed" : "broken", code, message);
  }

  private onEof(): void {
    if (!this.h) return this.kill();
    if (this.parser.eof()) return;
    this.fail("ECONNRESET", this.parser.headReceived ? "the server closed the connection mid-stream" : "socket hang up", true);
  }

  private complete(reusable: boolean, idleTimeoutMs: number): void {
    const h = this.h;
    this.h = null;
    if (reusable && !this.dead && this.pool.size < MAX_IDLE_SOCKETS) {
      this.socket.unref();
      this.pool.release(this);
      if (idleTimeoutMs > 0) this.idleTimer = setTimeout(() => this.kill(), idleTimeoutMs).unref();
    } else {
      this.kill();
    }
    h?.end();
  }

  private onRead(n: number): void {
    // Bytes on an idle socket have no request to belong to: the connection cannot be trusted.
    if (!this.h || !this.parser.busy) {
      if (n > 0) this.kill();
      return;
    }
    this.parser.feed(READ_BUFFER, 0, n);
  }
}

class Pool {
  private idle: Conn[] = [];
  release(c: Conn): void {
    this.idle.push(c);
  }
  forget(c: Conn): void {
    const k = this.idle.indexOf(c);
    if (k >= 0) this.idle.splice(k, 1);
  }
  take(): Conn | undefined {
    for (;;) {
      const c = this.idle.pop();
      if (!c || !c.dead) return c;
    }
  }
  get size(): number {
    return this.idle.length;
  }
}

const pools = new Map<string, Pool>();

function poolFor(host: string, port: number): Pool {
  const key = `${host}:${port}`;
  let p = pools.get(key);
  if (!p) {
    p = new Pool();
    pools.set(key, p);
  }
  return p;
}

/** Idle keep-alive sockets held for host:port (for tests). */
export function idleSockets(host: string, port: number): number {
  return poolFor(host, port).size;
}

class PendingRequest implements RawRequest {
  constructor(private readonly conn: Conn, private readonly h: RawHandlers) {}
  destroy(): void {
    this.conn.abandon(this.h);
  }
}

/**
 * Sends one request on a pooled keep-alive socket (or a new one) and streams the response to `h`
 * (its methods are called with `this` = h; nothing is called after end() or error()).
 */
export function rawRequest(opts: RawRequestOptions, h: RawHandlers): RawRequest {
  const pool = poolFor(opts.host, opts.port);
  const conn = pool.take() ?? new Conn(pool, opts.host, opts.port);
  conn.start(h, opts);
  return new PendingRequest(conn, h);
}
