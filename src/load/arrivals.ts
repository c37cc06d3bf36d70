// Send offsets planned before the run from a seeded RNG (vLLM get_request): gaps drawn from
// Gamma(burstiness, 1/(rate·burstiness)) — burstiness 1 is Poisson, Infinity constant — then
// rescaled so the last send lands at exactly n/rate seconds.
import { createRng } from "../util/random";

export function planSendOffsetsMs(n: number, requestRate: number, burstiness = 1, seed = 0): number[] {
  if (n <= 0) return [];
  if (!Number.isFinite(requestRate)) return new Array<number>(n).fill(0);
  const rng = createRng(seed);
  const offsets: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    const gap = Number.isFinite(burstiness) ? rng.gamma(burstiness, 1 / (requestRate * burstiness)) : 1 / requestRate;
    t += gap;
    offsets.push(t);
  }
  const scale = n / requestRate / t;
  return offsets.map((x) => x * scale * 1000);
}
