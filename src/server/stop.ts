// Stop a server's whole process group: SIGINT → SIGTERM → SIGKILL with bounded waits, then confirm
// that no process of the group survives. Also the safety net that kills every live group when this
// process exits or is signalled, so an interrupted notebook kernel leaves no server holding the GPU.
import * as fs from "node:fs";
import { spawnSync } from "node:child_process";
import { LabError } from "../errors";
import { sleep } from "../util/sleep";

export const DEFAULT_STOP_GRACE_MS = { interrupt: 5_000, terminate: 5_000, kill: 2_000 };

/** Pids whose process group is `pgid` (Linux /proc; `ps` elsewhere). Zombies count as gone. */
export function listGroupPids(pgid: number): number[] {
  if (fs.existsSync("/proc/self/stat")) {
    const pids: number[] = [];
    for (const name of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      } catch {
        continue; // exited while we were scanning
      }
      // Fields after the ")" of the command name: state ppid pgrp …
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[2]) === pgid && rest[0] !== "Z") pids.push(Number(name));
    }
    return pids;
  }
  const ps = spawnSync("ps", ["-A", "-o", "pid=,pgid=,stat="], { encoding: "utf8" });
  return ps.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => Number(f[1]) === pgid && !(f[2] ?? "").startsWith("Z"))
    .map((f) => Number(f[0]));
}

/** Whether pid has exited (Linux: gone or a zombie not yet reaped; elsewhere: signal 0 fails). */
export function processGone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2) === "Z";
  } catch {
    if (fs.existsSync("/proc/self/stat")) return true;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

async function waitGroupGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (listGroupPids(pgid).length === 0) return true;
    if (Date.now() >= until) return false;
    await sleep(50);
  }
}

export interface StopResult {
  /** The last signal that had to be sent, or null when the group was already gone. */
  signal: NodeJS.Signals | null;
}

/** Stops process group `pgid` (the leader's pid when spawned detached). Throws if anything survives SIGKILL. */
export async function stopProcessGroup(pgid: number, grace = DEFAULT_STOP_GRACE_MS): Promise<StopResult> {
  if (listGroupPids(pgid).length === 0) return { signal: null };
  const steps: Array<[NodeJS.Signals, number]> = [["SIGINT", grace.interrupt], ["SIGTERM", grace.terminate], ["SIGKILL", grace.kill]];
  for (const [signal, ms] of steps) {
    signalGroup(pgid, signal);
    if (await waitGroupGone(pgid, ms)) return { signal };
  }
  const left = listGroupPids(pgid);
  throw new LabError(`server processes ${left.join(", ")} (group ${pgid}) survived SIGKILL; kill them by hand (kill -9 ${left.join(" ")})`);
}

// ---- safety net: live groups are killed on exit and on SIGINT/SIGTERM/SIGHUP ----

const liveGroups = new Map<number, () => Promise<unknown>>();
let hooksInstalled = false;

const EXIT_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (the CLI, a kernel): they stop their servers; 'exit' is the backstop.
  if (process.listenerCount(signal) > 1) return;
  const stops = [...liveGroups.values()].map((stop) => stop().catch(() => undefined));
  // Then the signal's default action (terminate), as if we had never listened.
  void Promise.all(stops).then(() => {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  });
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL whatever is still registered.
  process.on("exit", () => {
    for (const pgid of liveGroups.keys()) signalGroup(pgid, "SIGKILL");
  });
  for (const s of EXIT_SIGNALS) process.on(s, onSignal);
}

/** Registers a live group; `stop` runs on SIGINT/SIGTERM/SIGHUP, SIGKILL on exit. Returns the unregister function. */
export function registerLiveGroup(pgid: number, stop: () => Promise<unknown>): () => void {
  installHooks();
  liveGroups.set(pgid, stop);
  return () => {
    liveGroups.delete(pgid);
  };
}

/** Process groups currently registered (for tests and diagnostics). */
export function liveGroupIds(): number[] {
  return [...liveGroups.keys()];
}
