import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { withCorrelationId, withTool } from '@toolscope/instrumentation';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { histogramCount, setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.ts';
import { type HttpPair, startHttpPair } from './helpers/http-pair.ts';
import { loadNewestSdk, loadOldestSdk, type Sdk } from './helpers/sdk.ts';
import { spanFinder } from './helpers/spans.ts';

const sdks: [string, () => Promise<Sdk>][] = [
  ['newest SDK', loadNewestSdk],
  ['oldest supported SDK (1.10.0)', loadOldestSdk],
];

describe.each(sdks)('Streamable HTTP, explicit instrumentation, %s', (_label, load) => {
  let otel: TestOtel;
  let pair: HttpPair;

  beforeAll(async () => {
    otel = setupTestOtel();
    const sdk = await load();
    pair = await startHttpPair(sdk, {
      prepareServer: (server) => instrumentMcpServer(server),
      prepareClient: (client) => instrumentMcpClient(client),
    });
  });
  afterAll(async () => {
    await pair.close();
    await otel.shutdown();
  });
  beforeEach(() => otel.reset());

  const { spans, one } = spanFinder(() => otel);

  it('traces a tools/call on both sides as one trace, the server span parented by the client span', async () => {
    const result = await pair.client.callTool({ name: 'echo', arguments: { text: 'ramen' } });
    expect(result.content).toEqual([{ type: 'text', text: 'ramen' }]);

    const client = one('tools/call echo', SpanKind.CLIENT);
    const server = one('tools/call echo', SpanKind.SERVER);
    expect(otel.spans()).toHaveLength(2);
    expect(server.spanContext().traceId).toBe(client.spanContext().traceId);
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);

    const session = pair.sessionId();
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    const common = {
      'mcp.method.name': 'tools/call',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'echo',
      'mcp.session.id': session,
      'mcp.protocol.version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      'jsonrpc.request.id': expect.stringMatching(/^\d+$/),
    };
    expect(client.attributes).toMatchObject({ ...common, 'gen_ai.tool.type': 'extension' });
    expect(server.attributes).toMatchObject(common);
    expect(server.attributes['jsonrpc.request.id']).toBe(client.attributes['jsonrpc.request.id']);
    expect(server.attributes['mcp.protocol.version']).toBe(
      client.attributes['mcp.protocol.version'],
    );
    for (const s of [client, server]) {
      expect(s.attributes['error.type']).toBeUndefined();
      expect(s.status.code).not.toBe(SpanStatusCode.ERROR);
    }
  });

  it('carries the correlation ID in baggage to the server spans and the spans under them', async () => {
    await withCorrelationId('order-4711', () => pair.client.callTool({ name: 'lookup' }));
    const client = one('tools/call lookup', SpanKind.CLIENT);
    const server = one('tools/call lookup', SpanKind.SERVER);
    const inner = one('execute_tool inner_lookup', SpanKind.INTERNAL);
    expect(client.attributes['toolscope.correlation_id']).toBe('order-4711');
    expect(server.attributes['toolscope.correlation_id']).toBe('order-4711');
    expect(inner.attributes['toolscope.correlation_id']).toBe('order-4711');
    expect(inner.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(pair.receivedMeta.at(-1)?.baggage).toBe('toolscope.correlation_id=order-4711');
  });

  it('classifies an isError result as tool_error on both sides and in the tool metrics', async () => {
    const attrs = (errorType: string | undefined) => (a: Record<string, unknown>) =>
      a['gen_ai.tool.name'] === 'fail' && a['error.type'] === errorType;
    const before = histogramCount(
      await otel.metric('gen_ai.execute_tool.duration'),
      attrs('tool_error'),
    );
    const result = await pair.client.callTool({ name: 'fail' });
    expect(result.isError).toBe(true);
    for (const kind of [SpanKind.CLIENT, SpanKind.SERVER]) {
      const span = one('tools/call fail', kind);
      expect(span.attributes['error.type']).toBe('tool_error');
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    }
    const metric = await otel.metric('gen_ai.execute_tool.duration');
    expect(histogramCount(metric, attrs('tool_error'))).toBe(before + 1);
    expect(histogramCount(metric, attrs(undefined))).toBe(0);
  });

  it('records a successful standalone tools/call in the tool duration histogram without error.type', async () => {
    const ok = (a: Record<string, unknown>) =>
      a['gen_ai.tool.name'] === 'echo' &&
      a['gen_ai.tool.type'] === 'extension' &&
      a['error.type'] === undefined;
    const before = histogramCount(await otel.metric('gen_ai.execute_tool.duration'), ok);
    await pair.client.callTool({ name: 'echo', arguments: { text: 'x' } });
    await pair.client.callTool({ name: 'echo', arguments: { text: 'y' } });
    expect(histogramCount(await otel.metric('gen_ai.execute_tool.duration'), ok)).toBe(before + 2);
  });

  it('classifies a JSON-RPC error by its code on both sides', async () => {
    await expect(pair.client.callTool({ name: 'no_such_tool' })).rejects.toMatchObject({
      code: -32602,
    });
    const client = one('tools/call no_such_tool', SpanKind.CLIENT);
    const server = one('tools/call no_such_tool', SpanKind.SERVER);
    for (const span of [client, server]) {
      expect(span.attributes['error.type']).toBe('-32602');
      expect(span.attributes['rpc.response.status_code']).toBe('-32602');
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    }
    expect(client.events.map((e) => e.name)).toContain('exception');
  });

  it('classifies a handler that throws without a code as -32603 (internal error)', async () => {
    await expect(pair.client.callTool({ name: 'crash' })).rejects.toMatchObject({ code: -32603 });
    const server = one('tools/call crash', SpanKind.SERVER);
    expect(server.attributes['error.type']).toBe('-32603');
    expect(server.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'handler bug' });
    const exception = server.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.type']).toBe('TypeError');
    expect(one('tools/call crash', SpanKind.CLIENT).attributes['error.type']).toBe('-32603');
  });

  it('joins an enclosing execute_tool call of the same tool: one span, with the MCP attributes', async () => {
    const result = await withTool({ name: 'echo', kind: SpanKind.CLIENT }, () =>
      pair.client.callTool({ name: 'echo', arguments: { text: 'sunny' } }),
    );
    expect(result.content).toEqual([{ type: 'text', text: 'sunny' }]);
    expect(spans('tools/call echo', SpanKind.CLIENT)).toEqual([]);
    const outer = one('execute_tool echo', SpanKind.CLIENT);
    const server = one('tools/call echo', SpanKind.SERVER);
    expect(otel.spans()).toHaveLength(2);
    expect(outer.attributes).toMatchObject({
      'gen_ai.tool.name': 'echo',
      'mcp.method.name': 'tools/call',
      'mcp.session.id': pair.sessionId(),
      'mcp.protocol.version': server.attributes['mcp.protocol.version'],
      'jsonrpc.request.id': server.attributes['jsonrpc.request.id'],
    });
    expect(server.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });

  it('marks the enclosing call of the same tool failed on an isError result', async () => {
    const result = await withTool({ name: 'fail' }, () => pair.client.callTool({ name: 'fail' }));
    expect(result.isError).toBe(true);
    const outer = one('execute_tool fail', SpanKind.INTERNAL);
    expect(outer.attributes['error.type']).toBe('tool_error');
    expect(outer.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans('tools/call fail', SpanKind.CLIENT)).toEqual([]);
  });

  it('lets a successful retry clear the failure of an isError attempt', async () => {
    await withTool({ name: 'flaky' }, async (call) => {
      const first = await pair.client.callTool({ name: 'flaky', arguments: { fail: true } });
      expect(first.isError).toBe(true);
      call.recordRetry('tool_error');
      return pair.client.callTool({ name: 'flaky', arguments: { fail: false } });
    });
    const outer = one('execute_tool flaky', SpanKind.INTERNAL);
    expect(spans('tools/call flaky', SpanKind.CLIENT)).toEqual([]);
    expect(outer.attributes['error.type']).toBeUndefined();
    expect(outer.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(outer.attributes['toolscope.tool.retry_count']).toBe(1);
  });

  it('gives MCP tools called inside another tool their own tools/call spans under it', async () => {
    await withTool({ name: 'trip_planner' }, async () => {
      await pair.client.callTool({ name: 'echo', arguments: { text: 'a' } });
      await pair.client.callTool({ name: 'lookup' });
    });
    const outer = one('execute_tool trip_planner', SpanKind.INTERNAL);
    for (const name of ['tools/call echo', 'tools/call lookup']) {
      expect(one(name, SpanKind.CLIENT).parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    }
  });

  it('names and attributes other requests after the conventions', async () => {
    await pair.client.listTools();
    await pair.client.readResource({ uri: 'file:///menu.txt' });
    await pair.client.getPrompt({ name: 'greet' });
    const list = one('tools/list', SpanKind.CLIENT);
    expect(list.attributes['gen_ai.operation.name']).toBeUndefined();
    expect(list.attributes['gen_ai.tool.name']).toBeUndefined();
    one('tools/list', SpanKind.SERVER);
    for (const kind of [SpanKind.CLIENT, SpanKind.SERVER]) {
      expect(one('resources/read', kind).attributes).toMatchObject({
        'mcp.method.name': 'resources/read',
        'mcp.resource.uri': 'file:///menu.txt',
      });
      expect(one('prompts/get greet', kind).attributes).toMatchObject({
        'mcp.method.name': 'prompts/get',
        'gen_ai.prompt.name': 'greet',
      });
    }
    const server = one('tools/list', SpanKind.SERVER);
    expect(server.parentSpanContext?.spanId).toBe(list.spanContext().spanId);
  });

  it("injects traceparent into _meta without dropping the caller's keys or mutating its object", async () => {
    const params = {
      name: 'echo',
      arguments: { text: 'm' },
      _meta: { 'example.com/tenant': 'acme', traceparent: undefined as string | undefined },
    };
    delete params._meta.traceparent;
    await pair.client.callTool(params);
    expect(params._meta).toEqual({ 'example.com/tenant': 'acme' });
    const received = pair.receivedMeta.at(-1)!;
    const client = one('tools/call echo', SpanKind.CLIENT);
    expect(received['example.com/tenant']).toBe('acme');
    expect(received.traceparent).toBe(
      `00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`,
    );
  });

  it('records the transport: tcp and http on both sides, the server address on the client', async () => {
    await pair.client.listTools();
    const port = Number(new URL(pair.url).port);
    expect(one('tools/list', SpanKind.CLIENT).attributes).toMatchObject({
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'server.address': '127.0.0.1',
      'server.port': port,
    });
    expect(one('tools/list', SpanKind.SERVER).attributes).toMatchObject({
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
    });
  });

  it('is idempotent: instrumenting the same client and server again adds no spans', async () => {
    instrumentMcpClient(pair.client);
    instrumentMcpServer(pair.server);
    await pair.client.callTool({ name: 'echo', arguments: { text: 'once' } });
    one('tools/call echo', SpanKind.CLIENT);
    one('tools/call echo', SpanKind.SERVER);
    expect(otel.spans()).toHaveLength(2);
  });
});

describe('initialize over Streamable HTTP', () => {
  let otel: TestOtel;
  afterEach(async () => otel.shutdown());

  it('traces initialize with the negotiated protocol version and session on both sides', async () => {
    otel = setupTestOtel();
    const sdk = await loadNewestSdk();
    const pair = await startHttpPair(sdk, {
      prepareServer: (server) => instrumentMcpServer(server),
      prepareClient: (client) => instrumentMcpClient(client),
    });
    try {
      const client = otel
        .spans()
        .find((s) => s.name === 'initialize' && s.kind === SpanKind.CLIENT);
      const server = otel
        .spans()
        .find((s) => s.name === 'initialize' && s.kind === SpanKind.SERVER);
      expect(client?.attributes).toMatchObject({
        'mcp.method.name': 'initialize',
        'jsonrpc.request.id': '0',
        'mcp.session.id': pair.sessionId(),
        'mcp.protocol.version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
      expect(server?.attributes['mcp.protocol.version']).toBe(
        client?.attributes['mcp.protocol.version'],
      );
      expect(server?.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
    } finally {
      await pair.close();
    }
  });
});

describe('Streamable HTTP (newest 1.x): the HTTP headers as the fallback of _meta', () => {
  let otel: TestOtel;
  afterEach(async () => otel.shutdown());

  it('parents the server span by the traceparent header of an uninstrumented client', async () => {
    otel = setupTestOtel();
    const sdk = await loadNewestSdk();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanId = '00f067aa0ba902b7';
    const pair = await startHttpPair(sdk, {
      prepareServer: (server) => instrumentMcpServer(server),
      requestInit: { headers: { traceparent: `00-${traceId}-${spanId}-01` } },
    });
    try {
      otel.reset();
      await pair.client.listTools();
      const server = otel.spans().find((s) => s.name === 'tools/list');
      expect(server?.kind).toBe(SpanKind.SERVER);
      expect(server?.spanContext().traceId).toBe(traceId);
      expect(server?.parentSpanContext?.spanId).toBe(spanId);
    } finally {
      await pair.close();
    }
  });

  it('records the session durations of a sessionful server and its client on close', async () => {
    otel = setupTestOtel();
    const sdk = await loadNewestSdk();
    const pair = await startHttpPair(sdk, {
      prepareServer: (server) => instrumentMcpServer(server),
      prepareClient: (client) => instrumentMcpClient(client),
    });
    await pair.close();
    for (const side of ['client', 'server']) {
      const metric = await otel.metric(`mcp.${side}.session.duration`);
      expect(histogramCount(metric)).toBe(1);
      expect(metric?.dataPoints[0]?.attributes).toMatchObject({ 'network.transport': 'tcp' });
    }
  });
});
