import {
  type Context,
  isSpanContextValid,
  type Link,
  propagation,
  type SpanContext,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { boundName } from '@toolscope/instrumentation/internal';
import type { JsonRpcMessageLike } from './internal-types.ts';
import { META_KEY_BAGGAGE, META_KEY_TRACEPARENT, META_KEY_TRACESTATE } from './semconv.ts';

/**
 * The mark on the message copies `withTraceContext` builds. A wrapper that meets one knows
 * another wrapper of this package (prototype and instance patched at once, or two copies of
 * this package) already traced the message. A symbol key: JSON and the transports ignore it.
 */
const TRACED = Symbol.for('toolscope.instrumentation-mcp.traced');

/** The `_meta` keys SEP-414 reserves for propagation: written together, or not at all. */
const PROPAGATION_KEYS = [META_KEY_TRACEPARENT, META_KEY_TRACESTATE, META_KEY_BAGGAGE] as const;

export function isInstrumentedRequest(request: object): boolean {
  return (request as Record<symbol, unknown>)[TRACED] === true;
}

/**
 * A copy of `message` whose `params._meta` carries the trace context and baggage of `ctx`,
 * injected with the configured propagators (W3C: `traceparent`, `tracestate`, `baggage`, the
 * keys SEP-414 reserves). Those three keys are ours whenever the propagators write any: the
 * caller's are replaced, or dropped when `ctx` has none (as any OTel injection does), so a
 * gateway that forwards a received request's `_meta` sends its own context, not the stale one
 * of the request it received. Every other `_meta` key is kept; the caller's objects are never
 * mutated.
 *
 * @example withTraceContext({ method: 'tools/list', params: { _meta: { progressToken: 1 } } }, ctx)
 *   // { method: 'tools/list', params: { _meta: { progressToken: 1, traceparent: '00-…-01' } } }
 */
export function withTraceContext<R extends JsonRpcMessageLike>(message: R, ctx: Context): R {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const keys = Object.keys(carrier);
  let out: R;
  if (keys.length === 0) {
    out = { ...message };
  } else {
    const params =
      message.params !== null && typeof message.params === 'object' ? message.params : undefined;
    const existing = params?._meta;
    let meta: Record<string, unknown>;
    if (existing !== null && typeof existing === 'object') {
      meta = { ...existing };
      // The trace keys go together: one the propagators did not write this time (no
      // tracestate, no baggage in `ctx`) would pair another trace's state with ours.
      for (const key of PROPAGATION_KEYS) {
        if (carrier[key] === undefined && key in meta) delete meta[key];
      }
      for (const key of keys) meta[key] = carrier[key];
    } else {
      meta = carrier;
    }
    out = { ...message, params: { ...params, _meta: meta } };
  }
  (out as Record<symbol, unknown>)[TRACED] = true;
  return out;
}

/** Reads a header from a Web `Headers` (2.x `ctx.http.req.headers`) or a plain object (1.x). */
const headerGetter: TextMapGetter<unknown> = {
  get(carrier, key) {
    if (carrier === null || typeof carrier !== 'object') return undefined;
    const get = (carrier as { get?: unknown }).get;
    if (typeof get === 'function') {
      const value: unknown = get.call(carrier, key);
      return typeof value === 'string' ? value : undefined;
    }
    const value = (carrier as Record<string, unknown>)[key];
    return typeof value === 'string' || Array.isArray(value)
      ? (value as string | string[])
      : undefined;
  },
  keys() {
    return [];
  },
};

/** Where a SERVER span of a received message starts from. */
export interface Incoming {
  /** The parent: `_meta`'s context, else the ambient span, else the HTTP headers' context. */
  readonly parent: Context;
  /** The transport's context (ambient span or HTTP headers) when it differs from the parent. */
  readonly links: Link[] | undefined;
}

function sameSpan(a: SpanContext | undefined, b: SpanContext | undefined): boolean {
  return (
    a === b ||
    (a !== undefined && b !== undefined && a.spanId === b.spanId && a.traceId === b.traceId)
  );
}

/**
 * The context a received message is handled in. The trace context and baggage in
 * `params._meta` win (the MCP convention). Without them, the ambient span (an HTTP server span
 * of another instrumentation) is the parent, and without that, the `traceparent` / `baggage`
 * HTTP headers of a Streamable HTTP message (`headers`). When `_meta` names a parent and the
 * transport's context (the ambient span, else the headers') is another span, that one is
 * linked. Baggage values from the peer are bounded (site `mcp.meta`).
 */
export function extractIncoming(meta: unknown, headers: unknown, ambient: Context): Incoming {
  const ambientSpan = trace.getSpanContext(ambient);
  const base =
    headers !== undefined && (ambientSpan === undefined || !isSpanContextValid(ambientSpan))
      ? propagation.extract(ambient, headers, headerGetter)
      : ambient;
  // Baggage is bounded wherever it came from: `_meta`, the headers, or the ambient context an
  // HTTP server instrumentation extracted from the same peer's headers.
  const parent = boundBaggage(
    meta !== null && typeof meta === 'object' ? propagation.extract(base, meta) : base,
  );
  const transport = base === ambient ? ambientSpan : trace.getSpanContext(base);
  const links =
    transport !== undefined &&
    !sameSpan(transport, trace.getSpanContext(parent)) &&
    isSpanContextValid(transport)
      ? [{ context: transport }]
      : undefined;
  return { parent, links };
}

/** `ctx` with every baggage value over the name bound cut (counted at `mcp.meta`). */
function boundBaggage(ctx: Context): Context {
  const bag = propagation.getBaggage(ctx);
  if (bag === undefined) return ctx;
  let out = bag;
  for (const [key, entry] of bag.getAllEntries()) {
    const value = boundName(entry.value, 'mcp.meta');
    if (value !== entry.value) out = out.setEntry(key, { ...entry, value });
  }
  return out === bag ? ctx : propagation.setBaggage(ctx, out);
}
