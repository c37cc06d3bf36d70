// summarize(values): the one statistics definition used everywhere. Sample standard deviation
// (n − 1; the article reports mean ± sd of 10 runs), percentiles by linear interpolation between
// closest ranks (numpy's default, as vLLM bench uses). Nothing is trimmed.
import type { Summary } from "../types";

export const EMPTY_SUMMARY: Summary = Object.freeze({
  count: 0, mean: null, std: null, min: null, p50: null, p90: null, p95: null, p99: null, max: null,
}) as Summary;

/** Percentile p (0–100) of ascending-sorted values, linear interpolation. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("percentile of an empty list");
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function summarize(values: readonly number[]): Summary {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return { ...EMPTY_SUMMARY };
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  let sum = 0;
  for (const x of sorted) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of sorted) ss += (x - mean) * (x - mean);
  return {
    count: n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    min: sorted[0] as number,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    max: sorted[n - 1] as number,
  };
}
