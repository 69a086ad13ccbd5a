import { type Context, propagation } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { TOOLSCOPE_CORRELATION_ID } from '@toolscope/instrumentation';

/**
 * Copies the correlation ID from the parent context's baggage onto every span started in the
 * process (HTTP client spans of other instrumentations included), so a correlation ID search
 * in Jaeger finds the whole request. Spans only: metrics never see it.
 */
export class CorrelationSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const entry = propagation.getBaggage(parentContext)?.getEntry(TOOLSCOPE_CORRELATION_ID);
    if (entry !== undefined) span.setAttribute(TOOLSCOPE_CORRELATION_ID, entry.value);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
