import { context, propagation, trace } from '@opentelemetry/api';
import { setCorrelationId } from '@toolscope/instrumentation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { extractIncoming, withTraceContext } from '../src/propagation.ts';

describe('_meta propagation', () => {
  let otel: TestOtel;
  beforeAll(() => {
    otel = setupTestOtel();
  });
  afterAll(async () => otel.shutdown());

  const activeContext = () => {
    const span = trace.getTracer('test').startSpan('caller');
    return setCorrelationId(trace.setSpan(context.active(), span), 'c-1');
  };

  it("injects traceparent and baggage into a copy: the trace keys replace the caller's (a forwarded _meta), other keys stay", () => {
    const request = {
      method: 'tools/call',
      params: {
        name: 'x',
        _meta: { progressToken: 7, traceparent: '00-forwarded-from-upstream-01', 'x.io/k': 'v' },
      },
    };
    const ctx = activeContext();
    const out = withTraceContext(request, ctx);
    expect(out).not.toBe(request);
    expect(out.params).not.toBe(request.params);
    expect(request.params._meta).toEqual({
      progressToken: 7,
      traceparent: '00-forwarded-from-upstream-01',
      'x.io/k': 'v',
    });
    const sc = trace.getSpanContext(ctx)!;
    expect(out.params._meta).toEqual({
      progressToken: 7,
      traceparent: `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags}`,
      'x.io/k': 'v',
      baggage: 'toolscope.correlation_id=c-1',
    });
  });

  it('drops a forwarded tracestate or baggage its context does not have: the trace keys go together', () => {
    const request = {
      method: 'tools/call',
      params: {
        name: 'x',
        _meta: {
          progressToken: 1,
          traceparent: '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01',
          tracestate: 'upstream=stale',
          baggage: `toolscope.correlation_id=${'u'.repeat(2000)}`,
        },
      },
    };
    const span = trace.getTracer('test').startSpan('no-baggage');
    const ctx = trace.setSpan(context.active(), span);
    const out = withTraceContext(request, ctx);
    const sc = span.spanContext();
    expect(out.params._meta).toEqual({
      progressToken: 1,
      traceparent: `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags}`,
    });
    // Nothing to inject (no span, no baggage): the caller's keys stay as they are.
    expect(withTraceContext(request, context.active()).params._meta).toEqual(request.params._meta);
  });

  it('adds params only when there is something to carry', () => {
    const ctx = activeContext();
    const out = withTraceContext({ method: 'ping' }, ctx) as { params?: { _meta?: unknown } };
    expect(Object.keys(out.params?._meta as object).sort()).toEqual(['baggage', 'traceparent']);
    const bare = withTraceContext({ method: 'ping' }, context.active());
    expect(bare).not.toHaveProperty('params');
    expect(Object.keys(bare)).toEqual(['method']);
  });

  it('round-trips: what one side injects the other extracts', () => {
    const ctx = activeContext();
    const sent = withTraceContext({ method: 'tools/list' }, ctx);
    const meta = (sent as { params?: { _meta?: unknown } }).params?._meta;
    const received = extractIncoming(meta, undefined, context.active()).parent;
    expect(trace.getSpanContext(received)?.spanId).toBe(trace.getSpanContext(ctx)?.spanId);
    expect(propagation.getBaggage(received)?.getEntry('toolscope.correlation_id')?.value).toBe(
      'c-1',
    );
  });
});
