// danfojs-node lives here and only here: plain rows in, DataFrames for notebooks, plain rows out.
import * as dfd from "danfojs-node";
import type { RequestRow } from "./requests";
import type { Table71Row } from "./table-71";

export type DataFrame = dfd.DataFrame;
type Row = Record<string, string | number | boolean | null>;

/** A DataFrame from plain rows (all rows share the first row's keys). */
export function toFrame(rows: readonly object[]): DataFrame {
  if (rows.length === 0) throw new RangeError("toFrame: no rows; nothing was measured");
  return new dfd.DataFrame(rows.map((r) => ({ ...r })));
}

/** The frame back as plain rows (what the renderers take). */
export function frameRows(df: DataFrame): Row[] {
  return dfd.toJSON(df, { format: "column" }) as Row[];
}

export function frameCsv(df: DataFrame): string {
  return dfd.toCSV(df) as string;
}

/** Successful requests only, one row each: model, promptClass, ttftMs, ttfoMs, tpotMs, e2eMs, outputTokens, decodeTokensPerS. */
export function requestFrame(rows: RequestRow[]): DataFrame {
  const ok = rows.filter((r) => r.ok).map(({ model, promptClass, ttftMs, ttfoMs, tpotMs, e2eMs, outputTokens, decodeTokensPerS }) => ({
    model: model.split("/").pop() ?? model, promptClass, ttftMs, ttfoMs, tpotMs, e2eMs, outputTokens, decodeTokensPerS,
  }));
  return toFrame(ok);
}

/**
 * Mean, sample sd and count of each column per group (danfojs groupby/agg). Each column is
 * aggregated over the rows where it is present: danfojs cannot take the sd of a group holding nulls.
 */
export function groupStats(df: DataFrame, by: string[], columns: string[]): DataFrame {
  const rows = frameRows(df);
  const merged = new Map<string, Row>();
  for (const c of columns) {
    const present = rows.filter((r) => typeof r[c] === "number" && Number.isFinite(r[c]));
    if (present.length === 0) continue;
    const agg = new dfd.DataFrame(present.map((r) => Object.fromEntries([...by, c].map((k) => [k, r[k] ?? null]))))
      .groupby(by).agg({ [c]: ["mean", "std", "count"] });
    for (const g of frameRows(agg)) {
      const key = JSON.stringify(by.map((k) => g[k]));
      merged.set(key, { ...(merged.get(key) ?? {}), ...g });
    }
  }
  const keys = [...by, ...columns.flatMap((c) => [`${c}_mean`, `${c}_std`, `${c}_count`])];
  return toFrame([...merged.values()].map((g) => Object.fromEntries(keys.map((k) => [k, g[k] ?? null]))));
}

/** Table 7.1 beside the published values, as a frame with the article's row order kept. */
export function table71Frame(rows: Table71Row[]): DataFrame {
  return toFrame(rows.map((r) => ({
    metric: r.label, unit: r.unit, model: r.model.split("/").pop() ?? r.model,
    measured: r.measured, measured_sd: r.measuredStd, lower_bound: r.measuredIsLowerBound, published: r.published, published_pm: r.publishedPlusMinus,
    delta: r.delta, delta_pct: r.deltaPct,
  })));
}
