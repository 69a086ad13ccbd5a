/**
 * Seeded randomness for reproducible test data. The PRNG and the exact quantile come from
 * the repo's shared helper (`test/support/random.ts`); only the lognormal generator is
 * kept here (see below).
 */

export {
  exactQuantile,
  /** mulberry32: a small, fast 32-bit PRNG; same seed → same sequence. */
  mulberry32 as seeded,
} from '../../../../test/support/random.ts';

/**
 * Lognormal samples with the given median and σ (Box–Muller), drawn from a caller's
 * stream. Kept apart from the shared `lognormalSamples(n, mu, sigma, seed)` on purpose:
 * the scenario draws several sample sets from ONE seeded stream and this uses both
 * Box–Muller outputs per pair, so switching would change every generated duration and
 * with it the numbers the report tests assert (p95 changes, recommendations, rendering).
 */
export function lognormal(rand: () => number, median: number, sigma: number, n: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const u1 = rand() || Number.MIN_VALUE;
    const u2 = rand();
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(median * Math.exp(sigma * r * Math.cos(2 * Math.PI * u2)));
    if (out.length < n) out.push(median * Math.exp(sigma * r * Math.sin(2 * Math.PI * u2)));
  }
  return out;
}
