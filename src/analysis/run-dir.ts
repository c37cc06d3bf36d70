// Reads a reproduce run dir (data/runs/<timestamp>-<engine>/) into plain records. No danfojs here:
// the rest of the code, and the report CLI, work from these objects.
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";
import type {
  MaxConcurrencyDocument, MemorySample, ReproduceDocument, ReproduceModelResult, RequestRecord, StartupPhases,
} from "../types";
import { projectPath } from "../util/paths";
import type { Table71Row } from "./table-71";

export interface ModelRun {
  model: string;
  /** The model's folder inside the run dir. */
  dir: string;
  result: ReproduceModelResult;
  /** Records per prompt class (from requests-<class>.jsonl), warm-ups and failures included. */
  requests: Record<string, RequestRecord[]>;
  maxConcurrency: MaxConcurrencyDocument | null;
  maxConcurrencyRequests: RequestRecord[];
  memory: MemorySample[];
  phases: StartupPhases | null;
  serverLog: string | null;
}

export interface RunData {
  dir: string;
  name: string;
  summary: ReproduceDocument;
  metadata: Record<string, unknown> | null;
  models: ModelRun[];
}

export const DEFAULT_RUNS_DIR = "data/runs";

/** Run dirs (those holding a summary.json) under `root`, oldest first (names start with a timestamp). */
export function listRuns(root: string = projectPath(DEFAULT_RUNS_DIR)): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, "summary.json")))
    .map((e) => path.join(root, e.name))
    .sort();
}

/** The newest run dir under `root`, optionally only those of one engine (name ends in -<engine>). */
export function latestRun(root: string = projectPath(DEFAULT_RUNS_DIR), engine?: string): string {
  const runs = listRuns(root).filter((d) => !engine || path.basename(d).endsWith(`-${engine}`));
  const last = runs[runs.length - 1];
  if (!last) {
    throw new UsageError(`no run dir with a summary.json under ${root}${engine ? ` for engine ${engine}` : ""}; run \`npx latency-lab reproduce --engine sim\` first`);
  }
  return last;
}

function readJson<T>(file: string): T | null {
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON (${(err as Error).message}); re-run the experiment or fix the file`, { cause: err });
  }
}

/** Parses JSONL; a torn last line (run interrupted mid-write) is dropped, any other bad line is an error. */
export function readJsonl<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const out: T[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      out.push(JSON.parse(line) as T);
    } catch (err) {
      if (i === lines.length - 1) return;
      throw new UsageError(`${file}:${i + 1} is not valid JSON; the file is damaged`, { cause: err });
    }
  });
  return out;
}

/** Folder names a model's files may live under: the full id with "/" replaced, or its last segment. */
function slugCandidates(model: string): string[] {
  const last = model.split("/").pop() ?? model;
  return [model.replace(/\//g, "--"), model.replace(/\//g, "_"), model.replace(/[^A-Za-z0-9._-]+/g, "-"), last]
    .map((s) => s.toLowerCase());
}

function findModelDir(runDir: string, result: ReproduceModelResult): string {
  const wanted = slugCandidates(result.model);
  if (typeof result.slug === "string") wanted.unshift(result.slug.toLowerCase());
  const dirs = fs.readdirSync(runDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  const hit = dirs.find((d) => wanted.includes(d.toLowerCase()));
  if (!hit) throw new UsageError(`${runDir} has no folder for model ${result.model} (looked for ${wanted.join(", ")}); is this a complete run dir?`);
  return path.join(runDir, hit);
}

/** phases.json holds the phases either bare or under `phases` (beside the server's pid, URL, …). */
function phasesOf(doc: Record<string, unknown> | null): StartupPhases | null {
  if (!doc) return null;
  const inner = doc.phases;
  if (inner && typeof inner === "object") return inner as StartupPhases;
  return "weights_load_s" in doc ? (doc as unknown as StartupPhases) : null;
}

function loadModel(runDir: string, result: ReproduceModelResult): ModelRun {
  const dir = findModelDir(runDir, result);
  const requests: Record<string, RequestRecord[]> = {};
  for (const file of fs.readdirSync(dir).sort()) {
    const m = /^requests-(.+)\.jsonl$/.exec(file);
    if (m && m[1] !== "max-concurrency") requests[m[1] as string] = readJsonl<RequestRecord>(path.join(dir, file));
  }
  const logFile = path.join(dir, "server.log");
  return {
    model: result.model,
    dir,
    result,
    requests,
    maxConcurrency: readJson<MaxConcurrencyDocument>(path.join(dir, "max-concurrency.json")),
    maxConcurrencyRequests: readJsonl<RequestRecord>(path.join(dir, "requests-max-concurrency.jsonl")),
    memory: readJsonl<MemorySample>(path.join(dir, "memory.jsonl")),
    phases: phasesOf(readJson<Record<string, unknown>>(path.join(dir, "phases.json"))) ?? phasesOf(result as Record<string, unknown>),
    serverLog: fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : null,
  };
}

/** Loads a run dir: summary.json (required), metadata.json and every model's files. */
export function loadRun(runDir: string): RunData {
  const dir = path.resolve(runDir);
  const summary = readJson<ReproduceDocument>(path.join(dir, "summary.json"));
  if (!summary) throw new UsageError(`${dir} has no summary.json; pass a run dir written by \`latency-lab reproduce\``);
  if (summary.schema !== "latency-lab/reproduce@1" || !Array.isArray(summary.models)) {
    throw new UsageError(`${dir}/summary.json is not a latency-lab/reproduce@1 document (schema: ${String(summary.schema)})`);
  }
  return {
    dir,
    name: path.basename(dir),
    summary,
    metadata: readJson<Record<string, unknown>>(path.join(dir, "metadata.json")),
    models: summary.models.map((m) => loadModel(dir, m)),
  };
}

/** summary.json's table as written before the rows were shared: one row per metric, a cell per model. */
/** The table 7.1 rows a reproduce run stored in summary.json (src/analysis/table-71.ts shape), or null. */
export function summaryTable71(summary: ReproduceDocument): Table71Row[] | null {
  return Array.isArray(summary.table) ? (summary.table as Table71Row[]) : null;
}
