// Largest concurrency that meets an SLO: double from 1 until a level fails (or the limit passes),
// then bisect between the last pass and the first fail. The next-step decision is a pure function
// of the levels measured so far, so it is tested on scripted results.
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";
import type { ConcurrencyLevel, MaxConcurrencyDocument, RequestRecord } from "../types";
import { createRecordWriter } from "../record/jsonl";
import { buildMetadata } from "../record/meta";
import { deriveMetrics } from "../stats/metrics";
import { runBench, type RunBenchOptions } from "./run-bench";
import { checkServer } from "./server-check";
import { checkSlo, DEFAULT_SLO, parseSlo, type Slo } from "./slo";

export const DEFAULT_MAX_CONCURRENCY_LIMIT = 256;
export const MIN_REQUESTS_PER_LEVEL = 32;

export interface LevelOutcome {
  concurrency: number;
  pass: boolean;
}

/** The bracket so far: lo = largest pass below the smallest fail (0 if none), hi = smallest fail. */
export function searchBracket(levels: readonly LevelOutcome[]): { lo: number; hi: number } {
  const hi = Math.min(Infinity, ...levels.filter((l) => !l.pass).map((l) => l.concurrency));
  const lo = Math.max(0, ...levels.filter((l) => l.pass && l.concurrency < hi).map((l) => l.concurrency));
  return { lo, hi };
}

/** The next concurrency to measure, or null when the answer is known. */
export function nextConcurrency(levels: readonly LevelOutcome[], limit: number): number | null {
  if (levels.length === 0) return 1;
  const { lo, hi } = searchBracket(levels);
  if (hi === Infinity) return lo >= limit ? null : Math.min(Math.max(1, lo * 2), limit);
  if (hi - lo <= 1) return null;
  return Math.floor((lo + hi) / 2);
}

/** The search's answer: the largest passing level below the first failing one (0 = even 1 fails). */
export function maxPassingConcurrency(levels: readonly LevelOutcome[]): number {
  return searchBracket(levels).lo;
}

export interface FindMaxConcurrencyOptions extends Omit<RunBenchOptions, "concurrency" | "requests" | "requestRate" | "untilCompleted" | "slo" | "writer" | "firstIndex"> {
  slo?: Slo | string;
  maxConcurrencyLimit?: number;
  /** Completed requests per level; default max(32, 2 × concurrency). */
  requestsPerLevel?: number;
  onLevel?: (level: ConcurrencyLevel) => void;
}

export async function findMaxConcurrency(options: FindMaxConcurrencyOptions): Promise<{ document: MaxConcurrencyDocument; records: RequestRecord[] }> {
  const slo = parseSlo(typeof options.slo === "string" ? options.slo : options.slo?.text ?? DEFAULT_SLO);
  const limit = options.maxConcurrencyLimit ?? DEFAULT_MAX_CONCURRENCY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`max concurrency limit must be a positive integer, got ${JSON.stringify(limit)}`);
  if (options.requestsPerLevel !== undefined && !(Number.isInteger(options.requestsPerLevel) && options.requestsPerLevel >= 1)) {
    throw new UsageError(`requests per level must be a positive integer, got ${JSON.stringify(options.requestsPerLevel)}`);
  }
  const startedAt = new Date().toISOString();
  const server = options.checkServer === false ? null : await checkServer(options.baseUrl, options.model, options.apiKey);
  const writer = options.outDir ? createRecordWriter(path.join(options.outDir, "requests.jsonl")) : undefined;
  const parameters = {
    slo: slo.text, max_concurrency_limit: limit, requests_per_level: options.requestsPerLevel ?? null, warmup: options.warmup ?? 0,
    max_tokens: options.maxTokens ?? null, ignore_eos: options.ignoreEos ?? false, timeout_s: options.timeoutS ?? null, prompts: options.prompts.map((p) => p.id),
  };
  const writeMeta = (endedAt: string | null): void => {
    if (!options.outDir) return;
    const meta = buildMetadata({ command: "max-concurrency", baseUrl: options.baseUrl, model: options.model, server, parameters, startedAt, endedAt });
    fs.writeFileSync(path.join(options.outDir, "metadata.json"), `${JSON.stringify(meta, null, 2)}\n`);
  };
  writeMeta(null);

  const levels: ConcurrencyLevel[] = [];
  const records: RequestRecord[] = [];
  try {
    for (let c = nextConcurrency(levels, limit); c !== null && !options.signal?.aborted; c = nextConcurrency(levels, limit)) {
      const requests = options.requestsPerLevel ?? Math.max(MIN_REQUESTS_PER_LEVEL, 2 * c);
      const { document, records: levelRecords } = await runBench({
        ...options, slo, concurrency: c, requests, untilCompleted: true, checkServer: false, outDir: undefined, writer,
        warmup: levels.length === 0 ? options.warmup : 0, firstIndex: records.length, group: options.group ?? `c=${c}`,
      });
      records.push(...levelRecords);
      // A level cut short by Ctrl-C says nothing about the SLO: keep its records, not a verdict.
      if (options.signal?.aborted || options.hardSignal?.aborted) break;
      const measured = levelRecords.filter((r) => !r.isWarmup);
      const check = checkSlo(slo, measured.filter((r) => r.ok).map(deriveMetrics));
      const failed = document.requests.failed;
      // A level with failed requests does not pass: the server did not serve that load.
      const level: ConcurrencyLevel = {
        concurrency: c, pass: check.pass && failed === 0, metrics: document.metrics,
        requests: document.requests, slo_values: check.clauses, throughput: document.throughput, errors: document.errors,
        order: levels.length, client: document.client,
      };
      levels.push(level);
      options.onLevel?.(level);
    }
  } finally {
    await writer?.close();
  }
  const document: MaxConcurrencyDocument = {
    schema: "latency-lab/max-concurrency@1",
    slo: slo.text,
    max_concurrency: maxPassingConcurrency(levels),
    levels: [...levels].sort((a, b) => a.concurrency - b.concurrency),
    model: options.model,
    base_url: options.baseUrl,
    slo_definition: `${slo.definition}, over the completed requests of each level; a level with any failed request does not pass`,
    search: "concurrency 1, 2, 4, … until a level fails or the limit passes, then bisection between the last pass and the first fail",
    max_concurrency_limit: limit,
    interrupted: options.signal?.aborted === true,
    started_at: startedAt,
    ended_at: new Date().toISOString(),
  };
  if (options.outDir) {
    fs.writeFileSync(path.join(options.outDir, "summary.json"), `${JSON.stringify(document, null, 2)}\n`);
    writeMeta(document.ended_at as string);
  }
  return { document, records };
}
