import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { tracerGetter as coreTracerGetter, SCOPE_NAMES } from '@toolscope/instrumentation/internal';

/**
 * A getter of this package's tracer: `provider` when given, else the process-wide one of
 * `configureInstrumentation`, else the global one, looked up on each call (the core's one
 * provider rule).
 */
export function tracerGetter(provider?: TracerProvider): () => Tracer {
  return coreTracerGetter(SCOPE_NAMES.mcp, provider);
}
