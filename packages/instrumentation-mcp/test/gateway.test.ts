/**
 * A gateway on both SDK lines: its tool handler forwards the call it received, `_meta`
 * included (as proxies do, for the progress token and custom keys), to an upstream server
 * through its own instrumented client. The upstream SERVER span is the child of the
 * gateway's CLIENT span, not of the end user's (whose `traceparent` the forwarded `_meta`
 * still carries), and the other `_meta` keys reach the upstream server.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { resetInstrumentation } from '../../instrumentation/src/index.ts';
import { type AnyClient, connectedPair, LINES } from './helpers/lines.ts';
import { spanFinder } from './helpers/spans.ts';

interface Forwardable {
  name: string;
  arguments?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

/** The request a tool handler got: 1.x `extra.requestId`/`_meta`, 2.x `ctx.mcpReq._meta`. */
function metaOf(extra: unknown): Record<string, unknown> | undefined {
  const e = extra as {
    _meta?: Record<string, unknown>;
    mcpReq?: { _meta?: Record<string, unknown> };
  };
  return e._meta ?? e.mcpReq?._meta;
}

describe.each(LINES)('MCP $label gateway forwarding _meta', (line) => {
  let otel: TestOtel;
  let user: AnyClient;
  let upstreamMeta: Record<string, unknown> | undefined;
  const { one } = spanFinder(() => otel);

  beforeAll(async () => {
    otel = setupTestOtel();
    resetInstrumentation();
    const upstream = await connectedPair(line, (server) => {
      // Without an input schema the handler gets the request's extra (1.x) / ctx (2.x) alone.
      server.registerTool('echo', {}, (async (extra: unknown) => {
        upstreamMeta = metaOf(extra);
        return { content: [{ type: 'text', text: 'up' }] };
      }) as never);
    });
    const gateway = await connectedPair(line, (server) => {
      server.registerTool('relay', {}, (async (extra: unknown) => {
        const forwarded: Forwardable = { name: 'echo', arguments: {}, _meta: metaOf(extra) };
        return upstream.client.callTool(forwarded as never);
      }) as never);
    });
    user = gateway.client;
  });
  afterAll(async () => {
    await user.close();
    await otel.shutdown();
  });

  it("parents the upstream SERVER span on the gateway's CLIENT span and keeps the other keys", async () => {
    await user.callTool({
      name: 'relay',
      arguments: {},
      _meta: { 'example.com/tenant': 'acme' },
    } as never);
    const userCall = one('tools/call relay', SpanKind.CLIENT);
    const gatewayServer = one('tools/call relay', SpanKind.SERVER);
    const gatewayCall = one('tools/call echo', SpanKind.CLIENT);
    const upstreamServer = one('tools/call echo', SpanKind.SERVER);
    expect(gatewayServer.parentSpanContext?.spanId).toBe(userCall.spanContext().spanId);
    expect(gatewayCall.parentSpanContext?.spanId).toBe(gatewayServer.spanContext().spanId);
    expect(upstreamServer.parentSpanContext?.spanId).toBe(gatewayCall.spanContext().spanId);
    expect(upstreamServer.spanContext().traceId).toBe(userCall.spanContext().traceId);
    expect(upstreamMeta?.['example.com/tenant']).toBe('acme');
    expect(upstreamMeta?.traceparent).toBe(
      `00-${gatewayCall.spanContext().traceId}-${gatewayCall.spanContext().spanId}-01`,
    );
  });
});
