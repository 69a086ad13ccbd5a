import { describe, expect, it } from 'vitest';
import { nearestRank } from '../src/ledger.ts';
import { lognormalMs, seededRandom, seedFrom } from '../src/random.ts';

describe('seededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it('gives each tool its own stream', () => {
    expect(seedFrom('weather', 42)).not.toBe(seedFrom('geocode', 42));
    expect(seedFrom('weather', 42)).toBe(seedFrom('weather', 42));
  });
});

describe('lognormalMs', () => {
  it('has the configured median and the heavy tail sigma implies', () => {
    const rnd = seededRandom(7);
    const samples = Array.from({ length: 20_000 }, () => lognormalMs(rnd, 200, 0.5)).sort(
      (x, y) => x - y,
    );
    // p50 = 200; p95 = 200 × e^(0.5 × 1.645) ≈ 455.
    expect(nearestRank(samples, 0.5)).toBeGreaterThan(200 * 0.97);
    expect(nearestRank(samples, 0.5)).toBeLessThan(200 * 1.03);
    expect(nearestRank(samples, 0.95)).toBeGreaterThan(455 * 0.95);
    expect(nearestRank(samples, 0.95)).toBeLessThan(455 * 1.05);
  });
});
