/**
 * A hostile server against an instrumented client, speaking raw JSON-RPC over an in-memory
 * transport: it answers every request with a different JSON-RPC error code. The spans keep
 * each code; the metrics keep only the codes JSON-RPC and MCP define, so the server cannot
 * mint attribute sets and crowd out the series of other connections. And on 2.x, the SERVER
 * span records the code the SDK puts on the wire, not the one the handler threw.
 */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { McpServer, ProtocolError } from '@modelcontextprotocol/server';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { resetInstrumentation } from '../../instrumentation/src/index.ts';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.ts';
import { type AnyClient, connectedPair, LINES } from './helpers/lines.ts';
import { spanFinder } from './helpers/spans.ts';

interface RawServer {
  start(): Promise<void>;
  send(message: unknown): Promise<void>;
  onmessage?: (message: unknown) => void;
}

interface Message {
  id?: unknown;
  method?: string;
  params?: { protocolVersion?: string };
}

describe.each(LINES)('a hostile server against an instrumented $label client', (line) => {
  let otel: TestOtel;
  let client: AnyClient & { listTools(): Promise<unknown> };
  let code = 1000;

  beforeAll(async () => {
    otel = setupTestOtel();
    resetInstrumentation();
    client = instrumentMcpClient(line.client('c')) as typeof client;
    const [clientSide, serverSide] = line.linkedPair() as [unknown, RawServer];
    serverSide.onmessage = (raw) => {
      const m = raw as Message;
      if (m.id === undefined) return;
      if (m.method === 'initialize') {
        void serverSide.send({
          jsonrpc: '2.0',
          id: m.id,
          result: {
            protocolVersion: m.params?.protocolVersion,
            capabilities: { tools: {} },
            serverInfo: { name: 'hostile', version: '1' },
          },
        });
        return;
      }
      void serverSide.send({ jsonrpc: '2.0', id: m.id, error: { code: code++, message: 'no' } });
    };
    await serverSide.start();
    await client.connect(clientSide);
  });
  afterAll(async () => {
    await client.close();
    await otel.shutdown();
  });

  it('keeps each code on the spans and only the defined codes on the metrics', async () => {
    for (let i = 0; i < 50; i++) await client.listTools().catch(() => undefined);
    const spans = otel.spans().filter((s) => s.name === 'tools/list' && s.kind === SpanKind.CLIENT);
    expect(new Set(spans.map((s) => s.attributes['error.type'])).size).toBe(50);
    const ops = await otel.metric('mcp.client.operation.duration');
    const listed = ops?.dataPoints.filter((p) => p.attributes['mcp.method.name'] === 'tools/list');
    expect(listed?.map((p) => p.attributes['error.type'])).toEqual(['_OTHER']);
    expect(listed?.[0]?.attributes['rpc.response.status_code']).toBe('_OTHER');
    expect((listed?.[0]?.value as { count: number } | undefined)?.count).toBe(50);
  });

  it('leaves a well-behaved connection its own series', async () => {
    const good = await connectedPair(line, (server) => {
      server.registerTool('search', {}, async () => ({ content: [] }));
    });
    await good.client.callTool({ name: 'search', arguments: {} });
    const ops = await otel.metric('mcp.client.operation.duration');
    expect(
      ops?.dataPoints.some(
        (p) =>
          p.attributes['mcp.method.name'] === 'tools/call' &&
          p.attributes['gen_ai.tool.name'] === 'search' &&
          p.attributes['error.type'] === undefined,
      ),
    ).toBe(true);
    await good.client.close();
  });
});

describe('a 2.x handler throwing a code the SDK maps on the way out', () => {
  let otel: TestOtel;
  const { one } = spanFinder(() => otel);

  beforeAll(() => {
    otel = setupTestOtel();
    resetInstrumentation();
  });
  afterAll(async () => otel.shutdown());

  it('records the code the client receives (-32002 is answered -32602), on both spans', async () => {
    const server = instrumentMcpServer(new McpServer({ name: 's', version: '2.0.0' }));
    server.registerResource('menu', 'file:///menu.txt', {}, async () => {
      throw new ProtocolError(-32002, 'gone');
    });
    const client = instrumentMcpClient(new Client({ name: 'c', version: '1.0.0' }));
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    await client.connect(a);
    const received = await client.readResource({ uri: 'file:///menu.txt' }).then(
      () => undefined,
      (err: { code?: unknown }) => err.code,
    );
    expect(received).toBe(-32602);
    for (const kind of [SpanKind.CLIENT, SpanKind.SERVER]) {
      expect(one('resources/read', kind).attributes, String(kind)).toMatchObject({
        'error.type': '-32602',
        'rpc.response.status_code': '-32602',
      });
    }
    await client.close();
  });
});
