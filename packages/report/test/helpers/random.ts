/** Seeded randomness for reproducible test data. */

/** mulberry32: a small, fast 32-bit PRNG; same seed → same sequence. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lognormal samples with the given median and σ (Box–Muller). */
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

/**
 * The exact q-quantile of `values` with the rank convention of the core's LogHistogram:
 * the value at sorted index ⌊q·(n−1)⌋.
 */
export function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}
