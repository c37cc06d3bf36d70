// HTML views of library results for notebooks: a started server, a bench run, a concurrency
// search, chat answers side by side. Plain inputs, strings out.
import type { BenchDocument, MaxConcurrencyDocument } from "../types";
import type { ServerHandle } from "../server/launch";
import { loadPhaseSegments } from "../analysis/phases";
import { escapeHtml, formatNumber, renderRowsHtml, summaryRows, type TableRow } from "./table";

/** What a started server reports (the fields of a ServerHandle this view shows). */
export type ServerView = Pick<ServerHandle, "model" | "baseUrl" | "pid" | "commandLine" | "loadTimeS" | "firstCompletionS" | "phases">;

export function renderServerHtml(s: ServerView): string {
  const facts: TableRow[] = [
    { item: "model", value: s.model },
    { item: "base URL", value: s.baseUrl },
    { item: "pid", value: s.pid },
    { item: "load time: spawn → /health 200 (s)", value: s.loadTimeS },
    { item: "spawn → first completion (s)", value: s.firstCompletionS },
  ];
  const phases: TableRow[] = Object.entries(s.phases).map(([k, v]) => ({ phase: k, value: typeof v === "number" || typeof v === "string" ? v : v === null ? null : JSON.stringify(v) }));
  return `<div><code style="font-size:12px">${escapeHtml(s.commandLine)}</code></div>
<div style="display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap">${renderRowsHtml(facts, { caption: "Server" })}${renderRowsHtml(phases, { caption: "Phases parsed from the startup log" })}</div>`;
}

/** A bench document: every metric's summary, throughput and failures. */
export function renderBenchHtml(doc: BenchDocument, caption = `Benchmark of ${doc.model}`): string {
  const t = doc.throughput;
  const errors = doc.errors.length ? renderRowsHtml(doc.errors.map((e) => ({ ...e })), { caption: "Failures" }) : "";
  return `${renderRowsHtml(summaryRows(doc.metrics), { caption })}
<div style="font:13px system-ui,sans-serif;margin:4px 0">${doc.requests.completed} completed, ${doc.requests.failed} failed ·
${formatNumber(t.requests_per_s)} requests/s · ${formatNumber(t.output_tokens_per_s)} output tokens/s</div>${errors}`;
}

/** The concurrency search: one row per level tried. */
export function renderMaxConcurrencyHtml(doc: MaxConcurrencyDocument): string {
  const rows = [...doc.levels].sort((a, b) => a.concurrency - b.concurrency).map((l) => ({
    concurrency: l.concurrency, "within SLO": l.pass ? "yes" : "no", "p95 TPOT (ms)": l.metrics.tpot_ms.p95, "p95 TTFT (ms)": l.metrics.ttft_ms.p95,
    "mean decode tokens/s": l.metrics.decode_tokens_per_s.mean,
  }));
  return renderRowsHtml(rows, { caption: `Max concurrency under "${doc.slo}": ${doc.max_concurrency}` });
}

/** A chat answer as the client returns it. */
export interface AnswerView {
  content: string;
  reasoning?: string | null;
  finishReason?: string | null;
  usage?: { promptTokens: number; completionTokens: number } | null;
}

/** Answers in columns, headed by what was sent (e.g. "§4: system prompt, T=0.7" vs "§8 practice"). */
export function renderSideBySideHtml(answers: Record<string, AnswerView>): string {
  const cols = Object.entries(answers).map(([title, a]) => {
    const usage = a.usage ? `${a.usage.promptTokens} prompt + ${a.usage.completionTokens} output tokens` : "no usage";
    const reasoning = a.reasoning ? `<details><summary>reasoning (${a.reasoning.length} chars)</summary><pre style="white-space:pre-wrap">${escapeHtml(a.reasoning)}</pre></details>` : "<div style=\"color:#777\">no reasoning text</div>";
    return `<div style="flex:1;min-width:280px;border:1px solid #ddd;padding:8px"><div style="font-weight:600">${escapeHtml(title)}</div>
<div style="color:#555;font-size:12px">finish: ${escapeHtml(String(a.finishReason ?? "—"))} · ${escapeHtml(usage)}</div>${reasoning}
<pre style="white-space:pre-wrap">${escapeHtml(a.content)}</pre></div>`;
  });
  return `<div style="display:flex;gap:12px;flex-wrap:wrap;font:13px system-ui,sans-serif">${cols.join("")}</div>`;
}

/** Items as a bulleted list (e.g. the reasons a preflight refused a configuration). */
export function renderListHtml(items: string[], caption: string): string {
  const body = items.length ? items.map((i) => `<li>${escapeHtml(i)}</li>`).join("") : "<li><i>none</i></li>";
  return `<div style="font:13px system-ui,sans-serif"><b>${escapeHtml(caption)}</b><ul>${body}</ul></div>`;
}

/** One server's load time and its main phases as a table row (notebook 01 sets the two side by side). */
export function loadTimeRow(s: ServerView): TableRow {
  const segments = loadPhaseSegments(s.phases, s.loadTimeS);
  return {
    model: s.model, "spawn → /health 200 (s)": s.loadTimeS, "spawn → first completion (s)": s.firstCompletionS,
    "weights load (s)": s.phases.weights_load_s, "model memory (GiB)": s.phases.model_memory_gib,
    "KV cache (tokens)": s.phases.kv_cache_tokens, "graph capture (s)": s.phases.graph_capture_s,
    "not in the log (s)": segments[segments.length - 1]?.seconds ?? null,
  };
}
