/**
 * A lognormal sampler over the core's seeded generator (mulberry32), so every run of the
 * accuracy benchmark draws the same data.
 */
import { seededRandom } from '@toolscope/instrumentation/internal';

/**
 * `n` lognormal samples with the given median and σ (of the underlying normal), Box–Muller.
 * Example: median 0.2 s, σ 1 gives p95 ≈ 0.2·e^1.645 ≈ 1.04 s.
 */
export function lognormalSamples(n: number, medianValue: number, sigma: number, seed: number) {
  const random = seededRandom(seed);
  const mu = Math.log(medianValue);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = Math.max(random(), Number.MIN_VALUE);
    const u2 = random();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = Math.exp(mu + sigma * r * Math.cos(2 * Math.PI * u2));
    if (i + 1 < n) out[i + 1] = Math.exp(mu + sigma * r * Math.sin(2 * Math.PI * u2));
  }
  return out;
}
