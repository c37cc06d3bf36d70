// The banner every notebook and report starts with: what it is, and whether its numbers are simulated.
import * as path from "node:path";
import { projectRoot } from "../util/paths";
import { escapeHtml } from "./table";

export interface HeaderInfo {
  title: string;
  engine: string;
  gpu: string;
  toolVersion: string;
  /** Extra lines, e.g. the parameters in use. */
  notes?: string[];
}

/** The first output of every notebook: what it is, and whether the numbers are simulated. */
export function headerHtml(info: HeaderInfo): string {
  const simulated = info.engine === "sim";
  const badge = simulated
    ? `<b style="color:#b45309">SIMULATED</b> — engine <code>sim</code> (CPU simulator of vLLM), GPU profile <code>${escapeHtml(info.gpu)}</code>; numbers are modelled, not measured on a GPU.`
    : `<b style="color:#047857">MEASURED</b> — engine <code>${escapeHtml(info.engine)}</code> on GPU <code>${escapeHtml(info.gpu)}</code>.`;
  const notes = (info.notes ?? []).map((n) => `<div style="color:#555">${escapeHtml(n)}</div>`).join("");
  return `<div style="border-left:4px solid ${simulated ? "#f59e0b" : "#10b981"};padding:6px 12px;font:14px system-ui,sans-serif">
<div style="font-size:16px;font-weight:600">${escapeHtml(info.title)}</div><div>${badge}</div><div style="color:#555">llm-latency-lab ${escapeHtml(info.toolVersion)}</div>${notes}</div>`;
}


/** A path as people should read it: relative to the project root when inside it (no /home/you/… in shared outputs). */
export function displayPath(p: string): string {
  const rel = path.relative(projectRoot(), path.resolve(p));
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}
