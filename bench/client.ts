// npm run bench:client — the client's own overhead, against a zero-latency streaming server in a
// child process (so it does not share our event loop). Both processes read the same clock
// (performance.timeOrigin + performance.now()), so "client reading − server send time" of the first
// token is the timestamp error the client adds. Prints medians of REPEATS runs per level: chunks/s,
// pace (ideal stream time / actual), ts-err p50/p99, the client's event-loop lag p99, CPU µs per
// chunk of the client (system part in brackets) and of the server, then one verdict line per target.
// Targets (issue 6): ≥ 2,000 concurrent streams on 2 cores, p99 timestamp error < 1 ms at 256.
// Env: BENCH_LEVELS, BENCH_REPEATS, BENCH_FLOOD_REPEATS, BENCH_CHUNKS, BENCH_INTERVAL_MS,
// BENCH_TRANSPORT=node|raw (the HTTP stack), BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof for the server).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sharedWallClock } from "../src/client/clock";
import { apiUrls, fetchJson } from "../src/client/http-agent";
import { streamRequest } from "../src/client/stream-request";
import { percentileSorted } from "../src/stats/summary";
import { sleep } from "../src/util/sleep";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const LEVELS = (process.env.BENCH_LEVELS ?? "64,256,1024,2048,4096").split(",").map(Number);
const FLOOD_REPEATS = Number(process.env.BENCH_FLOOD_REPEATS ?? REPEATS);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 50);
// 20 chunks/s per stream: every stream exactly at the default SLO's limit (TPOT 50 ms), the rate a
// server must sustain for each of its streams at "max concurrency under tpot:p95<=50ms".
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 50);
/**
 * A level is "sustained" when no stream fails, the streams keep ≥ SUSTAIN_PACE of their ideal pace
 * (the client keeps up with the chunks), and the p99 first-token timestamp error stays under SUSTAIN_P99_MS.
 */
const SUSTAIN_P99_MS = 5;
const SUSTAIN_PACE = 0.95;
/** BENCH_TRANSPORT=node measures the node:http stack instead of the raw one. */
const TRANSPORT = process.env.BENCH_TRANSPORT === "node" || process.env.BENCH_TRANSPORT === "raw" ? process.env.BENCH_TRANSPORT : undefined;

// Pin the client to 2 cores and the server to the others, when the machine has them.
const cpus = os.cpus().length;
if (!process.env.BENCH_PINNED && cpus >= 4 && spawnSync("taskset", ["-V"]).status === 0) {
  const r = spawnSync("taskset", ["-c", "0,1", process.execPath, ...process.execArgv, __filename], { stdio: "inherit", env: { ...process.env, BENCH_PINNED: "1" } });
  process.exit(r.status ?? 1);
}

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server too.
  const args = [...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx", path.join(__dirname, "client-server.ts")];
  const child = process.env.BENCH_PINNED
    ? spawn("taskset", ["-c", `2-${cpus - 1}`, process.execPath, ...args], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout?.once("data", (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
    child.once("exit", (code) => reject(new Error(`bench server exited with code ${code}`)));
  });
}

interface LevelResult {
  streams: number; failed: number; chunksPerS: number; pace: number; errP50: number; errP99: number; lagP99: number;
  cpuUsPerChunk: number; sysUsPerChunk: number; serverUsPerChunk: number;
}

/** The bench server's CPU time so far (µs), from its GET /cpu. */
async function serverCpuUs(baseUrl: string): Promise<number> {
  try {
    const r = await fetchJson(`${apiUrls(baseUrl).root}/cpu`, { timeoutMs: 5000 });
    const b = r.body as { user?: number; system?: number } | null;
    return b && typeof b.user === "number" && typeof b.system === "number" ? b.user + b.system : NaN;
  } catch {
    return NaN;
  }
}

async function measure(baseUrl: string, streams: number, chunks: number, intervalMs: number, rounds: number): Promise<LevelResult> {
  const errors: number[] = [];
  let failed = 0;
  let totalChunks = 0;
  const server0 = await serverCpuUs(baseUrl);
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const t0 = sharedWallClock();
  // Steady state, not a synchronized burst: stream k starts k/n of a stream's length late, and only
  // streams sent after that ramp count towards the timestamp error.
  const streamMs = chunks * intervalMs;
  await Promise.all(Array.from({ length: streams }, async (_, k) => {
    if (streamMs > 0) await sleep((k / streams) * streamMs);
    for (let r = 0; r < rounds; r++) {
      const rec = await streamRequest({
        baseUrl, model: "bench", messages: [{ role: "user", content: "x" }], maxTokens: chunks, extraBody: { bench_interval_ms: intervalMs },
        clock: sharedWallClock, runStartMs: 0, keepText: true, timeoutMs: 120_000, transport: TRANSPORT,
      });
      if (!rec.ok) { failed++; continue; }
      totalChunks += rec.chunkCodes.length;
      const i = rec.chunkCodes.search(/[crb]/);
      const sent = /^T([\d.]+);/.exec(rec.text ?? "");
      if (i >= 0 && sent && rec.sentMs >= t0 + streamMs) errors.push(rec.sentMs + (rec.chunkMs[i] as number) - Number(sent[1]));
    }
  }));
  const ms = sharedWallClock() - t0;
  lag.disable();
  const cpu = process.cpuUsage(cpu0);
  const serverUs = (await serverCpuUs(baseUrl)) - server0;
  errors.sort((a, b) => a - b);
  // The pace the streams would keep on an infinitely fast client: the ramp, then `rounds` streams back to back.
  const idealMs = streamMs * (rounds + (streams - 1) / streams);
  return {
    streams, failed, chunksPerS: totalChunks / (ms / 1000), pace: streamMs > 0 ? Math.min(1, idealMs / ms) : NaN,
    errP50: errors.length ? percentileSorted(errors, 50) : NaN, errP99: errors.length ? percentileSorted(errors, 99) : NaN,
    lagP99: Math.max(0, lag.percentile(99) / 1e6 - 5),
    cpuUsPerChunk: (cpu.user + cpu.system) / Math.max(1, totalChunks),
    sysUsPerChunk: cpu.system / Math.max(1, totalChunks),
    serverUsPerChunk: serverUs / Math.max(1, totalChunks),
  };
}

const median = (xs: number[]): number => {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.length ? percentileSorted(ok.sort((a, b) => a - b), 50) : NaN;
};
const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(" ");

async function main(): Promise<void> {
  const { child, port } = await startServer();
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  try {
    const machine = `${os.cpus()[0]?.model ?? "cpu"}, ${cpus} cores (${process.env.BENCH_PINNED ? "client pinned to 2, server on the rest" : "client and server share them"}), node ${process.version}, ${os.platform()} ${os.release()}`;
    console.log(`client bench: ${machine}`);
    console.log(`load average at start: ${load()}; HTTP stack: ${TRANSPORT ?? "default (raw for http:)"}`);
    console.log(`streams of ${CHUNKS} chunks ${INTERVAL_MS} ms apart, 3 rounds per level, starts staggered over one stream, errors after the ramp, medians of ${REPEATS} runs\n`);
    await measure(baseUrl, 32, 10, 0, 1); // warm up sockets and JIT
    console.log("streams  failed  chunks/s  pace  ts-err p50 (ms)  ts-err p99 (ms)  loop-lag p99 (ms)  client µs/chunk (sys)  server µs/chunk");
    const rows = new Map<number, { failed: number; chunksPerS: number; pace: number; errP50: number; errP99: number; lagP99: number; cpu: number }>();
    let sustained = 0;
    let cpuAtTop = NaN;
    for (const n of LEVELS) {
      const runs: LevelResult[] = [];
      for (let i = 0; i < REPEATS; i++) runs.push(await measure(baseUrl, n, CHUNKS, INTERVAL_MS, 3));
      const med = (f: (r: LevelResult) => number): number => median(runs.map(f));
      const m = {
        failed: med((r) => r.failed), chunksPerS: med((r) => r.chunksPerS), pace: med((r) => r.pace),
        errP50: med((r) => r.errP50), errP99: med((r) => r.errP99), lagP99: med((r) => r.lagP99), cpu: med((r) => r.cpuUsPerChunk),
      };
      rows.set(n, m);
      console.log(`${String(n).padStart(7)}  ${String(m.failed).padStart(6)}  ${m.chunksPerS.toFixed(0).padStart(8)}  ${(m.pace * 100).toFixed(0).padStart(3)}%  ${m.errP50.toFixed(3).padStart(15)}  ${m.errP99.toFixed(3).padStart(15)}  ${m.lagP99.toFixed(2).padStart(17)}  ${`${m.cpu.toFixed(1)} (${med((r) => r.sysUsPerChunk).toFixed(1)})`.padStart(21)}  ${med((r) => r.serverUsPerChunk).toFixed(1).padStart(15)}`);
      if (isSustained(m)) sustained = Math.max(sustained, n);
      cpuAtTop = m.cpu;
    }
    const flood: number[] = [];
    for (let i = 0; i < FLOOD_REPEATS; i++) flood.push((await measure(baseUrl, 64, 5000, 0, 1)).chunksPerS);
    console.log(`\nmost concurrent streams sustained (no failures, pace ≥ ${SUSTAIN_PACE * 100}%, p99 ts-err < ${SUSTAIN_P99_MS} ms): ${sustained}`);
    // What one core could carry at the top level's CPU cost per chunk, were it not shared with the server.
    const perCore = 1e6 / cpuAtTop;
    console.log(`client CPU at ${LEVELS[LEVELS.length - 1]} streams: ${cpuAtTop.toFixed(1)} µs/chunk → one dedicated core ≈ ${perCore.toFixed(0)} chunks/s ≈ ${(perCore / (1000 / INTERVAL_MS)).toFixed(0)} streams at ${1000 / INTERVAL_MS} chunks/s`);
    console.log(`max chunks/s parsed (64 streams, server writes as fast as it can): ${median(flood).toFixed(0)}`);
    console.log(`load average at end: ${load()}`);
    console.log(`machine: ${machine}`);
    const verdict = (met: boolean | null, text: string): void => console.log(`${met === null ? "NOT MEASURED" : met ? "MET    " : "NOT MET"}  ${text}`);
    const top = Math.max(...LEVELS);
    verdict(top >= 2000 ? sustained >= 2000 : null, `target ≥ 2,000 concurrent streams in one client process: ${sustained} sustained (levels tried up to ${top})`);
    const at256 = rows.get(256);
    verdict(at256 ? at256.errP99 < 1 : null, `target p99 TTFT timestamp error < 1 ms at 256 streams: ${at256 ? `${at256.errP99.toFixed(3)} ms (p50 ${at256.errP50.toFixed(3)} ms)` : "level 256 not run"}`);
  } finally {
    child.kill("SIGTERM");
  }
}

function isSustained(m: { failed: number; pace: number; errP99: number }): boolean {
  return m.failed === 0 && m.pace >= SUSTAIN_PACE && m.errP99 < SUSTAIN_P99_MS;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:client: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
