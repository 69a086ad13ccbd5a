/**
 * Real OpenTelemetry providers with in-memory exporters for tests: spans are captured by a
 * SimpleSpanProcessor into an InMemorySpanExporter; metrics are read on demand through a
 * MetricReader (`collectMetrics()`), cumulative.
 */
import { type Attributes, context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface TestOtel {
  readonly spanExporter: InMemorySpanExporter;
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** Every metric collected now, flattened. */
  collectMetrics(): Promise<MetricData[]>;
  /** One metric by name, or undefined. */
  metric(name: string): Promise<MetricData | undefined>;
  /** Clears spans. */
  reset(): void;
  /** Unregisters the globals and shuts the providers down. */
  shutdown(): Promise<void>;
}

/** Registers real global providers, context manager and W3C propagators. */
export function setupTestOtel(): TestOtel {
  trace.disable();
  metrics.disable();
  context.disable();
  propagation.disable();
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);

  const collectMetrics = async (): Promise<MetricData[]> => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  };
  return {
    spanExporter,
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    collectMetrics,
    metric: async (name) => (await collectMetrics()).find((m) => m.descriptor.name === name),
    reset: () => spanExporter.reset(),
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** The data points of a metric as plain `{ attributes, value }` records. */
export function points(
  metric: MetricData | undefined,
): { attributes: Attributes; value: unknown }[] {
  if (metric === undefined) return [];
  return metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value }));
}

/** Sum of `count` over a histogram's points matching `filter`. */
export function histogramCount(
  metric: MetricData | undefined,
  filter: (attributes: Attributes) => boolean = () => true,
): number {
  if (metric === undefined || metric.dataPointType !== DataPointType.HISTOGRAM) return 0;
  let n = 0;
  for (const p of metric.dataPoints) if (filter(p.attributes)) n += p.value.count;
  return n;
}
