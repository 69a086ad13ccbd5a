import type { Attributes, Counter, Histogram } from '@opentelemetry/api';

/**
 * Pre-aggregated metrics: the hot path's alternative to SDK instruments.
 *
 * An SDK `histogram.record(v, attrs)` hashes the attribute set on every call (sorting keys and
 * serializing them), which costs more than the span itself. toolscope records only
 * attribute sets it has built once and cached, so it can find the aggregation cell by object
 * identity instead: one Map lookup, a binary search over the bucket boundaries (or, for
 * exponential histograms, one logarithm) and a few additions. `@toolscope/node` exports these
 * cells through a MetricProducer on its readers, as ordinary cumulative OTLP histograms
 * (explicit or base-2 exponential) and sums with the contract's names.
 */

/**
 * How histograms aggregate: explicit bucket boundaries (the catalogue's layout; Prometheus
 * stores classic buckets) or OpenTelemetry's base-2 exponential histogram (Prometheus 3
 * stores a native histogram when it receives one over OTLP).
 */
export type HistogramAggregation = 'explicit' | 'exponential';

/** One histogram series, cumulative since `startTimeMs`. */
export interface HistogramCell {
  readonly attributes: Attributes;
  readonly counts: Float64Array;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** One exponential histogram series as exported: OTLP's ExponentialHistogramDataPoint. */
export interface ExponentialHistogramPoint {
  readonly attributes: Attributes;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** Buckets are (2^(i·2^-scale), 2^((i+1)·2^-scale)]. */
  readonly scale: number;
  readonly zeroCount: number;
  /** Bucket `offset + k` holds `bucketCounts[k]` observations. */
  readonly positive: { readonly offset: number; readonly bucketCounts: number[] };
}

/** One monotonic sum series, cumulative since `startTimeMs`. */
export interface SumCell {
  readonly attributes: Attributes;
  value: number;
}

/** What a MetricProducer reads: one metric with its series. */
export type MetricSnapshot =
  | {
      readonly kind: 'histogram';
      readonly name: string;
      readonly description: string;
      readonly unit: string;
      readonly integer: boolean;
      readonly boundaries: readonly number[];
      readonly cells: readonly HistogramCell[];
    }
  | {
      readonly kind: 'exponentialHistogram';
      readonly name: string;
      readonly description: string;
      readonly unit: string;
      readonly integer: boolean;
      readonly cells: readonly ExponentialHistogramPoint[];
    }
  | {
      readonly kind: 'sum';
      readonly name: string;
      readonly description: string;
      readonly unit: string;
      readonly integer: boolean;
      readonly cells: readonly SumCell[];
    };

/** Index of the bucket holding `value`: buckets are (b[i-1], b[i]], the last (b[n-1], +inf). */
export function bucketIndex(boundaries: readonly number[], value: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= boundaries[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** What every pre-aggregated instrument carries from its catalogue entry. */
abstract class PreAggregatedInstrument {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly integer: boolean;

  constructor(name: string, description: string, unit: string, integer: boolean) {
    this.name = name;
    this.description = description;
    this.unit = unit;
    this.integer = integer;
  }

  /** The descriptor fields of a snapshot. */
  protected described() {
    return {
      name: this.name,
      description: this.description,
      unit: this.unit,
      integer: this.integer,
    };
  }
}

/** A histogram instrument whose series are found by attribute-object identity. */
export class PreAggregatedHistogram extends PreAggregatedInstrument implements Histogram {
  readonly boundaries: readonly number[];
  private readonly cells = new Map<Attributes, HistogramCell>();

  constructor(
    name: string,
    description: string,
    unit: string,
    boundaries: readonly number[],
    integer = false,
  ) {
    super(name, description, unit, integer);
    this.boundaries = boundaries;
  }

  record(value: number, attributes: Attributes = EMPTY): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return;
    let cell = this.cells.get(attributes);
    if (cell === undefined) {
      cell = {
        attributes,
        counts: new Float64Array(this.boundaries.length + 1),
        count: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
      };
      this.cells.set(attributes, cell);
    }
    cell.counts[bucketIndex(this.boundaries, value)]!++;
    cell.count++;
    cell.sum += value;
    if (value < cell.min) cell.min = value;
    if (value > cell.max) cell.max = value;
  }

  snapshot(): MetricSnapshot {
    return {
      kind: 'histogram',
      ...this.described(),
      boundaries: this.boundaries,
      cells: [...this.cells.values()],
    };
  }
}

/**
 * Most buckets an exponential histogram keeps: 640, four times the OpenTelemetry SDK's
 * default of 160. The scale is the finest at which the values' spread fits in that many
 * buckets, and a percentile read from the histogram is within one bucket width of the exact
 * one: a tool whose latencies span 10 octaves (say 5 ms to 5 s) keeps scale 6, buckets
 * 1.1% wide; with 160 buckets it would drop to scale 4 (4.4%), and the end-to-end p99 of a
 * 1,000-call lognormal workload then missed 2% in a third of simulated runs. Memory follows
 * the span in use, not this cap (buckets grow in powers of two).
 */
export const EXPONENTIAL_MAX_SIZE = 640;
/** The finest scale (the SDK's, and OpenTelemetry's maximum): 2^20 buckets per octave. */
export const EXPONENTIAL_MAX_SCALE = 20;
/** Buckets a new exponential cell starts with (doubled as the span grows). */
const EXPONENTIAL_INITIAL_SIZE = 16;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const MIN_NORMAL = 2 ** -1022;

/**
 * The bucket of a positive finite `value` at `scale` (OpenTelemetry's mapping: buckets are
 * upper-inclusive, an exact power of two closes its bucket). Scales above 0 use the
 * logarithm, 0 and below the binary exponent, both exact at powers of two.
 */
export function exponentialIndex(value: number, scale: number): number {
  const v = Math.max(value, MIN_NORMAL);
  F64[0] = v;
  const hi = U32[HI]!;
  const exp = ((hi >>> 20) & 0x7ff) - 1023;
  const powerOfTwo = (hi & 0xfffff) === 0 && U32[1 - HI] === 0;
  if (scale > 0) {
    if (powerOfTwo) return (exp << scale) - 1;
    return Math.floor(Math.log(v) * Math.LOG2E * 2 ** scale);
  }
  return (exp - (powerOfTwo ? 1 : 0)) >> -scale;
}

/**
 * One base-2 exponential histogram series, as the SDK's aggregation keeps it: at most
 * `maxSize` buckets, starting at scale 20 and halving the resolution (scale − 1, two
 * neighbouring buckets merged) whenever a value falls outside the range the buckets can
 * span. Values are durations and sizes, so there are no negative buckets; 0 goes to the
 * zero bucket.
 */
class ExponentialCell {
  readonly maxSize: number;
  readonly attributes: Attributes;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  zeroCount = 0;
  scale = EXPONENTIAL_MAX_SCALE;
  /** counts[k] is bucket `start + k`; populated buckets lie in [lo, hi]. */
  private counts: Float64Array;
  private start = 0;
  private lo = 0;
  private hi = -1;

  constructor(attributes: Attributes, maxSize: number) {
    this.attributes = attributes;
    this.maxSize = maxSize;
    this.counts = new Float64Array(Math.min(EXPONENTIAL_INITIAL_SIZE, maxSize));
  }

  record(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value === 0) {
      this.zeroCount++;
      return;
    }
    let index = exponentialIndex(value, this.scale);
    if (this.hi < this.lo) {
      this.start = this.lo = this.hi = index;
    } else if (index < this.lo || index > this.hi) {
      let low = Math.min(this.lo, index);
      let high = Math.max(this.hi, index);
      let change = 0;
      while (high - low + 1 > this.maxSize) {
        low >>= 1;
        high >>= 1;
        change++;
      }
      if (change > 0) {
        this.downscale(change);
        // Buckets nest exactly: bucket i at scale s lies in bucket i >> 1 at scale s − 1.
        index >>= change;
      }
      if (index < this.start || index >= this.start + this.counts.length) {
        this.rebase(Math.min(this.lo, index), high - low + 1);
      }
      if (index < this.lo) this.lo = index;
      if (index > this.hi) this.hi = index;
    }
    this.counts[index - this.start]!++;
  }

  point(): ExponentialHistogramPoint {
    const populated = this.hi >= this.lo;
    return {
      attributes: this.attributes,
      count: this.count,
      sum: this.sum,
      min: this.min,
      max: this.max,
      scale: this.scale,
      zeroCount: this.zeroCount,
      positive: {
        offset: populated ? this.lo : 0,
        bucketCounts: populated
          ? Array.from(this.counts.subarray(this.lo - this.start, this.hi - this.start + 1))
          : [],
      },
    };
  }

  /** Scale − `change`: bucket i becomes i >> change, merging neighbours. */
  private downscale(change: number): void {
    const merged = new Float64Array(this.counts.length);
    const lo = this.lo >> change;
    for (let i = this.lo; i <= this.hi; i++) {
      merged[(i >> change) - lo]! += this.counts[i - this.start]!;
    }
    this.counts = merged;
    this.start = lo;
    this.lo = lo;
    this.hi >>= change;
    this.scale -= change;
  }

  /** Moves the window to start at bucket `start`, growing it (powers of two) to `span`. */
  private rebase(start: number, span: number): void {
    let size = this.counts.length;
    while (size < span) size *= 2;
    const moved = new Float64Array(Math.min(size, this.maxSize));
    for (let i = this.lo; i <= this.hi; i++) moved[i - start] = this.counts[i - this.start]!;
    this.counts = moved;
    this.start = start;
  }
}

/** Prometheus' finest native histogram schema: finer OTLP scales are merged down to it. */
export const PROMETHEUS_MAX_SCHEMA = 8;

/**
 * The buckets of an exponential histogram point as Prometheus 3 stores it after its OTLP
 * receiver: scales above 8 merged down to 8; `[lower, upper, count]` ascending, the zero
 * bucket (`[0, 0, n]`) first. For tests and benchmarks that stand in for Prometheus.
 */
export function prometheusNativeBuckets(p: ExponentialHistogramPoint): [number, number, number][] {
  const shift = Math.max(0, p.scale - PROMETHEUS_MAX_SCHEMA);
  const counts = new Map<number, number>();
  p.positive.bucketCounts.forEach((c, k) => {
    if (c <= 0) return;
    const i = (p.positive.offset + k) >> shift;
    counts.set(i, (counts.get(i) ?? 0) + c);
  });
  const base = 2 ** (2 ** -(p.scale - shift));
  const out: [number, number, number][] = [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([i, c]) => [base ** i, base ** (i + 1), c]);
  if (p.zeroCount > 0) out.unshift([0, 0, p.zeroCount]);
  return out;
}

/** An exponential histogram instrument whose series are found by attribute-object identity. */
export class PreAggregatedExponentialHistogram
  extends PreAggregatedInstrument
  implements Histogram
{
  readonly maxSize: number;
  private readonly cells = new Map<Attributes, ExponentialCell>();

  constructor(
    name: string,
    description: string,
    unit: string,
    integer = false,
    maxSize = EXPONENTIAL_MAX_SIZE,
  ) {
    super(name, description, unit, integer);
    this.maxSize = maxSize;
  }

  record(value: number, attributes: Attributes = EMPTY): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return;
    let cell = this.cells.get(attributes);
    if (cell === undefined) {
      cell = new ExponentialCell(attributes, this.maxSize);
      this.cells.set(attributes, cell);
    }
    cell.record(value);
  }

  snapshot(): MetricSnapshot {
    return {
      kind: 'exponentialHistogram',
      ...this.described(),
      cells: [...this.cells.values()].map((c) => c.point()),
    };
  }
}

/** A monotonic counter whose series are found by attribute-object identity. */
export class PreAggregatedCounter extends PreAggregatedInstrument implements Counter {
  private readonly cells = new Map<Attributes, SumCell>();

  constructor(name: string, description: string, unit: string) {
    super(name, description, unit, true);
  }

  add(value: number, attributes: Attributes = EMPTY): void {
    if (!(value >= 0)) return;
    let cell = this.cells.get(attributes);
    if (cell === undefined) {
      cell = { attributes, value: 0 };
      this.cells.set(attributes, cell);
    }
    cell.value += value;
  }

  snapshot(): MetricSnapshot {
    return {
      kind: 'sum',
      ...this.described(),
      cells: [...this.cells.values()],
    };
  }
}

const EMPTY: Attributes = {};
