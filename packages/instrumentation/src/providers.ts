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
import { logger } from './diag.ts';
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
 * `create` is also given the provider the meter comes from (to flush it, see
 * `flushMeterProvider`).
 */
export function instrumentsGetter<T>(
  scope: string,
  create: (meter: Meter, provider: MeterProvider) => T,
  explicit?: MeterProvider,
): () => T {
  let provider: MeterProvider | undefined;
  let instruments: T | undefined;
  return () => {
    const current = resolveMeterProvider(explicit);
    if (current !== provider || instruments === undefined) {
      provider = current;
      instruments = create(current.getMeter(scope, TOOLSCOPE_VERSION), current);
    }
    return instruments;
  };
}

/**
 * Exports what `provider` holds now, waiting `deadlineMs` at most: called by a component
 * before it removes its observable gauges' callback, so that the last export carries their
 * final values (otherwise a backend keeps the previous periodic export's values until they
 * expire). `forceFlush` is duck-typed: the SDK's `MeterProvider` has it, the API's no-op
 * provider does not (nothing to do). The SDK is told the deadline too (`timeoutMillis`).
 * Never rejects: a failure or a timeout is logged through the diag logger; the timer is
 * unref'd.
 *
 * @example await flushMeterProvider(provider, LIMITS.gaugeFinalFlushDeadlineMs, 'HealthMonitor.close()');
 */
export async function flushMeterProvider(
  provider: MeterProvider,
  deadlineMs: number,
  what: string,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const flush = (provider as { forceFlush?: unknown }).forceFlush;
    if (typeof flush !== 'function') return;
    const flushed = Promise.resolve(flush.call(provider, { timeoutMillis: deadlineMs })).then(
      () => true,
    );
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), deadlineMs);
      timer.unref();
    });
    if (!(await Promise.race([flushed, timedOut]))) {
      logger.warn(
        `${what}: the meter provider's flush did not finish within ${deadlineMs} ms; ` +
          'the final values of its gauges may not have been exported',
      );
    }
  } catch (err) {
    logger.warn(
      `${what}: flushing the meter provider failed; the final values of its gauges may not have been exported`,
      err,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** The core's tracer (tool, workflow and agent spans). */
export const getTracer: () => Tracer = tracerGetter(INSTRUMENTATION_SCOPE);
