import { DURATION_BUCKETS_SECONDS } from '@toolscope/instrumentation';
import { describe, expect, it } from 'vitest';
import { BucketDistribution } from '../../src/stats/bucket-distribution.ts';
import {
  bucketLayoutBound,
  type CumulativeBucket,
  quantileFromBuckets,
} from '../../src/stats/bucket-quantile.ts';
import { exactQuantile, lognormal, seeded } from '../helpers/random.ts';

const EXAMPLE: CumulativeBucket[] = [
  { le: 0.1, count: 40 },
  { le: 0.125, count: 90 },
  { le: 0.15, count: 100 },
  { le: Number.POSITIVE_INFINITY, count: 100 },
];

/** Cumulative buckets of `values` over `bounds` plus +Inf. */
function bucketsOf(values: readonly number[], bounds: readonly number[]): CumulativeBucket[] {
  const sorted = [...values].sort((a, b) => a - b);
  let i = 0;
  const out: CumulativeBucket[] = [];
  for (const le of bounds) {
    while (i < sorted.length && sorted[i]! <= le) i++;
    out.push({ le, count: i });
  }
  out.push({ le: Number.POSITIVE_INFINITY, count: sorted.length });
  return out;
}

describe('quantileFromBuckets: the documented worked example', () => {
  it('p50 and p95 by log and linear interpolation', () => {
    expect(quantileFromBuckets(0.5, EXAMPLE)!.value).toBeCloseTo(0.1 * 1.25 ** 0.2, 12);
    expect(quantileFromBuckets(0.5, EXAMPLE)!.value).toBeCloseTo(0.104564, 6);
    expect(quantileFromBuckets(0.5, EXAMPLE, 'linear')!.value).toBeCloseTo(0.105, 12);
    const p95 = quantileFromBuckets(0.95, EXAMPLE)!;
    expect(p95.value).toBeCloseTo(0.136931, 6);
    expect(p95).toMatchObject({ lower: 0.125, upper: 0.15, clamped: false });
    expect(quantileFromBuckets(0.95, EXAMPLE, 'linear')!.value).toBeCloseTo(0.1375, 12);
  });

  it('the first bucket interpolates linearly from 0', () => {
    // rank 0.2 × 100 = 20 of 40 in (0, 0.1] → 0.05.
    expect(quantileFromBuckets(0.2, EXAMPLE)!.value).toBeCloseTo(0.05, 12);
  });

  it('a rank in +Inf is clamped to the last finite bound', () => {
    const b = [
      { le: 1, count: 90 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ];
    expect(quantileFromBuckets(0.99, b)).toEqual({
      value: 1,
      lower: 1,
      upper: Number.POSITIVE_INFINITY,
      clamped: true,
    });
  });

  it('empty, out-of-range q, unsorted and non-monotone input', () => {
    expect(quantileFromBuckets(0.5, [])).toBeUndefined();
    expect(quantileFromBuckets(0.5, [{ le: 1, count: 0 }])).toBeUndefined();
    expect(quantileFromBuckets(1.5, EXAMPLE)).toBeUndefined();
    expect(quantileFromBuckets(-0.1, EXAMPLE)).toBeUndefined();
    const shuffled = [EXAMPLE[2]!, EXAMPLE[0]!, EXAMPLE[3]!, EXAMPLE[1]!];
    expect(quantileFromBuckets(0.5, shuffled)!.value).toBeCloseTo(0.104564, 6);
    // 0.125 has a lower count than 0.1 (extrapolation noise): raised to 40 → rank 50 in (0.125, 0.15].
    const dip = [
      { le: 0.1, count: 40 },
      { le: 0.125, count: 38 },
      { le: 0.15, count: 100 },
    ];
    const q = quantileFromBuckets(0.5, dip)!;
    expect(q.lower).toBe(0.125);
    expect(q.value).toBeCloseTo(0.125 * 1.2 ** (10 / 60), 12);
  });

  it('BucketDistribution: count, min and max are bucket bounds', () => {
    const d = new BucketDistribution(EXAMPLE, 11.5);
    expect(d.count).toBe(100);
    expect(d.sum).toBe(11.5);
    expect(d.min).toBe(0);
    expect(d.max).toBe(0.15);
    expect(d.quantile(0.5)).toBeCloseTo(0.104564, 6);
  });
});

describe('bucketLayoutBound', () => {
  it('DURATION_BUCKETS_SECONDS from 1 ms: 11.1% (the 3.6 → 4 steps)', () => {
    expect(bucketLayoutBound(DURATION_BUCKETS_SECONDS, 0.001)).toBeCloseTo(4 / 3.6 - 1, 9);
    expect(bucketLayoutBound([0.1, 0.2, 0.25])).toBeCloseTo(1, 12);
  });
});

describe('estimator accuracy on heavy-tailed latencies (DURATION_BUCKETS_SECONDS)', () => {
  const errors: Record<string, number[]> = { log: [], linear: [] };
  for (const sigma of [0.5, 1, 1.5]) {
    for (const seed of [1, 2, 3]) {
      it(`lognormal median 200 ms σ ${sigma} seed ${seed}: p50/p95/p99 within 5%`, () => {
        const values = lognormal(seeded(seed * 7919 + sigma * 100), 0.2, sigma, 50_000);
        const sorted = [...values].sort((a, b) => a - b);
        const buckets = bucketsOf(values, DURATION_BUCKETS_SECONDS);
        for (const q of [0.5, 0.95, 0.99]) {
          const exact = exactQuantile(sorted, q);
          for (const mode of ['log', 'linear'] as const) {
            const got = quantileFromBuckets(q, buckets, mode)!.value;
            const err = Math.abs(got - exact) / exact;
            errors[mode]!.push(err);
            expect(err, `${mode} p${q * 100}: ${got} vs ${exact}`).toBeLessThanOrEqual(0.05);
          }
        }
      });
    }
  }
  it('log interpolation is on average more accurate than linear', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(errors.log!.length).toBe(27);
    expect(mean(errors.log!)).toBeLessThan(mean(errors.linear!));
    expect(Math.max(...errors.log!)).toBeLessThan(0.03);
  });
});
