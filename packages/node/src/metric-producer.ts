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
  INSTRUMENTATION_SCOPE,
  type PreAggregatedMetrics,
} from '@toolscope/instrumentation/internal';

/**
 * Exports toolscope's pre-aggregated metrics (tool and workflow durations, executions,
 * retries, fallbacks, payload sizes) as ordinary cumulative OTLP histograms and sums.
 *
 * Creating it switches the instrumentation's hot path from SDK instruments (which hash the
 * attribute set on every record) to pre-aggregated cells found by identity. Attach it to
 * the reader that exports: `startToolscope` does; with your own SDK, pass
 * `metricProducers: [new ToolscopeMetricProducer()]` to your `PeriodicExportingMetricReader`.
 */
export class ToolscopeMetricProducer implements MetricProducer {
  constructor() {
    enablePreAggregatedMetrics();
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
      if (m.kind === 'histogram') {
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
