/**
 * Seeded randomness for reproducible test data. The PRNG is the core's one `seededRandom`
 * (mulberry32), the exact quantile the repo's shared helper (`test/support/random.ts`); only
 * the lognormal generator is kept here (see below).
 */

export { seededRandom as seeded } from '@toolscope/instrumentation/internal';
export { exactQuantile } from '../../../../test/support/random.ts';

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
