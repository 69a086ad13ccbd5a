import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  AggregationType,
  type ExponentialHistogram,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { setupTestOtel } from '../../../../test/support/otel.ts';
import { lognormalSamples } from '../../../../test/support/random.ts';
import { DURATION_BUCKETS_SECONDS } from '../../src/index.ts';
import {
  bucketIndex,
  type ExponentialHistogramPoint,
  exponentialIndex,
  PreAggregatedCounter,
  PreAggregatedExponentialHistogram,
  PreAggregatedHistogram,
} from '../../src/metrics/pre-aggregated.ts';

const otel = setupTestOtel();
afterAll(() => otel.shutdown());

describe('pre-aggregated metrics', () => {
  it('puts a value on a boundary in the bucket it closes, like the SDK', () => {
    const b = [1, 2, 5];
    expect([0, 1, 1.5, 2, 4, 5, 6].map((v) => bucketIndex(b, v))).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });

  it('gives the same buckets, count, sum, min and max as an SDK explicit histogram', async () => {
    const data = lognormalSamples(5000, Math.log(0.2), 1, 3);
    const attrs = { 'gen_ai.tool.name': 'x' };
    const sdk = metrics.getMeter('t').createHistogram('cmp', {
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
    });
    const pre = new PreAggregatedHistogram('cmp', '', 's', DURATION_BUCKETS_SECONDS);
    for (const v of data) {
      sdk.record(v, attrs);
      pre.record(v, attrs);
    }
    const point = (await otel.metric('cmp'))!.dataPoints[0]!.value as {
      buckets: { counts: number[] };
      count: number;
      sum: number;
      min: number;
      max: number;
    };
    const snap = pre.snapshot();
    if (snap.kind !== 'histogram') throw new Error('expected a histogram');
    const cell = snap.cells[0]!;
    expect(Array.from(cell.counts)).toEqual(point.buckets.counts);
    expect(cell.count).toBe(point.count);
    expect(cell.sum).toBeCloseTo(point.sum, 9);
    expect(cell.min).toBe(point.min);
    expect(cell.max).toBe(point.max);
  });

  it('maps values to exponential buckets as OpenTelemetry does (upper-inclusive, exact at powers of two)', () => {
    // Scale 0: buckets (1, 2], (2, 4], ...; scale 1: (1, √2], (√2, 2], ...
    expect([1, 1.5, 2, 3, 4, 4.0001].map((v) => exponentialIndex(v, 0))).toEqual([
      -1, 0, 0, 1, 1, 2,
    ]);
    expect([1, 1.4, 1.5, 2, 0.5].map((v) => exponentialIndex(v, 1))).toEqual([-1, 0, 1, 1, -3]);
    // Scale -1: buckets (1, 4], (4, 16]; scale 20 keeps 2^20 buckets per octave.
    expect([1, 2, 4, 5, 16].map((v) => exponentialIndex(v, -1))).toEqual([-1, 0, 0, 1, 1]);
    expect(exponentialIndex(2, 20)).toBe(2 ** 20 - 1);
    expect(exponentialIndex(2 * (1 + 2 ** -30), 20)).toBe(2 ** 20);
  });

  for (const [label, data, maxSize] of [
    ['lognormal latencies', lognormalSamples(5000, Math.log(0.2), 1, 5), 160],
    ['lognormal latencies, 640 buckets', lognormalSamples(5000, Math.log(0.2), 1, 5), 640],
    // From microseconds to hours, zeros and exact powers of two: forces several downscales.
    [
      'a wide range with zeros and powers of two',
      [
        ...lognormalSamples(3000, Math.log(0.05), 4, 9),
        0,
        0,
        1,
        2,
        0.5,
        1024,
        2 ** -20,
        3600,
        1e-6,
      ],
      160,
    ],
  ] as const) {
    it(`gives the same exponential histogram as the SDK's aggregation: ${label}`, async () => {
      const reader = new (class extends MetricReader {
        constructor() {
          super({
            aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
            aggregationSelector: () => ({
              type: AggregationType.EXPONENTIAL_HISTOGRAM,
              options: { maxSize },
            }),
          });
        }
        protected override async onForceFlush(): Promise<void> {}
        protected override async onShutdown(): Promise<void> {}
      })();
      const provider = new MeterProvider({ readers: [reader] });
      const sdk = provider.getMeter('t').createHistogram('cmp', { unit: 's' });
      const pre = new PreAggregatedExponentialHistogram('cmp', '', 's', false, maxSize);
      const attrs = { 'gen_ai.tool.name': 'x' };
      for (const v of data) {
        sdk.record(v, attrs);
        pre.record(v, attrs);
      }
      const { resourceMetrics } = await reader.collect();
      const point = resourceMetrics.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!
        .value as ExponentialHistogram;
      const snap = pre.snapshot();
      if (snap.kind !== 'exponentialHistogram')
        throw new Error('expected an exponential histogram');
      const cell: ExponentialHistogramPoint = snap.cells[0]!;
      expect(cell.positive.bucketCounts.length).toBeLessThanOrEqual(maxSize);
      expect({
        scale: cell.scale,
        zeroCount: cell.zeroCount,
        offset: cell.positive.offset,
        counts: cell.positive.bucketCounts,
        count: cell.count,
        min: cell.min,
        max: cell.max,
      }).toEqual({
        scale: point.scale,
        zeroCount: point.zeroCount,
        offset: point.positive.offset,
        counts: point.positive.bucketCounts,
        count: point.count,
        min: point.min,
        max: point.max,
      });
      expect(cell.sum).toBeCloseTo(point.sum!, 6);
      await provider.shutdown();
    });
  }

  it('keeps scale 6 (buckets 1.1% wide) for values spanning 5 ms to 5 s', () => {
    const pre = new PreAggregatedExponentialHistogram('x', '', 's');
    const a = {};
    for (const v of [0.2, 0.005, 5, 0.3, 1]) pre.record(v, a);
    const snap = pre.snapshot();
    if (snap.kind !== 'exponentialHistogram') throw new Error('expected an exponential histogram');
    expect(snap.cells[0]!.scale).toBe(6);
    expect(snap.cells[0]!.positive.bucketCounts.length).toBeLessThanOrEqual(640);
  });

  it('ignores negative, NaN and infinite values in exponential histograms, like explicit ones', () => {
    const pre = new PreAggregatedExponentialHistogram('x', '', 's');
    const a = {};
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY, 0.25]) pre.record(v, a);
    const snap = pre.snapshot();
    if (snap.kind !== 'exponentialHistogram') throw new Error('expected an exponential histogram');
    expect(snap.cells[0]).toMatchObject({ count: 1, sum: 0.25, zeroCount: 0 });
  });

  it('keys series by attribute-object identity and sums counters', () => {
    const c = new PreAggregatedCounter('c', '', '{x}');
    const a = { k: 'a' };
    c.add(1, a);
    c.add(2, a);
    c.add(1, { k: 'a' });
    const snap = c.snapshot();
    if (snap.kind !== 'sum') throw new Error('expected a sum');
    expect(snap.cells.map((x) => x.value)).toEqual([3, 1]);
  });
});
