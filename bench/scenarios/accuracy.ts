/**
 * (3) Percentile accuracy. Seeded lognormal durations (median 200 ms, σ 0.5 / 1 / 1.5, 100k
 * samples, 3 seeds) go through (a) the in-process store (`InvocationStore`, DDSketch),
 * (b) the Prometheus bucket layout (`DURATION_BUCKETS_SECONDS`, read back with
 * `@toolscope/report`'s `quantileFromBuckets`, and for reference with `histogram_quantile`'s
 * linear interpolation) and (c) toolscope's exponential cells (`histograms: 'exponential'`,
 * 640 buckets) as Prometheus 3 stores them as a native histogram (schema at most 8), read
 * back with the same estimator (log interpolation: `histogram_quantile`'s on native buckets).
 * Reported: the largest |relative error| of p50/p95/p99 against the exact percentiles, per σ.
 */
import { DURATION_BUCKETS_SECONDS, InvocationStore } from '@toolscope/instrumentation';
import {
  PreAggregatedExponentialHistogram,
  prometheusNativeBuckets,
} from '@toolscope/instrumentation/internal';
import { hasFunctions, optionalImport } from '../support/optional-import.ts';
import { bucketCounts, histogramQuantile } from '../support/prometheus-quantile.ts';
import { lognormalSamples } from '../support/rng.ts';
import { exactQuantile, relativeError } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

const QUANTILES = [0.5, 0.95, 0.99];
export const SIGMAS = [0.5, 1, 1.5];

type BucketEstimator = (q: number, bounds: readonly number[], counts: readonly number[]) => number;

/**
 * `values` through an exponential cell, as the native histogram Prometheus 3 would hold:
 * upper bounds (each populated bucket's lower bound too, so gaps are empty buckets) and
 * per-bucket counts, the form `BucketEstimator` takes.
 */
function nativeBuckets(values: Iterable<number>): { bounds: number[]; counts: number[] } {
  const h = new PreAggregatedExponentialHistogram('native', '', 's');
  const attrs = {};
  for (const v of values) h.record(v, attrs);
  const snap = h.snapshot();
  if (snap.kind !== 'exponentialHistogram') throw new Error('expected an exponential histogram');
  const bounds: number[] = [];
  const counts: number[] = [];
  for (const [lower, upper, count] of prometheusNativeBuckets(snap.cells[0]!)) {
    if (bounds.at(-1) !== lower) {
      bounds.push(lower);
      counts.push(0);
    }
    bounds.push(upper);
    counts.push(count);
  }
  return { bounds, counts };
}

interface ReportEstimator {
  quantileFromBuckets(
    q: number,
    buckets: readonly { le: number; count: number }[],
  ): { value: number } | undefined;
}

/** `@toolscope/report`'s estimator (its default interpolation), over per-bucket counts. */
async function reportEstimator(): Promise<BucketEstimator | undefined> {
  const mod = await optionalImport<ReportEstimator>('@toolscope/report');
  if (!mod.ok || !hasFunctions(mod.module, ['quantileFromBuckets'])) return undefined;
  const { quantileFromBuckets } = mod.module;
  return (q, bounds, counts) => {
    let cumulative = 0;
    const buckets = counts.map((c, i) => {
      cumulative += c;
      return { le: bounds[i] ?? Number.POSITIVE_INFINITY, count: cumulative };
    });
    return quantileFromBuckets(q, buckets)?.value ?? Number.NaN;
  };
}

export async function accuracy(options: ScenarioOptions): Promise<ScenarioOutput> {
  const n = options.quick ? 20_000 : 100_000;
  const seeds = options.quick ? [1] : [1, 2, 3];
  const metrics: Record<string, number> = {};
  const notes: Record<string, string> = {};
  const fromReport = await reportEstimator();
  const estimate: BucketEstimator = fromReport ?? histogramQuantile;
  notes.bucketEstimator = fromReport ? "report's quantileFromBuckets" : 'histogram_quantile';

  for (const sigma of SIGMAS) {
    let embedded = 0;
    let buckets = 0;
    let linear = 0;
    let native = 0;
    for (const seed of seeds) {
      const values = lognormalSamples(n, 0.2, sigma, seed * 7919 + Math.round(sigma * 10));
      const sorted = Float64Array.from(values).sort();
      const store = new InvocationStore({ now: () => 1_700_000_000_000 });
      for (const v of values) {
        store.record({
          kind: 'tool',
          name: 'lognormal',
          toolType: 'function',
          durationS: v,
          endTimeMs: 1_700_000_000_000,
          errorType: undefined,
          retryCount: 0,
          fallbackFor: undefined,
          inputSize: undefined,
          outputSize: undefined,
          expectedPerformanceMs: undefined,
          confidence: undefined,
          workflow: undefined,
        });
      }
      const stats = store.tools()[0]!;
      const counts = bucketCounts(DURATION_BUCKETS_SECONDS, values);
      const exp = nativeBuckets(values);
      for (const q of QUANTILES) {
        const exact = exactQuantile(sorted, q);
        embedded = Math.max(embedded, Math.abs(relativeError(stats.duration.quantile(q), exact)));
        buckets = Math.max(
          buckets,
          Math.abs(relativeError(estimate(q, DURATION_BUCKETS_SECONDS, counts), exact)),
        );
        linear = Math.max(
          linear,
          Math.abs(relativeError(histogramQuantile(q, DURATION_BUCKETS_SECONDS, counts), exact)),
        );
        native = Math.max(
          native,
          Math.abs(relativeError(estimate(q, exp.bounds, exp.counts), exact)),
        );
      }
    }
    metrics[`embedded.s${sigma}`] = embedded;
    metrics[`buckets.s${sigma}`] = buckets;
    metrics[`linear.s${sigma}`] = linear;
    metrics[`native.s${sigma}`] = native;
  }
  return { metrics, notes };
}
