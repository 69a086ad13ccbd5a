/**
 * Seeded randomness for the demo, so two runs with the same seed inject the same sequence of
 * latencies and failures per tool (what actually happens still depends on timing: how many
 * calls fit in the duration, and which ones land in the outage).
 */

import { seededRandom } from '@toolscope/instrumentation/internal';

/**
 * The core's one seeded generator (mulberry32), re-exported so the demo draws everything
 * from this module.
 *
 * @example
 * const rnd = seededRandom(42); rnd(); // 0.6011037519201636 — the same on every run
 */
export { seededRandom };

/** A uniform [0, 1) generator. */
export type Random = () => number;

/** A stable 32-bit seed from a string (FNV-1a), so each tool gets its own stream. */
export function seedFrom(text: string, base: number): number {
  let h = 0x811c9dc5 ^ base;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A standard normal sample (Box–Muller). */
export function normal(rnd: Random): number {
  const u = 1 - rnd(); // (0, 1]: log(0) is never taken
  const v = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A lognormal latency in ms with the given median and shape: `median * exp(sigma * Z)`.
 * The median of the distribution is exactly `medianMs`; sigma 0.5 puts p95 at about
 * 2.3 × the median, sigma 0.8 at about 3.7 × (a heavy tail).
 *
 * @example
 * lognormalMs(rnd, 200, 0.5) // 200 ms half the time or less; p95 ≈ 200 × e^(0.5 × 1.645) ≈ 455 ms
 */
export function lognormalMs(rnd: Random, medianMs: number, sigma: number): number {
  return medianMs * Math.exp(sigma * normal(rnd));
}
