import { describe, expect, it } from 'vitest';
import { exactQuantile, lognormalSamples } from '../../../../test/support/random.ts';
import { LogHistogram } from '../../src/internal.ts';

describe('LogHistogram', () => {
  it('matches the worked example of its doc comment', () => {
    const h = new LogHistogram(0.01);
    for (const v of [0.1, 0.2, 0.25, 0.3, 1]) h.add(v);
    expect(h.quantile(0.5)).toBeCloseTo(0.2491, 4);
    expect(h.quantile(0)).toBe(0.1);
    expect(h.quantile(1)).toBe(1);
    expect(h.count).toBe(5);
    expect(h.sum).toBeCloseTo(1.85, 12);
  });

  it.each([0.5, 1, 1.5])(
    'stays within 0.5%% of exact p50/p95/p99 on lognormal data, sigma %s',
    (sigma) => {
      const data = lognormalSamples(100_000, Math.log(0.2), sigma, 42 + sigma * 10);
      const h = new LogHistogram(0.005);
      for (const v of data) h.add(v);
      data.sort((a, b) => a - b);
      for (const q of [0.5, 0.95, 0.99, 0.999]) {
        const exact = exactQuantile(data, q);
        expect(Math.abs(h.quantile(q) - exact) / exact).toBeLessThan(0.005);
      }
    },
  );

  it('merges exactly', () => {
    const data = lognormalSamples(20_000, 0, 1, 7);
    const whole = new LogHistogram();
    const a = new LogHistogram();
    const b = new LogHistogram();
    data.forEach((v, i) => {
      whole.add(v);
      (i % 2 === 0 ? a : b).add(v);
    });
    a.merge(b);
    for (const q of [0.1, 0.5, 0.9, 0.99]) expect(a.quantile(q)).toBe(whole.quantile(q));
    expect(a.count).toBe(whole.count);
  });

  it('handles zero, negative and empty', () => {
    const h = new LogHistogram();
    expect(Number.isNaN(h.quantile(0.5))).toBe(true);
    h.add(0);
    h.add(-1);
    h.add(Number.NaN);
    expect(h.count).toBe(1);
    expect(h.quantile(0.5)).toBe(0);
  });

  it('keeps memory bounded by the spread of values, not their number', () => {
    const h = new LogHistogram();
    for (let i = 0; i < 200_000; i++) h.add(0.05 + (i % 1000) / 1000);
    expect(h.bucketBytes).toBeLessThan(64 * 1024);
  });
});

describe('LogHistogram at small counts', () => {
  it('interpolates between neighbouring ranks, so p95 and p99 differ with 20 values', () => {
    const h = new LogHistogram(0.005);
    const values = Array.from({ length: 20 }, (_, i) => 0.1 * (i + 1));
    for (const v of values) h.add(v);
    // rank 18.05 → 1.9 + 0.05 × (2.0 − 1.9) = 1.905; rank 18.81 → 1.981
    expect(Math.abs(h.quantile(0.95) / 1.905 - 1)).toBeLessThan(0.005);
    expect(Math.abs(h.quantile(0.99) / 1.981 - 1)).toBeLessThan(0.005);
    expect(h.quantile(0.99)).toBeGreaterThan(h.quantile(0.95));
  });
});
