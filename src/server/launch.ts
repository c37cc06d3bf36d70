// Start one server (vLLM or the simulator) in its own process group, its stdout+stderr appended to
// a log file as the article's `> deepseek_qwen.log 2>&1 &` did, and wait until /health says it is ready.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ServerStartError } from "../errors";
import type { StartupPhases } from "../types";
import { execaModule } from "../util/execa";
import { nowMs } from "../util/sleep";
import { findFreePort } from "../util/net";
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_READY_TIMEOUT_MS, servedModel, type ServerConfig } from "./config";
import { probeCompletion, waitForHealth } from "./ready";
import { classifyStartFailure, parseStartupLog } from "./startup-log";
import { DEFAULT_STOP_GRACE_MS, registerLiveGroup, stopProcessGroup } from "./stop";
import { buildVllmArgv, renderCommandLine } from "./vllm-args";

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  /** Set when the executable could not be spawned at all (e.g. ENOENT). */
  spawnError: string | null;
}

export interface ServerHandle {
  config: ServerConfig;
  /** The id clients send as `model`. */
  model: string;
  baseUrl: string;
  pid: number;
  commandLine: string;
  /** Spawn → /health 200, seconds. */
  loadTimeS: number;
  /** Spawn → first successful completion, seconds (null if not probed or it failed). */
  firstCompletionS: number | null;
  phases: StartupPhases;
  logPath: string;
  startedAt: string;
  /** The last `n` lines of the server log. */
  logTail(n?: number): string[];
  /** Whether the process has exited (crashed, or stopped). */
  hasExited(): boolean;
  exited: Promise<ExitInfo>;
  /** Stops the whole process group; idempotent. */
  stop(): Promise<void>;
}

const LOG_TAIL_LINES = 20;

export function readLogTail(logPath: string, n = LOG_TAIL_LINES): string[] {
  let text: string;
  try {
    const size = fs.statSync(logPath).size;
    const fd = fs.openSync(logPath, "r");
    const len = Math.min(size, 64 * 1024); // the tail only: logs of long runs grow large
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    fs.closeSync(fd);
    text = buf.toString("utf8");
  } catch {
    return [];
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.slice(-n);
}

function defaultLogPath(config: ServerConfig): string {
  const slug = config.model.replace(/[^A-Za-z0-9._-]+/g, "_");
  return path.join(os.tmpdir(), `latency-lab-${config.engine}-${slug}-${process.pid}-${Date.now()}.log`);
}

export interface StartOptions {
  /** Aborting stops the server and rejects (e.g. Ctrl-C while it loads). */
  signal?: AbortSignal;
}

export async function startServer(rawConfig: ServerConfig, options: StartOptions = {}): Promise<ServerHandle> {
  const host = rawConfig.host ?? DEFAULT_HOST;
  const port = rawConfig.port === 0 ? await findFreePort(host) : rawConfig.port ?? DEFAULT_PORT;
  const config: ServerConfig = { ...rawConfig, host, port };
  const logPath = config.logPath ?? defaultLogPath(config);
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  const argv = buildVllmArgv(config);
  const commandLine = renderCommandLine(argv);
  fs.appendFileSync(logPath, `# latency-lab: ${commandLine}\n`);
  const logFd = fs.openSync(logPath, "a");

  const { execa } = await execaModule();
  const startedAt = new Date().toISOString();
  const spawnMs = nowMs();
  // detached: the server leads its own process group, so stop() reaches vLLM's EngineCore children too.
  // execa's types accept only literal fd numbers; any open fd works at runtime (passed to spawn as is).
  const fd = logFd as 3;
  const child = execa(argv.file, argv.args, {
    detached: true,
    reject: false,
    cleanup: false,
    stdin: "ignore",
    stdout: fd,
    stderr: fd,
    env: { ...config.env, ...argv.env },
  });
  fs.closeSync(logFd);
  let exitInfo: ExitInfo | null = null;
  const exited: Promise<ExitInfo> = Promise.resolve(child).then((r) => {
    const spawnError = r.exitCode === undefined && r.signal === undefined ? r.originalMessage ?? r.shortMessage ?? "spawn failed" : null;
    const info: ExitInfo = { exitCode: r.exitCode ?? null, signal: r.signal ?? null, spawnError };
    exitInfo = info;
    return info;
  });
  const pid = child.pid;
  const failWith = async (reason: string, short: string): Promise<never> => {
    throw new ServerStartError(reason, short, { detail: `last lines of ${logPath}:\n${readLogTail(logPath).join("\n")}` });
  };
  if (pid === undefined) {
    const info = await exited;
    const what = config.engine === "vllm" ? `Python \`${argv.file}\`` : `\`${argv.file}\``;
    return failWith("spawn", `${config.model}: could not run ${what} (${info.spawnError ?? "spawn failed"}); check --python or PATH`);
  }

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    // After the group is gone, wait for the leader to be reaped so its pid no longer exists at all.
    stopping ??= stopProcessGroup(pid, config.stopGraceMs ?? DEFAULT_STOP_GRACE_MS).then(async () => {
      unregister();
      await exited;
    });
    return stopping;
  };
  const unregister = registerLiveGroup(pid, stop);
  void exited.then(() => {
    // The leader is gone; children left in the group are still reaped by stop().
    if (stopping === null && exitInfo !== null) void stop().catch(() => undefined);
  });

  const baseUrl = `http://${host === "0.0.0.0" || host === "" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host}:${port}`;
  const timeoutMs = config.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const outcome = await waitForHealth({ baseUrl, apiKey: config.apiKey, timeoutMs, exited, signal: options.signal });
  if (outcome.kind !== "ready") {
    await stop().catch(() => undefined);
    const info = await Promise.race([exited, Promise.resolve(null)]);
    if (outcome.kind === "aborted") return failWith("aborted", `${config.model}: interrupted before the server was ready; it was stopped`);
    if (outcome.kind === "timeout") {
      return failWith("ready-timeout", `${config.model}: the server did not become ready within ${timeoutMs / 1000} s (/health never returned 200); see ${logPath} or raise --ready-timeout`);
    }
    const failure = classifyStartFailure(fs.readFileSync(logPath, "utf8"), info?.exitCode ?? null, info?.signal ?? null);
    return failWith(failure.reason, `${config.model}: ${failure.cause}; ${failure.hint} (log: ${logPath})`);
  }
  const loadTimeS = (nowMs() - spawnMs) / 1000;
  let firstCompletionS: number | null = null;
  if (config.probeCompletion !== false) {
    const ok = await probeCompletion({ baseUrl, model: servedModel(config), apiKey: config.apiKey, timeoutMs: 60_000, alive: () => exitInfo === null });
    if (ok) firstCompletionS = (nowMs() - spawnMs) / 1000;
  }
  return {
    config,
    model: servedModel(config),
    baseUrl,
    pid,
    commandLine,
    loadTimeS,
    firstCompletionS,
    phases: parseStartupLog(fs.readFileSync(logPath, "utf8")),
    logPath,
    startedAt,
    logTail: (n = LOG_TAIL_LINES) => readLogTail(logPath, n),
    hasExited: () => exitInfo !== null,
    exited,
    stop,
  };
}

/** Stops a started server (same as handle.stop()). */
export function stopServer(handle: ServerHandle): Promise<void> {
  return handle.stop();
}
