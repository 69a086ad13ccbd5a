import type { Attributes, Counter, Histogram } from '@opentelemetry/api';

/**
 * Pre-aggregated metrics: the hot path's alternative to SDK instruments.
 *
 * An SDK `histogram.record(v, attrs)` hashes the attribute set on every call (sorting keys and
 * serializing them), which costs more than the span itself. toolscope records only
 * attribute sets it has built once and cached, so it can find the aggregation cell by object
 * identity instead: one Map lookup, a binary search over the bucket boundaries and a few
 * additions. `@toolscope/node` exports these cells through a MetricProducer on its readers,
 * as ordinary cumulative OTLP histograms and sums with the contract's names.
 */

/** One histogram series, cumulative since `startTimeMs`. */
export interface HistogramCell {
  readonly attributes: Attributes;
  readonly counts: Float64Array;
  count: number;
  sum: number;
  min: number;
  max: number;
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

/** A histogram instrument whose series are found by attribute-object identity. */
export class PreAggregatedHistogram implements Histogram {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly integer: boolean;
  readonly boundaries: readonly number[];
  private readonly cells = new Map<Attributes, HistogramCell>();

  constructor(
    name: string,
    description: string,
    unit: string,
    boundaries: readonly number[],
    integer = false,
  ) {
    this.name = name;
    this.description = description;
    this.unit = unit;
    this.boundaries = boundaries;
    this.integer = integer;
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
      name: this.name,
      description: this.description,
      unit: this.unit,
      integer: this.integer,
      boundaries: this.boundaries,
      cells: [...this.cells.values()],
    };
  }
}

/** A monotonic counter whose series are found by attribute-object identity. */
export class PreAggregatedCounter implements Counter {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  private readonly cells = new Map<Attributes, SumCell>();

  constructor(name: string, description: string, unit: string) {
    this.name = name;
    this.description = description;
    this.unit = unit;
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
      name: this.name,
      description: this.description,
      unit: this.unit,
      integer: true,
      cells: [...this.cells.values()],
    };
  }
}

const EMPTY: Attributes = {};
