// Read and validate an experiment file. An error names the file, the field path, the value found
// and what is allowed, e.g. `servers[1].gpuMemoryUtilization = 1.5: must be ≤ 1`.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ZodIssue } from "zod";
import { ConfigError } from "../errors";
import { projectPath } from "../util/paths";
import type { ServerConfig } from "../server/config";
import { experimentSchema, type Experiment, type ServerEntry } from "./schema";

export const DEFAULT_EXPERIMENT = "data/experiments/seed-t4.json";

function fieldPath(p: ReadonlyArray<string | number>): string {
  return p.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("") || "(top level)";
}

function valueAt(raw: unknown, p: ReadonlyArray<string | number>): unknown {
  let v: unknown = raw;
  for (const k of p) v = v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? "missing" : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** One line per zod issue: path = value: what is allowed. */
export function describeIssue(issue: ZodIssue, raw: unknown): string {
  const where = fieldPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return `${where === "(top level)" ? "" : `${where}: `}unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  }
  let allowed = issue.message;
  if (issue.code === "invalid_enum_value") allowed = `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}`;
  else if (issue.code === "too_big") allowed = `must be ${issue.inclusive ? "≤" : "<"} ${issue.maximum}`;
  else if (issue.code === "too_small") allowed = issue.type === "array" || issue.type === "string" ? `must have at least ${issue.minimum} ${issue.type === "array" ? "item(s)" : "character(s)"}` : `must be ${issue.inclusive ? "≥" : ">"} ${issue.minimum}`;
  else if (issue.code === "invalid_type") allowed = `must be ${issue.expected}`;
  return `${where} = ${show(valueAt(raw, issue.path))}: ${allowed}`;
}

/** Validates an already-parsed experiment object; `source` names it in errors. */
export function validateExperiment(raw: unknown, source = "experiment"): Experiment {
  const result = experimentSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => describeIssue(i, raw));
    throw new ConfigError(`${source}: ${lines.join("; ")}; fix the file (fields are listed in src/config/schema.ts)`, { detail: lines.join("\n") });
  }
  const exp = result.data;
  const slugs = exp.servers.map((s) => s.slug);
  const dup = slugs.findIndex((s, i) => slugs.indexOf(s) !== i);
  if (dup >= 0) throw new ConfigError(`${source}: servers[${dup}].slug = ${JSON.stringify(slugs[dup])}: must differ from every other server's slug`);
  return exp;
}

/** Reads an experiment file (a path, or a name under data/experiments/). */
export function loadExperiment(file: string = DEFAULT_EXPERIMENT): Experiment {
  const named = projectPath("data", "experiments", `${file}.json`);
  const resolved = fs.existsSync(file) ? file : /^[\w.-]+$/.test(file) && fs.existsSync(named) ? named : projectPath(file);
  if (!fs.existsSync(resolved)) {
    throw new ConfigError(`experiment file ${file} not found; pass --experiment with a path or one of: ${listExperiments().join(", ")}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(resolved, "utf8"));
  } catch (err) {
    throw new ConfigError(`experiment ${resolved} is not valid JSON (${(err as Error).message}); fix the file`);
  }
  return validateExperiment(raw, path.relative(process.cwd(), resolved) || resolved);
}

export function listExperiments(): string[] {
  const dir = projectPath("data", "experiments");
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort() : [];
}

/** The server config for one entry of an experiment, with run-wide overrides (engine, python, GPU). */
export function serverConfigOf(exp: Experiment, entry: ServerEntry, overrides: { engine?: "sim" | "vllm"; python?: string; gpu?: string } = {}): ServerConfig {
  const { slug: _slug, temperature: _t, ...flags } = entry;
  return {
    ...flags,
    engine: overrides.engine ?? exp.engine,
    python: overrides.python ?? exp.python,
    gpu: overrides.gpu ?? exp.gpu,
    entrypoint: exp.entrypoint,
    fastStart: exp.fastStart,
    seed: exp.seed,
    readyTimeoutMs: exp.readyTimeoutS * 1000,
  };
}
