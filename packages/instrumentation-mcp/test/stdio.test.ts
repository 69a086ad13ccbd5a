import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { withCorrelationId } from '@toolscope/instrumentation';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from '../../../test/support/otlp-receiver.ts';
import { instrumentMcpClient } from '../src/index.ts';

const fixture = fileURLToPath(new URL('./fixtures/stdio-server.ts', import.meta.url));

describe('stdio server in a child process', () => {
  let otel: TestOtel;
  let receiver: OtlpReceiver;
  let client: Client;

  beforeAll(async () => {
    otel = setupTestOtel();
    receiver = await startOtlpReceiver();
    client = instrumentMcpClient(new Client({ name: 'orchestrator', version: '1.0.0' }));
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--conditions=toolscope-source', fixture],
        env: { ...process.env, OTLP_URL: receiver.url, SERVICE_NAME: 'stdio-fixture' } as Record<
          string,
          string
        >,
        stderr: 'inherit',
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await receiver?.close();
    await otel?.shutdown();
  });

  /** The child's span for a request, polled for (exports are asynchronous), bounded. */
  const serverSpan = (name: string): Promise<ReceivedSpan> =>
    vi.waitFor(
      () => {
        const found = receiver.spans().filter((s) => s.name === name && s.kind === 2);
        if (found.length !== 1) throw new Error(`${found.length} server spans named ${name}`);
        return found[0]!;
      },
      { timeout: 10_000, interval: 20 },
    );
  const clientSpan = (name: string): ReadableSpan => {
    const found = otel.spans().filter((s) => s.name === name && s.kind === SpanKind.CLIENT);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('makes one trace across the process hop, the server span parented by the client span', async () => {
    await withCorrelationId('booking-42', () =>
      client.callTool({ name: 'echo', arguments: { text: 'hi' } }),
    );
    const client_ = clientSpan('tools/call echo');
    const server = await serverSpan('tools/call echo');
    expect(server.traceId).toBe(client_.spanContext().traceId);
    expect(server.parentSpanId).toBe(client_.spanContext().spanId);
    expect(server.resource['service.name']).toBe('stdio-fixture');
    expect(server.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'echo',
      'jsonrpc.request.id': client_.attributes['jsonrpc.request.id'],
      'mcp.protocol.version': client_.attributes['mcp.protocol.version'],
      'toolscope.correlation_id': 'booking-42',
    });
    expect(server.attributes['network.transport']).toBe('pipe');
    expect(client_.attributes['network.transport']).toBe('pipe');
    // stdio has no session: no mcp.session.id on either side.
    expect(server.attributes['mcp.session.id']).toBeUndefined();
    expect(client_.attributes['mcp.session.id']).toBeUndefined();
    expect(server.attributes['error.type']).toBeUndefined();
  });

  it("puts the correlation ID on the server's own spans under the MCP span", async () => {
    await withCorrelationId('booking-43', () => client.callTool({ name: 'lookup' }));
    const server = await serverSpan('tools/call lookup');
    const inner = await vi.waitFor(
      () => {
        const s = receiver.spans().find((x) => x.name === 'execute_tool inner_lookup');
        if (s === undefined) throw new Error('inner span not received yet');
        return s;
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(inner.parentSpanId).toBe(server.spanId);
    expect(inner.traceId).toBe(clientSpan('tools/call lookup').spanContext().traceId);
    expect(inner.attributes['toolscope.correlation_id']).toBe('booking-43');
  });

  it('classifies a tool that fails (isError result) as tool_error on both sides', async () => {
    const result = await client.callTool({ name: 'fail' });
    expect(result.isError).toBe(true);
    const server = await serverSpan('tools/call fail');
    expect(server.attributes['error.type']).toBe('tool_error');
    expect(server.status?.code).toBe(SpanStatusCode.ERROR);
    expect(clientSpan('tools/call fail').attributes['error.type']).toBe('tool_error');
  });

  it('classifies a JSON-RPC error by its code on both sides', async () => {
    await expect(client.readResource({ uri: 'file:///missing.txt' })).rejects.toMatchObject({
      code: -32602,
    });
    const server = await serverSpan('resources/read');
    expect(server.attributes).toMatchObject({
      'mcp.resource.uri': 'file:///missing.txt',
      'error.type': '-32602',
    });
    expect(server.events.map((e) => e.name)).toContain('exception');
    const client_ = clientSpan('resources/read');
    expect(client_.attributes['error.type']).toBe('-32602');
    expect(server.parentSpanId).toBe(client_.spanContext().spanId);
  });
});
