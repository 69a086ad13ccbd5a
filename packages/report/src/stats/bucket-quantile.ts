/** One cumulative histogram bucket as Prometheus stores it: observations `<= le`. */
export interface CumulativeBucket {
  /** Upper bound; `Infinity` for the `+Inf` bucket. */
  readonly le: number;
  /** Observations at or below `le` (cumulative, may be fractional after `increase()`). */
  readonly count: number;
}

/** How to place a quantile inside the bucket that holds it. */
export type BucketInterpolation = 'log' | 'linear';

/** A quantile estimate and the bucket it came from (the exact value lies in `[lower, upper]`). */
export interface BucketQuantile {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  /** True when the rank fell in the `+Inf` bucket: the value is clamped to the last finite bound. */
  readonly clamped: boolean;
}

/**
 * Estimates the q-quantile from cumulative buckets.
 *
 * The rank is `q × total` (as Prometheus' `histogram_quantile`); the bucket holding it is the
 * first whose cumulative count reaches the rank; the value is placed inside that bucket
 * `(lower, upper]` at the fraction `f = (rank − below) / inBucket` of its observations:
 *
 * - `'log'` (default): `lower × (upper / lower)^f`, i.e. the observations are assumed spread
 *   evenly in log space. Latencies are roughly log-normal, so inside a bucket their density
 *   falls with the value; log placement follows that, linear placement (which assumes a flat
 *   density) overestimates. The first bucket (lower bound 0) is always linear.
 * - `'linear'`: `lower + f × (upper − lower)`, exactly `histogram_quantile`.
 *
 * Worked example (boundaries 0.1, 0.125, 0.15, +Inf seconds; cumulative counts 40, 90, 100,
 * 100): p50 → rank 0.5 × 100 = 50, in bucket (0.1, 0.125] which holds 90 − 40 = 50
 * observations, f = (50 − 40) / 50 = 0.2; log: 0.1 × 1.25^0.2 = 0.10456 s; linear:
 * 0.1 + 0.2 × 0.025 = 0.105 s. p95 → rank 95, bucket (0.125, 0.15], f = 0.5; log:
 * 0.125 × 1.2^0.5 = 0.13693 s; linear 0.1375 s. Whatever the placement, the exact
 * quantile lies in the same bucket, so the relative error is at most `upper / lower − 1`
 * (25% for a 1.25 ratio); the placement makes it far smaller in practice.
 *
 * Buckets are sorted by `le`, and counts that decrease (possible after `increase()`
 * extrapolation of separate series) are raised to their predecessor, as Prometheus does.
 * Returns undefined when there are no observations or `q` is outside [0, 1].
 */
export function quantileFromBuckets(
  q: number,
  buckets: readonly CumulativeBucket[],
  interpolation: BucketInterpolation = 'log',
): BucketQuantile | undefined {
  if (!(q >= 0 && q <= 1) || buckets.length === 0) return undefined;
  const sorted = normalize(buckets);
  const total = sorted[sorted.length - 1]!.count;
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let i = sorted.findIndex((b) => b.count >= rank && b.count > 0);
  if (i < 0) i = sorted.length - 1;
  const bucket = sorted[i]!;
  if (bucket.le === Number.POSITIVE_INFINITY) {
    // Like histogram_quantile: the best we can say is the last finite bound.
    const last = i > 0 ? sorted[i - 1]!.le : 0;
    return { value: last, lower: last, upper: Number.POSITIVE_INFINITY, clamped: true };
  }
  const lower = i > 0 ? sorted[i - 1]!.le : 0;
  const below = i > 0 ? sorted[i - 1]!.count : 0;
  const inBucket = bucket.count - below;
  const f = inBucket > 0 ? Math.min(1, Math.max(0, (rank - below) / inBucket)) : 1;
  const upper = bucket.le;
  const value =
    interpolation === 'log' && lower > 0
      ? lower * (upper / lower) ** f
      : lower + f * (upper - lower);
  return { value, lower, upper, clamped: false };
}

/**
 * The worst relative error a bucket layout allows for a quantile that falls between
 * `fromBound` and the last finite bound: the largest `upper / lower − 1` of those buckets.
 * For `DURATION_BUCKETS_SECONDS` from 1 ms up: 0.111 (the 3.6 → 4 steps).
 */
export function bucketLayoutBound(boundaries: readonly number[], fromBound = 0): number {
  const finite = [...boundaries].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
  let worst = 0;
  for (let i = 1; i < finite.length; i++) {
    const lo = finite[i - 1]!;
    if (lo <= 0 || lo < fromBound) continue;
    worst = Math.max(worst, finite[i]! / lo - 1);
  }
  return worst;
}

/** Sorts by `le` and makes counts non-decreasing. */
function normalize(buckets: readonly CumulativeBucket[]): CumulativeBucket[] {
  const sorted = [...buckets]
    .filter((b) => !Number.isNaN(b.le) && Number.isFinite(b.count))
    .sort((a, b) => a.le - b.le);
  let max = 0;
  return sorted.map((b) => {
    max = Math.max(max, b.count);
    return { le: b.le, count: max };
  });
}
