import type { DistributionSummary } from '@toolscope/instrumentation';
import {
  type BucketInterpolation,
  type BucketQuantile,
  type CumulativeBucket,
  quantileFromBuckets,
} from './bucket-quantile.ts';

/**
 * A distribution known only through cumulative buckets and a sum (what Prometheus holds).
 * `quantile(q)` uses `quantileFromBuckets`; `min` and `max` are the bounds of the lowest and
 * highest non-empty bucket (a lower and an upper bound of the true values; `max` is the last
 * finite bound when observations fell in `+Inf`).
 */
export class BucketDistribution implements DistributionSummary {
  /** Where the buckets came from: classic `_bucket` series or a native histogram. */
  readonly histogram: 'classic' | 'native';
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly buckets: readonly CumulativeBucket[];
  private readonly interpolation: BucketInterpolation;

  constructor(
    buckets: readonly CumulativeBucket[],
    sum: number,
    interpolation: BucketInterpolation = 'log',
    histogram: 'classic' | 'native' = 'classic',
  ) {
    this.histogram = histogram;
    this.buckets = [...buckets].sort((a, b) => a.le - b.le);
    this.interpolation = interpolation;
    const last = this.buckets[this.buckets.length - 1];
    this.count = last === undefined ? 0 : Math.max(0, last.count);
    this.sum = sum;
    this.min = this.detail(0)?.lower ?? Number.NaN;
    const top = this.detail(1);
    this.max = top === undefined ? Number.NaN : top.clamped ? top.value : top.upper;
  }

  quantile(q: number): number {
    return this.detail(q)?.value ?? Number.NaN;
  }

  /** The estimate with its bucket, for accuracy statements. */
  detail(q: number): BucketQuantile | undefined {
    return quantileFromBuckets(q, this.buckets, this.interpolation);
  }
}

/** A distribution with no observations. */
export const EMPTY_DISTRIBUTION: DistributionSummary = {
  count: 0,
  sum: 0,
  min: Number.NaN,
  max: Number.NaN,
  quantile: () => Number.NaN,
};
