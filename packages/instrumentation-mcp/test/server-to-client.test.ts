/**
 * SDK 1.x (1.10 and the newest 1.x): what a server sends its client while handling a tool
 * call (sampling, roots, progress) is traced as CLIENT spans on the server and SERVER spans
 * on the client, one trace under the tool call.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.ts';
import { loadNewestSdk, loadOldestSdk, type Sdk } from './helpers/sdk.ts';
import { spanFinder } from './helpers/spans.ts';

describe.each([
  ['newest 1.x', loadNewestSdk],
  ['1.10.0', loadOldestSdk],
])('SDK %s: requests and notifications from the server to the client', (_label, load) => {
  let otel: TestOtel;
  let sdk: Sdk;
  let client: InstanceType<Sdk['client']['Client']>;

  beforeAll(async () => {
    otel = setupTestOtel();
    sdk = await load();
    const t = sdk.types;
    const server = instrumentMcpServer(
      new sdk.server.Server({ name: 'asker', version: '1.0.0' }, { capabilities: { tools: {} } }),
    );
    server.setRequestHandler(t.CallToolRequestSchema, async (request, extra) => {
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken: request.params._meta?.progressToken ?? 0, progress: 1 },
      });
      await extra.sendRequest(
        {
          method: 'sampling/createMessage',
          params: {
            messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
            maxTokens: 5,
          },
        },
        t.CreateMessageResultSchema,
      );
      await server.listRoots();
      return { content: [{ type: 'text', text: 'ok' }] };
    });
    client = instrumentMcpClient(
      new sdk.client.Client(
        { name: 'orchestrator', version: '1.0.0' },
        { capabilities: { sampling: {}, roots: {} } },
      ),
    );
    client.setRequestHandler(t.CreateMessageRequestSchema, async () => ({
      role: 'assistant' as const,
      content: { type: 'text' as const, text: 'yo' },
      model: 'm',
    }));
    client.setRequestHandler(t.ListRootsRequestSchema, async () => ({ roots: [] }));
    const { InMemoryTransport } = (await import(
      sdk.label === 'oldest'
        ? 'mcp-sdk-oldest/inMemory.js'
        : '@modelcontextprotocol/sdk/inMemory.js'
    )) as typeof import('@modelcontextprotocol/sdk/inMemory.js');
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    await client.connect(a);
  });
  afterAll(async () => {
    await client.close();
    await otel.shutdown();
  });
  beforeEach(() => otel.reset());

  const { one } = spanFinder(() => otel);

  it('makes one trace: tool call → sampling, roots, progress → the client’s handlers', async () => {
    await client.callTool({ name: 'ask' }, undefined, { onprogress: () => {} });
    const call = one('tools/call ask', SpanKind.CLIENT);
    const tool = one('tools/call ask', SpanKind.SERVER);
    expect(tool.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    for (const name of ['notifications/progress', 'sampling/createMessage', 'roots/list']) {
      const sent = one(name, SpanKind.CLIENT);
      const handled = one(name, SpanKind.SERVER);
      expect(sent.parentSpanContext?.spanId, name).toBe(tool.spanContext().spanId);
      expect(handled.parentSpanContext?.spanId, name).toBe(sent.spanContext().spanId);
      expect(handled.spanContext().traceId).toBe(call.spanContext().traceId);
    }
  });
});
