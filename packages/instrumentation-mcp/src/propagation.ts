import { type Context, propagation } from '@opentelemetry/api';
import type { JsonRpcRequestLike } from './internal-types.ts';

/**
 * Request objects built by `withTraceContext`. A wrapper that meets one of them knows another
 * wrapper of this package (prototype and instance patched at once) already traced the call.
 */
const instrumented = new WeakSet<object>();

export function isInstrumentedRequest(request: object): boolean {
  return instrumented.has(request);
}

/**
 * A copy of `request` whose `params._meta` also carries the trace context and baggage of `ctx`,
 * injected with the configured propagators (W3C: `traceparent`, `tracestate`, `baggage`, the
 * keys SEP-414 reserves). Keys already in `_meta` are kept as they are; the caller's objects are
 * never mutated.
 *
 * @example withTraceContext({ method: 'tools/list', params: { _meta: { progressToken: 1 } } }, ctx)
 *   // { method: 'tools/list', params: { _meta: { progressToken: 1, traceparent: '00-…-01' } } }
 */
export function withTraceContext<R extends JsonRpcRequestLike>(request: R, ctx: Context): R {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const keys = Object.keys(carrier);
  let out: R;
  if (keys.length === 0) {
    out = { ...request };
  } else {
    const params =
      request.params !== null && typeof request.params === 'object' ? request.params : undefined;
    const existing =
      params?._meta !== null && typeof params?._meta === 'object' ? params._meta : undefined;
    const meta: Record<string, unknown> = { ...existing };
    for (const key of keys) if (meta[key] === undefined) meta[key] = carrier[key];
    out = { ...request, params: { ...params, _meta: meta } };
  }
  instrumented.add(out);
  return out;
}

/**
 * The context a handler of `request` should run in: `ambient` with the remote parent and the
 * baggage found in `params._meta` (or `ambient` unchanged when `_meta` carries none).
 */
export function extractTraceContext(request: JsonRpcRequestLike, ambient: Context): Context {
  const meta = request.params?._meta;
  if (meta === null || typeof meta !== 'object') return ambient;
  return propagation.extract(ambient, meta);
}
