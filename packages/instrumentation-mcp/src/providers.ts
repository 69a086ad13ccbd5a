import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { tracerGetter as coreTracerGetter, SCOPE_NAMES } from '@toolscope/instrumentation/internal';

/**
 * A getter of this package's tracer: `provider` when given, else the process-wide one of
 * `configureInstrumentation`, else the global one, looked up on each call (the core's one
 * provider rule). Never a tracer taken once at start-up: an application that registers its
 * SDK later, or through another copy of `@opentelemetry/api`, still gets every span. (The MCP
 * histograms are the core's recorders, looked up on each call the same way.)
 */
export function tracerGetter(provider?: TracerProvider): () => Tracer {
  return coreTracerGetter(SCOPE_NAMES.mcp, provider);
}
