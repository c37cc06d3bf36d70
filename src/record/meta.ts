// metadata.json for a run: what was measured, with what, where. Never contains the API key.
import * as os from "node:os";
import { execFileSync } from "node:child_process";
import { projectRoot, toolVersion } from "../util/paths";

export interface ServerInfo {
  version: unknown;
  models: unknown;
}

export interface RunMetadata {
  schema: "latency-lab/metadata@1";
  tool: { name: "llm-latency-lab"; version: string; git_revision: string | null };
  command: string;
  base_url: string;
  model: string;
  server: ServerInfo | null;
  parameters: Record<string, unknown>;
  started_at: string;
  ended_at: string | null;
  host: { hostname: string; platform: string; arch: string; cpus: number; cpu_model: string; total_memory_gib: number; node: string };
}

export function gitRevision(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: projectRoot(), stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).toString().trim() || null;
  } catch {
    return null; // not a git checkout (installed copy): recorded as null
  }
}

const SECRET_KEYS = /api[_-]?key|authorization|token$|secret|password/i;

/** Parameters without anything that looks like a credential. */
export function redact(parameters: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(parameters).filter(([k]) => !SECRET_KEYS.test(k)));
}

export function buildMetadata(input: { command: string; baseUrl: string; model: string; server: ServerInfo | null; parameters: Record<string, unknown>; startedAt: string; endedAt?: string | null }): RunMetadata {
  const cpus = os.cpus();
  return {
    schema: "latency-lab/metadata@1",
    tool: { name: "llm-latency-lab", version: toolVersion(), git_revision: gitRevision() },
    command: input.command,
    base_url: input.baseUrl,
    model: input.model,
    server: input.server,
    parameters: redact(input.parameters),
    started_at: input.startedAt,
    ended_at: input.endedAt ?? null,
    host: {
      hostname: os.hostname(), platform: os.platform(), arch: os.arch(), cpus: cpus.length,
      cpu_model: cpus[0]?.model ?? "unknown", total_memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, node: process.version,
    },
  };
}
