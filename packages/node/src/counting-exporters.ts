import { diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type {
  AggregationOption,
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

const logger = diag.createComponentLogger({ namespace: '@toolscope/node' });
/** At most one failure log line per this many ms, so a dead collector does not flood logs. */
const LOG_EVERY_MS = 10_000;

/** Counts of one exporter. */
export interface ExportCounts {
  exported: number;
  failed: number;
  failedExports: number;
  /** Spans given to the exporter that it has not answered for yet. */
  inFlight: number;
}

/**
 * Wraps a span exporter to count what it delivered and what was lost, and to report losses
 * through the diag logger (rate-limited).
 */
export class CountingSpanExporter implements SpanExporter {
  readonly counts: ExportCounts = { exported: 0, failed: 0, failedExports: 0, inFlight: 0 };
  private readonly inner: SpanExporter;
  private lastLog = 0;

  constructor(inner: SpanExporter) {
    this.inner = inner;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.counts.inFlight += spans.length;
    this.inner.export(spans, (result) => {
      this.counts.inFlight -= spans.length;
      if (result.code === ExportResultCode.SUCCESS) {
        this.counts.exported += spans.length;
      } else {
        this.counts.failed += spans.length;
        this.counts.failedExports++;
        const now = Date.now();
        if (now - this.lastLog >= LOG_EVERY_MS) {
          this.lastLog = now;
          logger.warn(
            `span export failed; ${this.counts.failed} spans lost so far: ${result.error?.message ?? 'unknown error'}`,
          );
        }
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Wraps a metric exporter to count successful, failed and unanswered exports. */
export class CountingMetricExporter implements PushMetricExporter {
  readonly counts = { exports: 0, failed: 0, inFlight: 0 };
  private readonly inner: PushMetricExporter;
  private lastLog = 0;

  constructor(inner: PushMetricExporter) {
    this.inner = inner;
    if (inner.selectAggregationTemporality !== undefined) {
      this.selectAggregationTemporality = (t: InstrumentType): AggregationTemporality =>
        inner.selectAggregationTemporality!(t);
    }
    if (inner.selectAggregation !== undefined) {
      this.selectAggregation = (t: InstrumentType): AggregationOption =>
        inner.selectAggregation!(t);
    }
  }

  selectAggregationTemporality?: (instrumentType: InstrumentType) => AggregationTemporality;
  selectAggregation?: (instrumentType: InstrumentType) => AggregationOption;

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.counts.inFlight++;
    this.inner.export(metrics, (result) => {
      this.counts.inFlight--;
      if (result.code === ExportResultCode.SUCCESS) {
        this.counts.exports++;
      } else {
        this.counts.failed++;
        const now = Date.now();
        if (now - this.lastLog >= LOG_EVERY_MS) {
          this.lastLog = now;
          logger.warn(
            `metric export failed (${this.counts.failed} so far; cumulative values catch up on the next success): ${result.error?.message ?? 'unknown error'}`,
          );
        }
      }
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
