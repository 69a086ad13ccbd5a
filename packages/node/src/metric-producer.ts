import { type HrTime, ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import {
  enablePreAggregatedMetrics,
  type HistogramAggregation,
  INSTRUMENTATION_SCOPE,
  type PreAggregatedMetrics,
} from '@toolscope/instrumentation/internal';

/**
 * Exports toolscope's pre-aggregated metrics (tool and workflow durations, executions,
 * retries, fallbacks, payload sizes) as ordinary cumulative OTLP histograms and sums; the
 * histograms explicit (the catalogue's bucket layout) or, with `histograms: 'exponential'`,
 * base-2 exponential (160 buckets at most, as the SDK's own aggregation).
 *
 * Creating it switches the instrumentation's hot path from SDK instruments (which hash the
 * attribute set on every record) to pre-aggregated cells found by identity. Attach it to
 * the reader that exports: `startToolscope` does; with your own SDK, pass
 * `metricProducers: [new ToolscopeMetricProducer()]` to your `PeriodicExportingMetricReader`.
 */
export class ToolscopeMetricProducer implements MetricProducer {
  /** How the histograms this producer exports aggregate. */
  readonly histograms: HistogramAggregation;

  constructor(options: { histograms?: HistogramAggregation } = {}) {
    this.histograms = enablePreAggregatedMetrics(options.histograms).histograms;
  }

  async collect(): Promise<CollectionResult> {
    // The current handle (pre-aggregation may have been switched off and on again since).
    const current: PreAggregatedMetrics = enablePreAggregatedMetrics();
    const endTime = millisToHrTime(Date.now());
    const startTime: HrTime = millisToHrTime(current.startTimeMs);
    const out: MetricData[] = [];
    for (const m of current.snapshot()) {
      if (m.cells.length === 0) continue;
      const descriptor = {
        name: m.name,
        description: m.description,
        unit: m.unit,
        valueType: m.integer ? ValueType.INT : ValueType.DOUBLE,
      };
      if (m.kind === 'exponentialHistogram') {
        out.push({
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
          dataPoints: m.cells.map((c) => ({
            startTime,
            endTime,
            attributes: c.attributes,
            value: {
              count: c.count,
              sum: c.sum,
              min: c.min,
              max: c.max,
              scale: c.scale,
              zeroCount: c.zeroCount,
              positive: c.positive,
              negative: { offset: 0, bucketCounts: [] },
            },
          })),
        });
      } else if (m.kind === 'histogram') {
        out.push({
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.HISTOGRAM,
          dataPoints: m.cells.map((c) => ({
            startTime,
            endTime,
            attributes: c.attributes,
            value: {
              buckets: { boundaries: [...m.boundaries], counts: Array.from(c.counts) },
              sum: c.sum,
              count: c.count,
              min: c.min,
              max: c.max,
            },
          })),
        });
      } else {
        out.push({
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.SUM,
          isMonotonic: true,
          dataPoints: m.cells.map((c) => ({
            startTime,
            endTime,
            attributes: c.attributes,
            value: c.value,
          })),
        });
      }
    }
    return {
      resourceMetrics: {
        resource: emptyResource(),
        scopeMetrics:
          out.length === 0
            ? []
            : [{ scope: { name: INSTRUMENTATION_SCOPE, version: '0.1.0' }, metrics: out }],
      },
      errors: [],
    };
  }
}
