/**
 * Prometheus' `histogram_quantile` over explicit buckets: find the bucket holding rank
 * q·count and interpolate linearly inside it (lower bound 0 for the first bucket; a rank in
 * the +Inf bucket returns the highest finite bound).
 *
 * Example: bounds [1, 2, 4], counts per bucket [2, 6, 2, 0] (10 values). q = 0.5 gives rank 5,
 * in bucket (1, 2] holding ranks 2..8: 1 + (2 − 1)·(5 − 2)/6 = 1.5.
 */
export function bucketCounts(bounds: readonly number[], values: Float64Array): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= bounds[mid]!) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
  }
  return counts;
}

export function histogramQuantile(
  q: number,
  bounds: readonly number[],
  counts: readonly number[],
): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const before = cumulative;
    cumulative += counts[i]!;
    if (cumulative >= rank && counts[i]! > 0) {
      if (i === bounds.length) return bounds[bounds.length - 1]!;
      const start = i === 0 ? 0 : bounds[i - 1]!;
      const end = bounds[i]!;
      return start + ((end - start) * (rank - before)) / counts[i]!;
    }
  }
  return bounds[bounds.length - 1]!;
}
