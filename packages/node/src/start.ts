import {
  type MeterProvider as ApiMeterProvider,
  context,
  diag,
  metrics,
  ProxyTracerProvider,
  propagation,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  type AggregationOption,
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { getAlertCenter, InvocationStore } from '@toolscope/instrumentation';
import {
  disablePreAggregatedMetrics,
  EXPONENTIAL_MAX_SIZE,
} from '@toolscope/instrumentation/internal';
import { CorrelationSpanProcessor } from './correlation-processor.ts';
import { CountingMetricExporter, CountingSpanExporter } from './counting-exporters.ts';
import { installExitFlush } from './exit-flush.ts';
import { FRAMEWORKS } from './frameworks.ts';
import { ToolscopeMetricProducer } from './metric-producer.ts';
import { resolveOptions } from './options.ts';
import type { Toolscope, ToolscopeOptions, ToolscopeStats } from './types.ts';

const logger = diag.createComponentLogger({ namespace: '@toolscope/node' });

/** The running toolscope of this process (shared by every copy of this package). */
const RUNNING = Symbol.for('@toolscope/node.running');

/** A reader that is only collected on demand, to read the SDK's own drop counters. */
class StatsReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/**
 * Base-2 exponential aggregation for the SDK's histograms, with as many buckets as toolscope's
 * own (`EXPONENTIAL_MAX_SIZE`, 640 instead of the SDK's 160), so that every duration has the
 * same resolution.
 */
function exponentialHistograms(type: InstrumentType): AggregationOption {
  return type === InstrumentType.HISTOGRAM
    ? { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: EXPONENTIAL_MAX_SIZE } }
    : { type: AggregationType.DEFAULT };
}

/** Whether an SDK tracer provider is already registered globally. */
function hasGlobalTracerProvider(): boolean {
  const provider = trace.getTracerProvider();
  const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
  return delegate.constructor.name !== 'NoopTracerProvider';
}

function hasGlobalMeterProvider(): boolean {
  return metrics.getMeterProvider().constructor.name !== 'NoopMeterProvider';
}

interface Enableable {
  setTracerProvider?(p: unknown): void;
  setMeterProvider?(p: unknown): void;
  enable?(): void;
  disable?(): void;
}

/**
 * Sets up OpenTelemetry for a process that orchestrates tools, in one call: tracer and meter
 * providers with OTLP/HTTP exporters (protobuf by default), W3C trace-context + baggage
 * propagation, an AsyncLocalStorage context manager, batch settings that keep up with
 * thousands of calls per second, drop and failure counters, and the in-process aggregates
 * the report reads. Honors OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER=none, OTEL_METRIC_EXPORT_INTERVAL, OTEL_BSP_* and
 * OTEL_(SPAN_)ATTRIBUTE_VALUE_LENGTH_LIMIT (span attribute values are capped at 4096 by default).
 *
 * When the application already registered its own SDK, toolscope leaves it in place: it
 * creates no providers, and its spans and metrics go through the application's SDK.
 *
 * Bad options throw a `ToolscopeSetupError` naming the option; an unreachable endpoint never
 * blocks or crashes the application (losses are counted in `stats()` and logged through diag).
 *
 * @example
 * const toolscope = startToolscope({ serviceName: 'travel-agent' });
 * // ... run the orchestrator ...
 * await toolscope.shutdown();
 */
export function startToolscope(options: ToolscopeOptions = {}): Toolscope {
  const o = resolveOptions(options);
  const running = (globalThis as Record<symbol, Toolscope | undefined>)[RUNNING];
  if (running !== undefined) {
    // One toolscope per process: a second call (a `--import @toolscope/node/register` preload
    // and the application's own line, say) gets the running one, not a second pipeline.
    logger.info('startToolscope: toolscope is already running in this process; returning it');
    return running;
  }
  const alerts = getAlertCenter();
  const store = o.inProcess !== undefined ? new InvocationStore(o.inProcess).attach() : undefined;

  const skipTraces = o.sdkDisabled || hasGlobalTracerProvider();
  const skipMetrics = o.sdkDisabled || hasGlobalMeterProvider();
  if (!o.sdkDisabled && (skipTraces || skipMetrics)) {
    logger.info(
      'an OpenTelemetry SDK is already registered; toolscope uses it instead of setting up its own',
    );
  }
  if (skipMetrics && !o.sdkDisabled && o.histograms === 'exponential') {
    logger.warn(
      "histograms 'exponential' applies to the meter provider toolscope creates, not to the one already registered: give its exporter an exponential aggregationPreference and its reader `new ToolscopeMetricProducer({ histograms: 'exponential' })`",
    );
  }

  const resource = defaultResource().merge(
    resourceFromAttributes({
      ...o.resourceAttributes,
      ...(o.serviceName !== undefined ? { 'service.name': o.serviceName } : {}),
    }),
  );
  const exporterConfig = { timeoutMillis: o.batch.exportTimeoutMillis };

  let meterProvider: MeterProvider | undefined;
  let statsReader: StatsReader | undefined;
  let metricExporter: CountingMetricExporter | undefined;
  if (!skipMetrics) {
    statsReader = new StatsReader();
    const readers: MetricReader[] = [statsReader];
    if (o.exportEnabled) {
      const cfg = {
        ...exporterConfig,
        url: o.metricsUrl,
        headers: o.metricsHeaders,
        timeoutMillis: o.metricExportTimeoutMs,
        // What OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION means in the spec: the
        // exporter's aggregation for every SDK histogram (health checks, MCP, the app's own).
        ...(o.histograms === 'exponential' ? { aggregationPreference: exponentialHistograms } : {}),
      };
      metricExporter = new CountingMetricExporter(
        o.protocol === 'http/json' ? new JsonMetricExporter(cfg) : new ProtoMetricExporter(cfg),
      );
      readers.push(
        new PeriodicExportingMetricReader({
          exporter: metricExporter,
          // toolscope's own hot-path histograms, aggregated the same way.
          metricProducers: [new ToolscopeMetricProducer({ histograms: o.histograms })],
          exportIntervalMillis: o.metricExportIntervalMs,
          exportTimeoutMillis: o.metricExportTimeoutMs,
        }),
      );
    }
    meterProvider = new MeterProvider({ resource, readers });
    metrics.setGlobalMeterProvider(meterProvider);
  }

  let tracerProvider: TracerProvider | undefined;
  let ownContextManager = false;
  let spanExporter: CountingSpanExporter | undefined;
  if (!skipTraces) {
    const processors: SpanProcessor[] = [new CorrelationSpanProcessor()];
    if (o.exportEnabled) {
      const cfg = { ...exporterConfig, url: o.tracesUrl, headers: o.tracesHeaders };
      spanExporter = new CountingSpanExporter(
        o.protocol === 'http/json' ? new JsonTraceExporter(cfg) : new ProtoTraceExporter(cfg),
      );
      processors.push(
        new BatchSpanProcessor({
          exporter: spanExporter,
          ...o.batch,
          ...(meterProvider !== undefined ? { selfObsMeterProvider: meterProvider } : {}),
        }),
      );
    }
    tracerProvider = new TracerProvider({
      resource,
      spanProcessors: processors,
      spanLimits: { attributeValueLengthLimit: o.attributeValueLengthLimit },
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
      }),
    );
    trace.setGlobalTracerProvider(tracerProvider);
  }

  if (tracerProvider === undefined) {
    // Without an SDK the in-process store still needs context to flow across awaits (tool
    // calls find their workflow through it). A no-op when a context manager exists.
    const manager = new AsyncLocalStorageContextManager();
    if (context.setGlobalContextManager(manager.enable())) ownContextManager = true;
    else manager.disable();
  }

  const instrumentations = [
    ...(o.sdkDisabled
      ? []
      : FRAMEWORKS.filter((f) => o.frameworks.has(f.id)).map((f) => f.create())),
    ...o.instrumentations,
  ] as Enableable[];
  for (const inst of instrumentations) {
    try {
      if (tracerProvider !== undefined) inst.setTracerProvider?.(tracerProvider);
      if (meterProvider !== undefined) inst.setMeterProvider?.(meterProvider);
      inst.enable?.();
    } catch (err) {
      logger.error('enabling an instrumentation failed; skipped', err);
    }
  }

  const forceFlush = async (): Promise<void> => {
    const results = await Promise.allSettled([
      tracerProvider?.forceFlush(),
      meterProvider?.forceFlush(),
    ]);
    for (const r of results) {
      if (r.status === 'rejected') logger.warn('flush failed (counted in stats())', r.reason);
    }
  };

  let shutdownPromise: Promise<void> | undefined;
  let removeExitFlush: (() => void) | undefined;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      removeExitFlush?.();
      if ((globalThis as Record<symbol, unknown>)[RUNNING] === handle) {
        delete (globalThis as Record<symbol, unknown>)[RUNNING];
      }
      for (const inst of instrumentations) {
        try {
          inst.disable?.();
        } catch (err) {
          logger.warn('disabling an instrumentation failed', err);
        }
      }
      const results = await Promise.allSettled([
        tracerProvider?.shutdown(),
        meterProvider?.shutdown(),
      ]);
      for (const r of results) {
        if (r.status === 'rejected') logger.warn('shutdown failed', r.reason);
      }
      store?.close();
      if (tracerProvider !== undefined) {
        trace.disable();
        propagation.disable();
      }
      if (tracerProvider !== undefined || ownContextManager) context.disable();
      if (meterProvider !== undefined) metrics.disable();
      if (o.exportEnabled && meterProvider !== undefined) disablePreAggregatedMetrics();
    })();
    return shutdownPromise;
  };

  const stats = async (): Promise<ToolscopeStats> => {
    let spansDropped = 0;
    if (statsReader !== undefined && shutdownPromise === undefined) {
      try {
        const { resourceMetrics } = await statsReader.collect();
        for (const scope of resourceMetrics.scopeMetrics) {
          for (const m of scope.metrics) {
            if (m.descriptor.name !== 'otel.sdk.processor.span.processed') continue;
            for (const p of m.dataPoints) {
              if (p.attributes['error.type'] === 'queue_full') spansDropped += p.value as number;
            }
          }
        }
      } catch (err) {
        logger.warn('reading drop counters failed', err);
      }
    }
    return {
      spansExported: spanExporter?.counts.exported ?? 0,
      spansFailed: spanExporter?.counts.failed ?? 0,
      spansDropped,
      metricExports: metricExporter?.counts.exports ?? 0,
      metricExportsFailed: metricExporter?.counts.failed ?? 0,
    };
  };

  const handle = {
    tracerProvider,
    meterProvider: meterProvider as ApiMeterProvider | undefined,
    store,
    alerts,
    exporting: o.exportEnabled && (!skipTraces || !skipMetrics),
    endpoint: o.endpoint,
    stats,
    forceFlush,
    shutdown,
  } as Toolscope;
  if (o.flushOnExit && (tracerProvider !== undefined || meterProvider !== undefined)) {
    removeExitFlush = installExitFlush(forceFlush, o.exitFlushTimeoutMs, () => ({
      spans: spanExporter?.counts.inFlight ?? 0,
      metricExports: metricExporter?.counts.inFlight ?? 0,
    }));
  }
  (globalThis as Record<symbol, unknown>)[RUNNING] = handle;
  return handle;
}
