/**
 * A seeded pseudo-random generator (mulberry32) and a lognormal sampler, so every run of the
 * accuracy benchmark draws the same data.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` lognormal samples with the given median and σ (of the underlying normal), Box–Muller.
 * Example: median 0.2 s, σ 1 gives p95 ≈ 0.2·e^1.645 ≈ 1.04 s.
 */
export function lognormalSamples(n: number, medianValue: number, sigma: number, seed: number) {
  const random = mulberry32(seed);
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
