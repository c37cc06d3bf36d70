// The measurement clock: monotonic milliseconds with sub-millisecond resolution. Injectable so
// tests can drive timestamps by hand and bench/client.ts can read a clock shared across processes.
import { performance } from "node:perf_hooks";

export type Clock = () => number;

/** Monotonic ms from process.hrtime (never jumps with wall-clock changes). */
export const monotonicClock: Clock = () => Number(process.hrtime.bigint()) / 1e6;

/** Epoch ms with hrtime resolution: comparable between processes on one machine. */
export const sharedWallClock: Clock = () => performance.timeOrigin + performance.now();
