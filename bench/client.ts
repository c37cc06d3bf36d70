// npm run bench:client — the client's own overhead, against a zero-latency streaming server in a
// child process (so it does not share our event loop). Both processes read the same clock
// (performance.timeOrigin + performance.now()), so "client reading − server send time" of the first
// token is the timestamp error the client adds. Prints medians of REPEATS runs.
// Targets (issue 6): ≥ 2,000 concurrent streams on 2 cores, p99 timestamp error < 1 ms at 256.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sharedWallClock } from "../src/client/clock";
import { streamRequest } from "../src/client/stream-request";
import { percentileSorted } from "../src/stats/summary";
import { sleep } from "../src/util/sleep";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const LEVELS = (process.env.BENCH_LEVELS ?? "64,256,1024,2048,4096").split(",").map(Number);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 50);
// 20 chunks/s per stream: every stream exactly at the default SLO's limit (TPOT 50 ms), the rate a
// server must sustain for each of its streams at "max concurrency under tpot:p95<=50ms".
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 50);
/** A level is "sustained" when no stream fails and the p99 first-token timestamp error stays under this. */
const SUSTAIN_P99_MS = 5;

// Pin the client to 2 cores and the server to the others, when the machine has them.
const cpus = os.cpus().length;
if (!process.env.BENCH_PINNED && cpus >= 4 && spawnSync("taskset", ["-V"]).status === 0) {
  const r = spawnSync("taskset", ["-c", "0,1", process.execPath, ...process.execArgv, __filename], { stdio: "inherit", env: { ...process.env, BENCH_PINNED: "1" } });
  process.exit(r.status ?? 1);
}

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const args = ["--import", "tsx", path.join(__dirname, "client-server.ts")];
  const child = process.env.BENCH_PINNED
    ? spawn("taskset", ["-c", `2-${cpus - 1}`, process.execPath, ...args], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout?.once("data", (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
    child.once("exit", (code) => reject(new Error(`bench server exited with code ${code}`)));
  });
}

interface LevelResult { streams: number; failed: number; chunksPerS: number; errP50: number; errP99: number; lagP99: number; cpuUsPerChunk: number }

async function measure(baseUrl: string, streams: number, chunks: number, intervalMs: number, rounds: number): Promise<LevelResult> {
  const errors: number[] = [];
  let failed = 0;
  let totalChunks = 0;
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
        clock: sharedWallClock, runStartMs: 0, keepText: true, timeoutMs: 120_000,
      });
      if (!rec.ok) { failed++; continue; }
      totalChunks += rec.chunkCodes.length;
      const i = rec.chunkCodes.search(/[crb]/);
      const sent = /^T([\d.]+);/.exec(rec.text ?? "");
      if (i >= 0 && sent && rec.sentMs >= t0 + streamMs) errors.push(rec.sentMs + (rec.chunkMs[i] as number) - Number(sent[1]));
    }
  }));
  const seconds = (sharedWallClock() - t0) / 1000;
  lag.disable();
  const cpu = process.cpuUsage(cpu0);
  errors.sort((a, b) => a - b);
  return {
    streams, failed, chunksPerS: totalChunks / seconds,
    errP50: errors.length ? percentileSorted(errors, 50) : NaN, errP99: errors.length ? percentileSorted(errors, 99) : NaN,
    lagP99: Math.max(0, lag.percentile(99) / 1e6 - 5),
    cpuUsPerChunk: (cpu.user + cpu.system) / Math.max(1, totalChunks),
  };
}

const median = (xs: number[]): number => percentileSorted([...xs].sort((a, b) => a - b), 50);

async function main(): Promise<void> {
  const { child, port } = await startServer();
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  try {
    console.log(`client bench: ${os.cpus()[0]?.model ?? "cpu"}, ${cpus} cores (${process.env.BENCH_PINNED ? "client pinned to 2, server on the rest" : "client and server share them"}), node ${process.version}`);
    console.log(`streams of ${CHUNKS} chunks ${INTERVAL_MS} ms apart, 3 rounds per level, starts staggered over one stream, errors after the ramp, medians of ${REPEATS} runs\n`);
    await measure(baseUrl, 32, 10, 0, 1); // warm up sockets and JIT
    console.log("streams  failed  chunks/s  ts-err p50 (ms)  ts-err p99 (ms)  loop-lag p99 (ms)  client CPU µs/chunk");
    let sustained = 0;
    let cpuAtTop = NaN;
    for (const n of LEVELS) {
      const runs: LevelResult[] = [];
      for (let i = 0; i < REPEATS; i++) runs.push(await measure(baseUrl, n, CHUNKS, INTERVAL_MS, 3));
      const m = {
        failed: median(runs.map((r) => r.failed)), chunksPerS: median(runs.map((r) => r.chunksPerS)),
        errP50: median(runs.map((r) => r.errP50)), errP99: median(runs.map((r) => r.errP99)), lagP99: median(runs.map((r) => r.lagP99)), cpu: median(runs.map((r) => r.cpuUsPerChunk)),
      };
      console.log(`${String(n).padStart(7)}  ${String(m.failed).padStart(6)}  ${m.chunksPerS.toFixed(0).padStart(8)}  ${m.errP50.toFixed(3).padStart(15)}  ${m.errP99.toFixed(3).padStart(15)}  ${m.lagP99.toFixed(2).padStart(17)}  ${m.cpu.toFixed(1).padStart(19)}`);
      if (m.failed === 0 && m.errP99 < SUSTAIN_P99_MS) sustained = n;
      cpuAtTop = m.cpu;
    }
    const flood: number[] = [];
    for (let i = 0; i < REPEATS; i++) flood.push((await measure(baseUrl, 64, 5000, 0, 1)).chunksPerS);
    console.log(`\nmost concurrent streams sustained (no failures, p99 ts-err < ${SUSTAIN_P99_MS} ms): ${sustained}`);
    // What one core could carry at the top level's CPU cost per chunk, were it not shared with the server.
    const perCore = 1e6 / cpuAtTop;
    console.log(`client CPU at ${LEVELS[LEVELS.length - 1]} streams: ${cpuAtTop.toFixed(1)} µs/chunk → one dedicated core ≈ ${perCore.toFixed(0)} chunks/s ≈ ${(perCore / (1000 / INTERVAL_MS)).toFixed(0)} streams at ${1000 / INTERVAL_MS} chunks/s`);
    console.log(`max chunks/s parsed (64 streams, server writes as fast as it can): ${median(flood).toFixed(0)}`);
  } finally {
    child.kill("SIGTERM");
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:client: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
