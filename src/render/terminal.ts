// Terminal output for the CLI: a progress line on stderr (only on a TTY or when asked, repainted
// at most 4 times a second from a timer, never from the per-record path) and plain-text tables.
import type { BenchDocument, MaxConcurrencyDocument, Summary } from "../types";

export const PROGRESS_REPAINT_MS = 250;

export interface Progress {
  /** Counts one finished request (cheap: no drawing here). */
  tick(ok: boolean): void;
  setTotal(total: number | null): void;
  setLabel(label: string): void;
  stop(): void;
}

export function createProgress(opts: { total: number | null; label?: string; enabled?: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = opts.stream ?? process.stderr;
  const enabled = opts.enabled ?? stream.isTTY === true;
  let total = opts.total;
  let label = opts.label ?? "";
  let done = 0;
  let failed = 0;
  let dirty = true;
  const startMs = Date.now();
  const draw = (): void => {
    if (!dirty) return;
    dirty = false;
    const width = 24;
    const frac = total ? Math.min(1, done / total) : 0;
    const bar = total ? `[${"#".repeat(Math.round(frac * width)).padEnd(width, ".")}] ` : "";
    const elapsed = ((Date.now() - startMs) / 1000).toFixed(0);
    const line = `${label ? `${label} ` : ""}${bar}${done}${total ? `/${total}` : ""} done, ${failed} failed, ${elapsed} s`;
    stream.write(stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  const timer = enabled ? setInterval(draw, PROGRESS_REPAINT_MS) : null;
  timer?.unref();
  return {
    tick(ok) {
      done += 1;
      if (!ok) failed += 1;
      dirty = true;
    },
    setTotal(t) { total = t; dirty = true; },
    setLabel(l) { label = l; dirty = true; },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      dirty = true;
      draw();
      if (stream.isTTY) stream.write("\n");
    },
  };
}

function fmt(v: number | null, digits = 1): string {
  return v === null ? "-" : v.toFixed(digits);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const ROWS: Array<[keyof BenchDocument["metrics"], string, number]> = [
  ["ttft_ms", "TTFT (ms)", 1], ["ttfo_ms", "TTFO, first answer token (ms)", 1], ["tpot_ms", "TPOT (ms)", 2],
  ["itl_ms", "ITL (ms)", 2], ["e2e_ms", "E2E (ms)", 1], ["output_tokens", "output tokens", 0], ["decode_tokens_per_s", "decode tokens/s", 1],
];

function summaryRow(name: string, s: Summary, d: number): string[] {
  return [name, String(s.count), fmt(s.mean, d), fmt(s.std, d), fmt(s.p50, d), fmt(s.p90, d), fmt(s.p99, d), fmt(s.max, d)];
}

export function renderBenchTable(doc: BenchDocument): string {
  const head = `${doc.model} @ ${doc.base_url}: ${doc.requests.completed} completed, ${doc.requests.failed} failed`;
  const metrics = table(["metric", "n", "mean", "std", "p50", "p90", "p99", "max"], ROWS.map(([k, name, d]) => summaryRow(name, doc.metrics[k], d)));
  const t = doc.throughput;
  const thr = `throughput: ${t.requests_per_s.toFixed(2)} req/s, ${t.output_tokens_per_s.toFixed(1)} output tok/s, ${t.total_tokens_per_s.toFixed(1)} total tok/s`;
  const errors = doc.errors.length ? `\nerrors:\n${doc.errors.map((e) => `  ${e.count} × ${e.kind}: ${e.message}`).join("\n")}` : "";
  return `${head}\n\n${metrics}\n\n${thr}${errors}\n`;
}

export function renderMaxConcurrencyTable(doc: MaxConcurrencyDocument): string {
  const rows = doc.levels.map((l) => {
    const vals = (l.slo_values as Array<{ valueMs: number | null }> | undefined) ?? [];
    const req = l.requests as { completed: number; failed: number } | undefined;
    return [String(l.concurrency), l.pass ? "pass" : "FAIL", vals.map((v) => fmt(v.valueMs, 2)).join(", "), fmt(l.metrics.ttft_ms.p95), fmt(l.metrics.tpot_ms.p95, 2), req ? `${req.completed}/${req.failed}` : "-"];
  });
  const head = `max concurrency under ${doc.slo}: ${doc.max_concurrency}`;
  const def = typeof doc.slo_definition === "string" ? `\n(${doc.slo_definition})` : "";
  return `${head}${def}\n\n${table(["concurrency", "SLO", "SLO value (ms)", "TTFT p95", "TPOT p95", "ok/failed"], rows)}\n`;
}
