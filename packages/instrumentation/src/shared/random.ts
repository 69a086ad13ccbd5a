/**
 * The one seeded random number generator (mulberry32): the demo, the benchmarks and the tests
 * draw reproducible latencies and failures from it.
 *
 * @example const r = seededRandom(42); r() // 0.6011037519201636, the same on every run
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
