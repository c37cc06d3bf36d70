// The article's published table 7.1: data/published/<name>-table-7.1.csv (preferred) or the rows
// embedded in the experiment file.
import * as fs from "node:fs";
import type { Experiment, PublishedRow } from "../config/schema";
import { ConfigError } from "../errors";
import { projectPath } from "../util/paths";

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") out.push(cur), (cur = "");
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Rows of a published-table CSV with columns metric, model, value, plus_minus (others ignored). */
export function parsePublishedCsv(text: string, source = "published CSV"): PublishedRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = splitCsvLine(lines[0] ?? "");
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new ConfigError(`${source}: no "${name}" column (found ${header.join(", ")}); restore the file`);
    return i;
  };
  const [m, mo, v, pm] = [col("metric"), col("model"), col("value"), col("plus_minus")];
  return lines.slice(1).map((line) => {
    const f = splitCsvLine(line);
    const plus = (f[pm] ?? "").trim();
    return { metric: f[m] ?? "", model: f[mo] ?? "", value: Number(f[v]), plus_minus: plus === "" ? null : Number(plus) };
  });
}

/** Published rows for an experiment: its CSV if present, else the embedded rows. */
export function loadPublished(exp: Experiment): PublishedRow[] {
  const csv = exp.publishedCsv ?? `data/published/${exp.name.replace(/-as-published$/, "")}-table-7.1.csv`;
  const file = fs.existsSync(csv) ? csv : projectPath(csv);
  if (fs.existsSync(file)) return parsePublishedCsv(fs.readFileSync(file, "utf8"), file);
  return exp.published;
}

export function publishedValue(rows: PublishedRow[], metric: string, model: string): PublishedRow | null {
  return rows.find((r) => r.metric === metric && r.model === model) ?? null;
}
