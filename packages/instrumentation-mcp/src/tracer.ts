import { type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION } from './semconv.ts';

/**
 * A tracer getter for `provider`, or for the global provider looked up on each call (so that
 * instrumenting before the SDK is set up works), cached while the provider stays the same.
 */
export function tracerGetter(provider?: TracerProvider): () => Tracer {
  let cachedProvider: TracerProvider | undefined;
  let cachedTracer: Tracer | undefined;
  return () => {
    const current = provider ?? trace.getTracerProvider();
    if (current !== cachedProvider || cachedTracer === undefined) {
      cachedProvider = current;
      cachedTracer = current.getTracer(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
    }
    return cachedTracer;
  };
}
