// The article's table 7.1 as data (data/published/seed-table-7.1.csv): one row per number printed.
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";
import { projectPath } from "../util/paths";

/** The metrics of table 7.1, in the article's row order. */
export const TABLE_71_METRICS = [
  "load_time_s", "ttft_short_ms", "ttft_medium_ms", "ttft_long_ms", "decode_tokens_per_s", "vram_peak_gb", "max_concurrency",
] as const;
export type Table71Metric = (typeof TABLE_71_METRICS)[number];

export interface PublishedValue {
  metric: Table71Metric;
  /** The article's row label (Chinese). */
  rowZh: string;
  unit: string;
  model: string;
  value: number;
  /** The "± x" the article printed, or null. */
  plusMinus: number | null;
}

export const PUBLISHED_TABLE_PATH = "data/published/seed-table-7.1.csv";
const COLUMNS = ["metric", "row_zh", "unit", "model", "value", "plus_minus"];

/**
 * Reads the published table (no field holds a comma, so a plain split is exact): the one source of
 * the published values. A relative `file` is taken from the working directory, else the project.
 */
export function loadPublished(file: string = projectPath(PUBLISHED_TABLE_PATH)): PublishedValue[] {
  if (!path.isAbsolute(file) && !fs.existsSync(file)) file = projectPath(file);
  if (!fs.existsSync(file)) throw new UsageError(`published table ${file} not found; restore it or fix the experiment's publishedCsv`);
  const [header, ...lines] = fs.readFileSync(file, "utf8").trim().split(/\r?\n/);
  if (header !== COLUMNS.join(",")) throw new UsageError(`${file}: expected header "${COLUMNS.join(",")}", got "${header}"`);
  return lines.map((line, i) => {
    const [metric, rowZh, unit, model, value, plusMinus] = line.split(",");
    if (!(TABLE_71_METRICS as readonly string[]).includes(metric as string)) {
      throw new UsageError(`${file}:${i + 2}: unknown metric "${metric}"; allowed: ${TABLE_71_METRICS.join(", ")}`);
    }
    const v = Number(value);
    if (!Number.isFinite(v)) throw new UsageError(`${file}:${i + 2}: value "${value}" is not a number`);
    return {
      metric: metric as Table71Metric, rowZh: rowZh as string, unit: unit as string, model: model as string, value: v,
      plusMinus: plusMinus ? Number(plusMinus) : null,
    };
  });
}
