import { metrics } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { setupTestOtel } from '../../../../test/support/otel.ts';
import { lognormalSamples } from '../../../../test/support/random.ts';
import { DURATION_BUCKETS_SECONDS } from '../../src/index.ts';
import {
  bucketIndex,
  PreAggregatedCounter,
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
