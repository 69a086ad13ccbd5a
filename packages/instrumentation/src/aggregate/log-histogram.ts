import type { DistributionSummary } from '../types.ts';

/** Values at or below this are counted in the zero bucket (1 ns when recording seconds). */
const MIN_INDEXABLE = 1e-9;
/** Bucket budget; beyond it the lowest buckets collapse (never reached in practice). */
const MAX_BUCKETS = 8192;

/**
 * A log-bucketed histogram with a relative-accuracy guarantee (the DDSketch mapping): every
 * quantile it returns is within `relativeAccuracy` of the exact quantile of the recorded
 * values, whatever their distribution. Memory depends on the spread of the values, not their
 * number, and two histograms with the same accuracy merge exactly.
 *
 * Worked example, `relativeAccuracy` 0.01: γ = 1.01 / 0.99 ≈ 1.0202. A value v lands in bucket
 * i = ⌈ln v / ln γ⌉, which covers (γ^(i−1), γ^i]; 0.250 s gives i = ⌈−1.3863 / 0.0200⌉ = −69,
 * covering (0.2466, 0.2516]. A quantile that falls in that bucket is reported as
 * 2γ^i / (γ + 1) = 0.2491, within 1% of any value of the bucket. Recording 0.100, 0.200,
 * 0.250, 0.300, 1.000: the median (rank q·(n−1) = 2, the third value) is 0.2491 against
 * exactly 0.250 (−0.4%).
 */
export class LogHistogram implements DistributionSummary {
  readonly relativeAccuracy: number;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private readonly gamma: number;
  private readonly lnGamma: number;
  private zeroCount = 0;
  private counts: Float64Array = new Float64Array(0);
  /** Bucket index of `counts[0]`. */
  private offset = 0;

  constructor(relativeAccuracy = 0.005) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
      throw new RangeError(`relativeAccuracy must be in (0, 1) (got ${relativeAccuracy})`);
    }
    this.relativeAccuracy = relativeAccuracy;
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.lnGamma = Math.log(this.gamma);
  }

  /** Records `value` `n` times. Negative and non-finite values are ignored. */
  add(value: number, n = 1): void {
    if (!(value >= 0) || !Number.isFinite(value)) return;
    this.count += n;
    this.sum += value * n;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value <= MIN_INDEXABLE) {
      this.zeroCount += n;
      return;
    }
    const index = Math.ceil(Math.log(value) / this.lnGamma);
    this.ensure(index, index);
    const at = Math.max(0, index - this.offset);
    this.counts[at] = this.counts[at]! + n;
  }

  /** Adds every value of `other` (which must have the same accuracy). */
  merge(other: LogHistogram): void {
    if (other.count === 0) return;
    if (other.gamma !== this.gamma)
      throw new RangeError('cannot merge histograms of different accuracy');
    this.count += other.count;
    this.sum += other.sum;
    this.zeroCount += other.zeroCount;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    const n = other.counts.length;
    if (n === 0) return;
    this.ensure(other.offset, other.offset + n - 1);
    for (let i = 0; i < n; i++) {
      const c = other.counts[i]!;
      if (c !== 0) {
        const at = Math.max(0, other.offset + i - this.offset);
        this.counts[at] = this.counts[at]! + c;
      }
    }
  }

  /**
   * The q-quantile (q in [0, 1]) at rank q·(count − 1), interpolated linearly between the
   * values at the two neighbouring ranks (numpy's default definition), each value being the
   * midpoint of its bucket clamped to [min, max] (so q = 0 and q = 1 are exact). NaN when
   * empty. Example: 20 values, p95 has rank 18.05: 95% of the 19th value plus 5% of the
   * 20th, so p95 and p99 differ even with few calls.
   */
  quantile(q: number): number {
    if (this.count === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
    if (q === 0) return this.min;
    if (q === 1) return this.max;
    const rank = q * (this.count - 1);
    const lo = Math.floor(rank);
    const below = this.valueAtRank(lo);
    const frac = rank - lo;
    return frac === 0 ? below : below + (this.valueAtRank(lo + 1) - below) * frac;
  }

  /** The estimate of the value of 0-based rank `k` (the (k+1)-th smallest). */
  private valueAtRank(k: number): number {
    let seen = this.zeroCount;
    if (seen > k) return this.min;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen > k) {
        const estimate = (2 * this.gamma ** (i + this.offset)) / (this.gamma + 1);
        return Math.min(this.max, Math.max(this.min, estimate));
      }
    }
    return this.max;
  }

  /** Mean of the recorded values; NaN when empty. */
  mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  /** Bytes held by the bucket array (for memory accounting). */
  get bucketBytes(): number {
    return this.counts.byteLength;
  }

  /** Grows `counts` so buckets `lo..hi` fit, collapsing the lowest past the budget. */
  private ensure(lo: number, hi: number): void {
    const length = this.counts.length;
    if (length > 0 && lo >= this.offset && hi < this.offset + length) return;
    const newLo = length === 0 ? lo : Math.min(lo, this.offset);
    let newHi = length === 0 ? hi : Math.max(hi, this.offset + length - 1);
    let start = newLo;
    if (newHi - start + 1 > MAX_BUCKETS) start = newHi - MAX_BUCKETS + 1;
    // Leave head-room so a slowly widening range does not reallocate on every value.
    const span = newHi - start + 1;
    const capacity = Math.min(MAX_BUCKETS, Math.max(16, span + (span >> 1)));
    const pad = capacity - span;
    const padLow = length === 0 ? pad >> 1 : lo < this.offset ? pad : 0;
    start = Math.max(newHi - MAX_BUCKETS + 1, start - padLow);
    newHi = start + capacity - 1;
    const next = new Float64Array(capacity);
    for (let i = 0; i < length; i++) {
      const c = this.counts[i]!;
      if (c !== 0) {
        const at = Math.max(0, this.offset + i - start);
        next[at] = next[at]! + c;
      }
    }
    this.counts = next;
    this.offset = start;
  }
}
