// Headless Chromium (Debian's /usr/bin/chromium; nothing is downloaded) for the report tests:
// render a page to its DOM after scripts ran, and make sure no browser process outlives the call.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Pids of processes whose command line mentions `marker` (our throwaway profile dir). */
export function pidsMentioning(marker: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker)) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Runs Chromium headless on `args` + the file's URL with a fresh profile; returns stdout and leftover pids. */
export function runChromium(file: string, args: string[]): { stdout: string; leftoverPids: number[] } {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "lab-chromium-"));
  try {
    const stdout = execFileSync(CHROMIUM, [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", `--user-data-dir=${profile}`, "--virtual-time-budget=10000", ...args, `file://${file}`,
    ], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 120_000, stdio: ["ignore", "pipe", "ignore"] });
    return { stdout, leftoverPids: pidsMentioning(profile) };
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
