/**
 * Provider resolution, one rule for every toolscope package: the provider passed to the
 * component (an option such as `tracerProvider`), else the process-wide one set with
 * `configureInstrumentation({ tracerProvider, meterProvider })`, else the global one —
 * looked up on every use, so that instrumenting before the SDK is registered works, and
 * cached while it stays the same object (a lookup costs one comparison).
 */
import {
  type Meter,
  type MeterProvider,
  metrics,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { config } from './config.ts';
import { INSTRUMENTATION_SCOPE } from './semconv.ts';
import { TOOLSCOPE_VERSION } from './shared/version.ts';

/** The tracer provider in force for a component given `explicit` (may be undefined). */
export function resolveTracerProvider(explicit?: TracerProvider): TracerProvider {
  return explicit ?? config.tracerProvider ?? trace.getTracerProvider();
}

/** The meter provider in force for a component given `explicit` (may be undefined). */
export function resolveMeterProvider(explicit?: MeterProvider): MeterProvider {
  return explicit ?? config.meterProvider ?? metrics.getMeterProvider();
}

/**
 * A getter of `scope`'s tracer: resolved on each call, cached per provider.
 *
 * @example const tracer = tracerGetter(SCOPE_NAMES.healthProbe, options.tracerProvider);
 * tracer().startSpan('health_check search');
 */
export function tracerGetter(scope: string, explicit?: TracerProvider): () => Tracer {
  let provider: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  return () => {
    const current = resolveTracerProvider(explicit);
    if (current !== provider || tracer === undefined) {
      provider = current;
      tracer = current.getTracer(scope, TOOLSCOPE_VERSION);
    }
    return tracer;
  };
}

/**
 * A getter of instruments made by `create` from `scope`'s meter: resolved on each call and
 * made again when the provider changes (the metrics API has no proxy provider, so
 * instruments made from the no-op provider before set-up would stay no-ops forever).
 */
export function instrumentsGetter<T>(
  scope: string,
  create: (meter: Meter) => T,
  explicit?: MeterProvider,
): () => T {
  let provider: MeterProvider | undefined;
  let instruments: T | undefined;
  return () => {
    const current = resolveMeterProvider(explicit);
    if (current !== provider || instruments === undefined) {
      provider = current;
      instruments = create(current.getMeter(scope, TOOLSCOPE_VERSION));
    }
    return instruments;
  };
}

/** The core's tracer (tool, workflow and agent spans). */
export const getTracer: () => Tracer = tracerGetter(INSTRUMENTATION_SCOPE);
