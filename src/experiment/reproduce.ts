// The article's whole experiment as one call: for each model — preflight, start, load time, the
// prompt classes, GPU memory, max concurrency, stop — writing every record the moment it exists.
// Returns the reproduce@1 document and the run directory; prints nothing (progress goes to a callback).
import * as fs from "node:fs";
import * as path from "node:path";
import { loadPublished, PUBLISHED_TABLE_PATH } from "../analysis/published";
import { buildTable71, table71Notes, type Table71Notes, type Table71Row } from "../analysis/table-71";
import { loadExperiment, serverConfigOf } from "../config/experiment";
import type { Experiment, ServerEntry } from "../config/schema";
import { loadPromptSet, type SampleRequest } from "../datasets/index";
import { oneLine, PreflightError, UsageError } from "../errors";
import { findMaxConcurrency, runBench } from "../load/index";
import { createRecordWriter, type RecordWriter } from "../record/jsonl";
import { startMemorySampler, type MemoryTimeline } from "../server/gpu-memory";
import { startServer, type ServerHandle } from "../server/launch";
import { preflight, preflightWarnings } from "../server/preflight";
import { listGroupPids, processGone } from "../server/stop";
import { deriveMetrics } from "../stats/metrics";
import { EMPTY_SUMMARY, summarize } from "../stats/summary";
import type { BenchDocument, ReproduceDocument, ReproduceModelResult, RequestRecord, Summary } from "../types";
import { projectPath } from "../util/paths";
import { nowMs } from "../util/sleep";
import { buildRunMetadata } from "./metadata";
import { markServerExit } from "./server-exit";

const MIB_TO_GB = 2 ** 20 / 1e9;
/** After Ctrl-C, requests in flight get this long to finish before the server is stopped under them. */
const INTERRUPT_GRACE_MS = 3_000;

export type ReproduceEvent =
  | { type: "warning"; message: string }
  | { type: "model"; model: string; index: number; total: number }
  | { type: "phase"; model: string; phase: string; detail?: string }
  | { type: "record"; model: string; phase: string; record: RequestRecord }
  | { type: "done"; model: string; result: ReproduceModelResult };

export interface ReproduceOptions {
  /** An experiment object, or a file path / name under data/experiments/ (default seed-t4). */
  experiment?: Experiment | string;
  engine?: "sim" | "vllm";
  python?: string;
  gpu?: string;
  /** Run directory (default data/runs/<timestamp>-<engine>/). */
  outDir?: string;
  signal?: AbortSignal;
  onProgress?: (event: ReproduceEvent) => void;
}

export interface ReproduceResult {
  document: ReproduceDocument;
  runDir: string;
  /** Table 7.1 (the run's models × metrics, published values beside), as written into summary.json. */
  table: Table71Row[];
  /** Per metric: how it was measured and where the article is wrong (summary.json's table_notes). */
  tableNotes: Table71Notes;
  elapsedS: number;
  interrupted: boolean;
  /** One line per model that could not be measured completely. */
  failures: string[];
}

export function defaultRunDir(engine: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");
  return projectPath("data", "runs", `${stamp}-${engine}`);
}

const writeJson = (file: string, value: unknown): void => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
const round = (x: number | null, digits: number): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

function emptyResult(entry: ServerEntry, slo: string): ReproduceModelResult {
  return {
    model: entry.model, slug: entry.slug, load_time_s: null, first_completion_s: null,
    ttft_ms: { short: { ...EMPTY_SUMMARY }, medium: { ...EMPTY_SUMMARY }, long: { ...EMPTY_SUMMARY } },
    decode_tokens_per_s: { ...EMPTY_SUMMARY }, vram_peak_gb: null, model_footprint_gb: null, max_concurrency: null, slo,
    gpu_used_peak_gb: null, phases: null, requests: { completed: 0, failed: 0 }, errors: [], error: null,
  };
}

/** A record writer that relabels records failed by a dead server before they are written. */
function exitAwareWriter(file: string, server: ServerHandle): RecordWriter {
  const inner = createRecordWriter(file);
  return { ...inner, append: (r) => inner.append(markServerExit(r, server)) };
}

interface ModelRun {
  result: ReproduceModelResult;
  failure: string | null;
}

async function runModel(exp: Experiment, entry: ServerEntry, o: ReproduceOptions, runDir: string, prompts: SampleRequest[], signal: AbortSignal): Promise<ModelRun> {
  const engine = o.engine ?? exp.engine;
  const slo = exp.maxConcurrency?.slo ?? "";
  const result = emptyResult(entry, slo);
  const dir = path.join(runDir, entry.slug);
  fs.mkdirSync(dir, { recursive: true });
  const progress = (phase: string, detail?: string): void => o.onProgress?.({ type: "phase", model: entry.model, phase, detail });
  const config = { ...serverConfigOf(exp, entry, o), logPath: path.join(dir, "server.log") };

  progress("start");
  let server: ServerHandle;
  try {
    server = await startServer(config, { signal });
  } catch (err) {
    result.error = oneLine(err);
    // Ctrl-C while loading is an interruption, not a failure of the model.
    return { result, failure: signal.aborted ? null : `${entry.model}: ${oneLine(err)}` };
  }
  // The server dying, or Ctrl-C, stops this model's measurements (records already taken stay).
  const local = new AbortController();
  let graceTimer: NodeJS.Timeout | null = null;
  const onAbort = (): void => {
    local.abort(signal.reason);
    // Requests in flight may finish; past the grace period the server is stopped under them.
    graceTimer = setTimeout(() => void server.stop().catch(() => undefined), INTERRUPT_GRACE_MS);
  };
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) onAbort();
  void server.exited.then(() => local.abort(new Error("server exited")));
  let memory: MemoryTimeline | null = null;
  let failure: string | null = null;
  const memFile = path.join(dir, "memory.jsonl");
  const sampler = startMemorySampler({
    source: engine === "sim" ? "sim-metrics" : "nvidia-smi", baseUrl: server.baseUrl, phases: server.phases,
    pids: () => listGroupPids(server.pid), intervalMs: exp.memorySampleIntervalMs,
    onSample: (s) => fs.appendFileSync(memFile, `${JSON.stringify(s)}\n`),
  });
  try {
    result.load_time_s = round(server.loadTimeS, 3);
    result.first_completion_s = round(server.firstCompletionS, 3);
    result.phases = server.phases;
    writeJson(path.join(dir, "phases.json"), {
      model: entry.model, base_url: server.baseUrl, pid: server.pid, command_line: server.commandLine,
      load_time_s: server.loadTimeS, first_completion_s: server.firstCompletionS, started_at: server.startedAt, phases: server.phases,
    });
    progress("ready", `${server.loadTimeS.toFixed(1)} s`);

    const common = {
      baseUrl: server.baseUrl, model: server.model, apiKey: config.apiKey, temperature: entry.temperature,
      timeoutS: exp.requestTimeoutS, seed: exp.seed, signal: local.signal, checkServer: false,
    };
    const decode: number[] = [];
    const docs: BenchDocument[] = [];
    for (const cls of exp.promptClasses) {
      if (local.signal.aborted) break;
      progress(cls);
      const writer = exitAwareWriter(path.join(dir, `requests-${cls}.jsonl`), server);
      try {
        const { document, records } = await runBench({
          ...common, prompts: prompts.filter((p) => p.id === cls), requests: exp.runs, warmup: exp.warmup, concurrency: 1,
          maxTokens: exp.maxTokens, group: cls, writer, command: `reproduce ${cls}`,
          onRecord: (record) => o.onProgress?.({ type: "record", model: entry.model, phase: cls, record }),
        });
        writeJson(path.join(dir, `bench-${cls}.json`), document);
        docs.push(document);
        result.ttft_ms[cls] = document.metrics.ttft_ms;
        for (const r of records) if (r.ok && !r.isWarmup) decode.push(deriveMetrics(r).decodeTokensPerS ?? NaN);
      } finally {
        await writer.close();
      }
    }
    result.decode_tokens_per_s = summarize(decode);

    const mc = exp.maxConcurrency;
    if (mc && !local.signal.aborted) {
      progress("max-concurrency", mc.slo);
      const writer = exitAwareWriter(path.join(dir, "requests-max-concurrency.jsonl"), server);
      try {
        const { document } = await findMaxConcurrency({
          ...common, prompts: prompts.filter((p) => p.id === mc.promptClass), slo: mc.slo, maxTokens: mc.maxTokens,
          maxConcurrencyLimit: mc.limit, requestsPerLevel: mc.requestsPerLevel ?? undefined, command: "reproduce max-concurrency",
          onRecord: (record) => writer.append(record),
          onLevel: (level) => progress("max-concurrency", `c=${level.concurrency} ${level.pass ? "pass" : "fail"}`),
        });
        writeJson(path.join(dir, "max-concurrency.json"), document);
        result.max_concurrency = document.interrupted ? null : document.max_concurrency;
        // Passing at the limit means "at least the limit": the search did not look further.
        result.max_concurrency_at_limit = document.max_concurrency >= mc.limit;
        result.max_concurrency_search = { levels: document.levels.map((l) => ({ concurrency: l.concurrency, pass: l.pass })), limit: mc.limit };
      } finally {
        await writer.close();
      }
    }
    result.requests = {
      completed: docs.reduce((s, d) => s + d.requests.completed, 0),
      failed: docs.reduce((s, d) => s + d.requests.failed, 0),
    };
    result.errors = docs.flatMap((d) => d.errors);
  } catch (err) {
    failure = `${entry.model}: ${oneLine(err)}`;
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (graceTimer) clearTimeout(graceTimer);
    // Checked before our own stop(): an exit while measuring is a crash.
    const crashed = !signal.aborted && (server.hasExited() || processGone(server.pid));
    memory = await sampler.stop();
    progress("stop");
    await server.stop();
    if (crashed && failure === null) {
      const info = await server.exited;
      failure = `${entry.model}: the server exited during the run (${info.exitCode !== null ? `code ${info.exitCode}` : `signal ${info.signal}`}); see ${server.logPath}`;
    }
  }
  // nvidia-smi in a container often lists no process: then the whole GPU's use is the best reading.
  const peakMiB = memory.peakProcessMiB ?? memory.peakGpuUsedMiB;
  result.vram_peak_gb = round(peakMiB === null ? null : peakMiB * MIB_TO_GB, 2);
  result.vram_peak_source = memory.peakProcessMiB !== null ? "server processes" : memory.peakGpuUsedMiB !== null ? "whole GPU (nvidia-smi listed none of the server's processes)" : null;
  result.model_footprint_gb = round(memory.peakFootprintMiB === null ? null : memory.peakFootprintMiB * MIB_TO_GB, 2);
  result.gpu_used_peak_gb = round(memory.peakGpuUsedMiB === null ? null : memory.peakGpuUsedMiB * MIB_TO_GB, 2);
  result.memory_samples = memory.samples.length;
  if (memory.error) o.onProgress?.({ type: "warning", message: `${entry.model}: ${memory.error}` });
  result.error = failure;
  o.onProgress?.({ type: "done", model: entry.model, result });
  return { result, failure };
}

export async function runReproduce(options: ReproduceOptions = {}): Promise<ReproduceResult> {
  const t0 = nowMs();
  const exp = typeof options.experiment === "object" ? options.experiment : loadExperiment(options.experiment);
  const engine = options.engine ?? exp.engine;
  const configs = exp.servers.map((s) => serverConfigOf(exp, s, options));
  const promptSet = loadPromptSet(exp.promptSet);
  const wanted = new Set([...exp.promptClasses, ...(exp.maxConcurrency ? [exp.maxConcurrency.promptClass] : [])]);
  for (const cls of wanted) {
    if (!promptSet.prompts.some((p) => p.id === cls)) {
      throw new UsageError(`prompt class "${cls}" is not in prompt set "${exp.promptSet}" (it has ${promptSet.prompts.map((p) => p.id).join(", ")}); fix promptClasses / maxConcurrency.promptClass`);
    }
  }
  // Read before anything runs: a missing or damaged published table must not cost a whole run.
  const published = loadPublished(exp.publishedCsv ?? PUBLISHED_TABLE_PATH);
  const runDir = path.resolve(options.outDir ?? defaultRunDir(engine));
  // Records are appended: a second run into the same directory would mix with the first.
  if (fs.existsSync(path.join(runDir, "metadata.json"))) throw new UsageError(`--out ${runDir} already holds a run; give a new directory`);
  // Preflight before anything is spawned or written: every reason at once.
  const reasons = await preflight(configs, { parallel: exp.parallel });
  if (reasons.length > 0) throw new PreflightError(reasons);
  for (const message of await preflightWarnings(configs)) options.onProgress?.({ type: "warning", message });

  fs.mkdirSync(runDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const metadata = await buildRunMetadata({ exp, engine, configs, startedAt });
  writeJson(path.join(runDir, "metadata.json"), metadata);

  const signal = options.signal ?? new AbortController().signal;
  const runs: ModelRun[] = [];
  if (exp.parallel) {
    exp.servers.forEach((s, i) => options.onProgress?.({ type: "model", model: s.model, index: i, total: exp.servers.length }));
    runs.push(...(await Promise.all(exp.servers.map((s) => runModel(exp, s, options, runDir, promptSet.prompts, signal)))));
  } else {
    for (const [i, s] of exp.servers.entries()) {
      if (signal.aborted) break;
      options.onProgress?.({ type: "model", model: s.model, index: i, total: exp.servers.length });
      runs.push(await runModel(exp, s, options, runDir, promptSet.prompts, signal));
    }
  }
  const interrupted = signal.aborted;
  const elapsedS = (nowMs() - t0) / 1000;
  const document: ReproduceDocument = { schema: "latency-lab/reproduce@1", engine, models: runs.map((r) => r.result) };
  // Only the models of this run: a model not reached (Ctrl-C) gets no column of published values alone.
  const table = buildTable71(document, published.filter((p) => document.models.some((m) => m.model === p.model)));
  const tableNotes = table71Notes(document, options.gpu ?? exp.gpu);
  const failures = runs.map((r) => r.failure).filter((f): f is string => f !== null);
  Object.assign(document, {
    experiment: exp.name, run_dir: runDir, started_at: startedAt, ended_at: new Date().toISOString(), elapsed_s: round(elapsedS, 1),
    interrupted, failures, table, table_notes: tableNotes,
  });
  writeJson(path.join(runDir, "summary.json"), document);
  writeJson(path.join(runDir, "metadata.json"), { ...metadata, ended_at: document.ended_at, interrupted });
  return { document, runDir, table, tableNotes, elapsedS, interrupted, failures };
}
