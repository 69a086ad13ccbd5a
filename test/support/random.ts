/** Seeded random data for accuracy tests (the core's mulberry32 + Box-Muller). */
import { seededRandom } from '@toolscope/instrumentation/internal';

/** `n` lognormal samples with log-mean `mu` and log-sd `sigma`. */
export function lognormalSamples(n: number, mu: number, sigma: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = Math.max(rand(), Number.MIN_VALUE);
    const u2 = rand();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    out[i] = Math.exp(mu + sigma * z);
  }
  return out;
}

/** Exact quantile of sorted data, linear interpolation between closest ranks (numpy default). */
export function exactQuantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
