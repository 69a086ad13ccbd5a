/**
 * The bare OpenTelemetry span the scenarios measure toolscope against: `startSpan` with the
 * given attributes, the call run in `context.with(trace.setSpan(...))`, `end()` in `finally`.
 */
import { type Attributes, context, type SpanKind, type Tracer, trace } from '@opentelemetry/api';

export async function inBareSpan<A, R>(
  tracer: Tracer,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  fn: (arg: A) => Promise<R>,
  arg: A,
): Promise<R> {
  const parent = context.active();
  const span = tracer.startSpan(name, { kind, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), fn, undefined, arg);
  } finally {
    span.end();
  }
}
