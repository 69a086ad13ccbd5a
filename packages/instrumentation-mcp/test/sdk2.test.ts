/**
 * The split SDK 2.x packages (`@modelcontextprotocol/client` / `server` 2.4), instrumented
 * explicitly: requests and notifications both ways, cancellation, the MCP histograms,
 * Streamable HTTP with sessions and with the stateless 2026-07-28 revision, and the HTTP
 * header context as the fallback of `_meta`.
 */
import { randomUUID } from 'node:crypto';
import {
  Client,
  InMemoryTransport,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import {
  createMcpHandler,
  McpServer,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { MCP_DURATION_BUCKETS_SECONDS } from '@toolscope/instrumentation/internal';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { serveHttp2 } from '../../../test/support/http2.ts';
import { histogramCount, setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.ts';
import { spanFinder } from './helpers/spans.ts';

const CLIENT_CAPABILITIES = { sampling: {}, elicitation: { form: {} }, roots: {} };

/** An McpServer with the tools these tests call. */
function buildServer(): McpServer {
  const server = new McpServer(
    { name: 'fixture2', version: '2.0.0' },
    { capabilities: { tools: {}, logging: {}, resources: {}, prompts: {} } },
  );
  server.registerTool(
    'echo',
    { inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  server.registerTool('ask', { inputSchema: z.object({}) }, async (_args, ctx) => {
    await ctx.mcpReq.notify({
      method: 'notifications/progress',
      params: { progressToken: ctx.mcpReq._meta?.progressToken ?? 0, progress: 1 },
    });
    await ctx.mcpReq.log('info', 'asking');
    await ctx.mcpReq.requestSampling({
      messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
      maxTokens: 5,
    });
    await ctx.mcpReq.elicitInput({
      message: 'name?',
      requestedSchema: { type: 'object', properties: { n: { type: 'string' } } },
    });
    await ctx.mcpReq.send({ method: 'roots/list' });
    await server.server.listRoots();
    return { content: [{ type: 'text', text: 'ok' }] };
  });
  server.registerTool('slow', { inputSchema: z.object({}) }, async (_args, ctx) => {
    started.resolve();
    await new Promise<void>((resolve) =>
      ctx.mcpReq.signal.addEventListener('abort', () => resolve()),
    );
    return { content: [] };
  });
  server.registerResource('menu', 'file:///menu.txt', {}, async (uri) => ({
    contents: [{ uri: uri.href, text: 'ramen' }],
  }));
  server.registerPrompt('greet', {}, async () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
  }));
  return server;
}

/** Resolved when the `slow` tool's handler runs. */
let started = deferred();

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function buildClient(options?: ConstructorParameters<typeof Client>[1]): Client {
  const client = new Client(
    { name: 'orchestrator', version: '1.0.0' },
    { capabilities: CLIENT_CAPABILITIES, ...options },
  );
  client.setRequestHandler('sampling/createMessage', async () => ({
    role: 'assistant',
    content: { type: 'text', text: 'yo' },
    model: 'm',
  }));
  client.setRequestHandler('elicitation/create', async () => ({
    action: 'accept',
    content: { n: 'x' },
  }));
  client.setRequestHandler('roots/list', async () => ({ roots: [] }));
  client.setNotificationHandler('notifications/message', () => {});
  return client;
}

describe('SDK 2.x over an in-memory transport', () => {
  let otel: TestOtel;
  let client: Client;
  let server: McpServer;

  beforeAll(async () => {
    otel = setupTestOtel();
    server = instrumentMcpServer(buildServer());
    client = instrumentMcpClient(buildClient());
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    await client.connect(clientSide);
  });
  afterAll(async () => {
    await client.close();
    await otel.shutdown();
  });
  beforeEach(() => otel.reset());

  const { spans, one } = spanFinder(() => otel);
  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

  it('traces each request on both sides, the server span a child of the client span', async () => {
    await client.listTools();
    await client.readResource({ uri: 'file:///menu.txt' });
    await client.getPrompt({ name: 'greet' });
    await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    for (const name of ['tools/list', 'resources/read', 'prompts/get greet', 'tools/call echo']) {
      const c = one(name, SpanKind.CLIENT);
      const s = one(name, SpanKind.SERVER);
      expect(parentOf(s)).toBe(c.spanContext().spanId);
      expect(s.attributes['jsonrpc.request.id']).toBe(c.attributes['jsonrpc.request.id']);
      for (const span of [c, s]) {
        expect(span.attributes['mcp.protocol.version']).toBe('2025-11-25');
        // In-memory: no session, no network.
        expect(span.attributes['mcp.session.id']).toBeUndefined();
        expect(span.attributes['network.transport']).toBeUndefined();
      }
    }
    expect(one('tools/call echo', SpanKind.CLIENT).attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'echo',
      'gen_ai.tool.type': 'extension',
    });
    expect(one('resources/read', SpanKind.SERVER).attributes['mcp.resource.uri']).toBe(
      'file:///menu.txt',
    );
  });

  it('traces what the server sends the client inside a tool: sampling, elicitation, roots, progress, logging', async () => {
    const progress: unknown[] = [];
    await client.callTool({ name: 'ask', arguments: {} }, { onprogress: (p) => progress.push(p) });
    expect(progress).toHaveLength(1);
    const tool = one('tools/call ask', SpanKind.SERVER);
    const sent = [
      'notifications/progress',
      'notifications/message',
      'sampling/createMessage',
      'elicitation/create',
    ];
    for (const name of sent) {
      const c = one(name, SpanKind.CLIENT);
      const s = one(name, SpanKind.SERVER);
      expect(parentOf(c)).toBe(tool.spanContext().spanId);
      expect(parentOf(s)).toBe(c.spanContext().spanId);
    }
    // `ctx.mcpReq.send` (the funnel, bypassing request()) and `server.listRoots()`.
    const roots = spans('roots/list', SpanKind.CLIENT);
    expect(roots).toHaveLength(2);
    for (const c of roots) expect(parentOf(c)).toBe(tool.spanContext().spanId);
    expect(spans('roots/list', SpanKind.SERVER).map(parentOf).sort()).toEqual(
      roots.map((c) => c.spanContext().spanId).sort(),
    );
    expect(one('sampling/createMessage', SpanKind.CLIENT).attributes).toMatchObject({
      'mcp.method.name': 'sampling/createMessage',
      'jsonrpc.request.id': expect.stringMatching(/^\d+$/),
    });
    expect(one('notifications/progress', SpanKind.CLIENT).attributes['jsonrpc.request.id']).toBe(
      undefined,
    );
  });

  it('records a cancelled call: the client span fails, the server handles the cancellation under the request', async () => {
    started = deferred();
    const abort = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: {} }, { signal: abort.signal });
    await started.promise;
    abort.abort();
    await expect(call).rejects.toThrow();
    const request = await vi.waitFor(() => one('tools/call slow', SpanKind.SERVER), {
      timeout: 5_000,
      interval: 10,
    });
    const clientSpan = one('tools/call slow', SpanKind.CLIENT);
    expect(clientSpan.status.code).toBe(SpanStatusCode.ERROR);
    // The SDK's own classification of the abandoned request.
    expect(clientSpan.attributes['error.type']).toEqual(expect.any(String));
    const cancelled = one('notifications/cancelled', SpanKind.SERVER);
    expect(parentOf(cancelled)).toBe(request.spanContext().spanId);
  });

  it('records the MCP histograms after the catalogue, never with ids', async () => {
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    const clientOps = await otel.metric('mcp.client.operation.duration');
    const serverOps = await otel.metric('mcp.server.operation.duration');
    for (const metric of [clientOps, serverOps]) {
      expect(metric?.descriptor.unit).toBe('s');
      const point = metric?.dataPoints.find((p) => p.attributes['gen_ai.tool.name'] === 'echo');
      expect(point?.attributes).toEqual({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'echo',
        'gen_ai.operation.name': 'execute_tool',
        'mcp.protocol.version': '2025-11-25',
      });
      const value = point?.value as { buckets: { boundaries: number[] } } | undefined;
      expect(value?.buckets.boundaries).toEqual([...MCP_DURATION_BUCKETS_SECONDS]);
    }
    const isError = (a: Attributes) =>
      a['mcp.method.name'] === 'tools/call' && a['error.type'] !== undefined;
    expect(histogramCount(clientOps, isError)).toBeGreaterThan(0); // the cancelled call
  });
});

describe('SDK 2.x over Streamable HTTP', () => {
  let otel: TestOtel;
  beforeEach(() => {
    otel = setupTestOtel();
  });
  afterEach(async () => otel.shutdown());

  const spans = (name: string, kind: SpanKind) =>
    otel.spans().filter((s) => s.name === name && s.kind === kind);

  async function legacyServer() {
    const server = instrumentMcpServer(buildServer());
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
    });
    await server.connect(transport);
    const http = await serveHttp2((request) => transport.handleRequest(request));
    return {
      url: new URL(http.url),
      close: async () => {
        await server.close();
        await http.close();
      },
    };
  }

  it('carries the session id, the network attributes and the session durations', async () => {
    const served = await legacyServer();
    const client = instrumentMcpClient(buildClient());
    const transport = new StreamableHTTPClientTransport(served.url);
    await client.connect(transport);
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    const session = transport.sessionId;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    await client.close();
    await served.close();

    const [c] = spans('tools/call echo', SpanKind.CLIENT);
    const [s] = spans('tools/call echo', SpanKind.SERVER);
    expect(c?.attributes).toMatchObject({
      'mcp.session.id': session,
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'server.address': '127.0.0.1',
      'server.port': Number(served.url.port),
    });
    expect(s?.attributes).toMatchObject({
      'mcp.session.id': session,
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
    });
    expect(s?.attributes['server.address']).toBeUndefined();
    expect(s?.parentSpanContext?.spanId).toBe(c?.spanContext().spanId);
    for (const side of ['client', 'server']) {
      const metric = await otel.metric(`mcp.${side}.session.duration`);
      expect(metric?.dataPoints.map((p) => p.attributes)).toEqual([
        {
          'mcp.protocol.version': '2025-11-25',
          'network.transport': 'tcp',
          'network.protocol.name': 'http',
        },
      ]);
    }
  });

  it('parents the server span by the traceparent header when _meta carries no context', async () => {
    const served = await legacyServer();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanId = '00f067aa0ba902b7';
    // An uninstrumented client whose HTTP layer sends trace context headers.
    const client = buildClient();
    await client.connect(
      new StreamableHTTPClientTransport(served.url, {
        requestInit: { headers: { traceparent: `00-${traceId}-${spanId}-01`, baggage: 'k=v' } },
      }),
    );
    await client.listTools();
    await client.close();
    await served.close();
    const [s] = spans('tools/list', SpanKind.SERVER);
    expect(s?.spanContext().traceId).toBe(traceId);
    expect(s?.parentSpanContext?.spanId).toBe(spanId);
    expect(s?.links).toEqual([]);
  });

  it('prefers _meta and links the header context when both are present and differ', async () => {
    const served = await legacyServer();
    const headerSpan = '00f067aa0ba902b7';
    const client = instrumentMcpClient(buildClient());
    await client.connect(
      new StreamableHTTPClientTransport(served.url, {
        requestInit: {
          headers: { traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${headerSpan}-01` },
        },
      }),
    );
    await client.listTools();
    await client.close();
    await served.close();
    const [c] = spans('tools/list', SpanKind.CLIENT);
    const [s] = spans('tools/list', SpanKind.SERVER);
    expect(s?.parentSpanContext?.spanId).toBe(c?.spanContext().spanId);
    expect(s?.links.map((l) => l.context.spanId)).toEqual([headerSpan]);
  });

  it('on the stateless 2026-07-28 revision: no session id and no session duration', async () => {
    const handler = createMcpHandler(() => instrumentMcpServer(buildServer()));
    const http = await serveHttp2((request) => handler.fetch(request));
    const client = instrumentMcpClient(buildClient({ versionNegotiation: { mode: 'auto' } }));
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
    expect(client.getProtocolEra()).toBe('modern');
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    await client.close();
    await handler.close();
    await http.close();

    const [c] = spans('tools/call echo', SpanKind.CLIENT);
    const [s] = spans('tools/call echo', SpanKind.SERVER);
    expect(s?.parentSpanContext?.spanId).toBe(c?.spanContext().spanId);
    for (const span of [c, s]) {
      expect(span?.attributes['mcp.protocol.version']).toBe('2026-07-28');
      expect(span?.attributes['mcp.session.id']).toBeUndefined();
    }
    expect(await otel.metric('mcp.client.session.duration')).toBeUndefined();
    expect(await otel.metric('mcp.server.session.duration')).toBeUndefined();
    const ops = await otel.metric('mcp.server.operation.duration');
    expect(
      ops?.dataPoints.find((p) => p.attributes['mcp.method.name'] === 'tools/call')?.attributes,
    ).toMatchObject({ 'mcp.protocol.version': '2026-07-28', 'network.transport': 'tcp' });
  });
});
