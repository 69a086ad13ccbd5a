/**
 * The OpenTelemetry set-up every in-process scenario shares: AsyncLocalStorage context, W3C
 * trace-context + baggage propagators, a BatchSpanProcessor feeding an exporter that discards
 * (so the SDK's real span path runs, minus the network), and a real MeterProvider with a
 * periodic reader whose exporter also discards.
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  type ExportResult,
  ExportResultCode,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import {
  AggregationTemporality,
  MeterProvider,
  type MetricProducer,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/** A span exporter that counts and drops what it receives. */
export class DiscardingSpanExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

class DiscardingMetricExporter implements PushMetricExporter {
  export(_metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    done({ code: ExportResultCode.SUCCESS });
  }
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface BenchOtel {
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  readonly spanExporter: DiscardingSpanExporter;
  shutdown(): Promise<void>;
}

/** Registers the context manager and propagators globally (once per process). */
export function registerContext(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
}

/**
 * Creates the providers. With `global`, they are registered as the global providers; the
 * extra `spanProcessors` replace the default BatchSpanProcessor when given.
 */
export function createBenchOtel(
  options: {
    global?: boolean;
    spanProcessors?: SpanProcessor[];
    metricProducers?: MetricProducer[];
  } = {},
): BenchOtel {
  const spanExporter = new DiscardingSpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: options.spanProcessors ?? [new BatchSpanProcessor({ exporter: spanExporter })],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new DiscardingMetricExporter(),
        exportIntervalMillis: 60_000,
        ...(options.metricProducers ? { metricProducers: options.metricProducers } : {}),
      }),
    ],
  });
  if (options.global ?? true) {
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
  }
  return {
    tracerProvider,
    meterProvider,
    spanExporter,
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
