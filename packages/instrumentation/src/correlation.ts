import { type Context, context, propagation, type Span } from '@opentelemetry/api';
import { config } from './config.ts';
import { logger } from './diag.ts';
import { TOOLSCOPE_CORRELATION_ID } from './semconv.ts';
import { describeValue } from './shared/describe.ts';

/**
 * Returns `ctx` with the correlation ID set in its W3C baggage (key
 * `toolscope.correlation_id`), keeping every other baggage entry.
 */
export function setCorrelationId(ctx: Context, id: string): Context {
  if (typeof id !== 'string' || id === '') {
    // Never throw into the request: an empty id is a bug to see in the logs, not an outage.
    logger.warn(`correlationId must be a non-empty string (got ${describeValue(id)}); not set`);
    return ctx;
  }
  const bag = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  return propagation.setBaggage(ctx, bag.setEntry(TOOLSCOPE_CORRELATION_ID, { value: id }));
}

/**
 * Runs `fn` with `id` as the correlation ID: every span started inside carries it as the
 * `toolscope.correlation_id` attribute, and it crosses process boundaries in the `baggage`
 * header (HTTP) or `params._meta.baggage` (MCP). It never becomes a metric attribute.
 * Returns what `fn` returns, unchanged.
 */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  return context.with(setCorrelationId(context.active(), id), fn);
}

/** The correlation ID of the active context (or of `ctx`), if any. */
export function getCorrelationId(ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(TOOLSCOPE_CORRELATION_ID)?.value;
}

/**
 * Copies the correlation ID and the allow-listed baggage entries of `parent` onto `span` as
 * attributes (spans only; never metrics).
 */
export function applyCorrelation(span: Span, parent: Context): void {
  const bag = propagation.getBaggage(parent);
  if (bag === undefined) return;
  const id = bag.getEntry(TOOLSCOPE_CORRELATION_ID);
  if (id !== undefined) span.setAttribute(TOOLSCOPE_CORRELATION_ID, id.value);
  const allow = config.baggageAllowList;
  for (let i = 0; i < allow.length; i++) {
    const entry = bag.getEntry(allow[i]!);
    if (entry !== undefined) span.setAttribute(allow[i]!, entry.value);
  }
}
