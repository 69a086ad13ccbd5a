/**
 * "Adopt, don't duplicate" for MCP tool calls: a `tools/call` made while another library's
 * `execute_tool` span for the same tool is active (OpenAI Agents' MCP tools, the AI SDK's own
 * OpenTelemetry integration) enriches that span instead of opening a second one, on both SDK
 * lines; a call of another tool gets its own span under it.
 */
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { histogramCount, setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { type AnyClient, connectedPair, LINES, type SdkLine } from './helpers/lines.ts';

async function pair(line: SdkLine): Promise<AnyClient> {
  const { client } = await connectedPair(line, (server) => {
    server.registerTool('add', {}, async () => ({ content: [{ type: 'text', text: '5' }] }));
    server.registerTool('broken', {}, async () => ({ isError: true, content: [] }));
    server.registerTool('lookup', {}, async () => ({ content: [] }));
  });
  return client;
}

describe.each(LINES)(
  'an MCP $label tools/call inside another library’s execute_tool span',
  (line) => {
    let otel: TestOtel;
    let client: AnyClient;

    beforeAll(async () => {
      otel = setupTestOtel();
      client = await pair(line);
    });
    afterAll(async () => {
      await client.close();
      await otel.shutdown();
    });
    beforeEach(() => otel.reset());

    /** Another instrumentation's tool span, as OpenAI Agents' or the AI SDK's would be. */
    function foreignSpan(tool: string): Span {
      return trace.getTracer('another-library').startSpan(`execute_tool ${tool}`, {
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool },
      });
    }
    const inside = <T>(span: Span, fn: () => Promise<T>) =>
      context.with(trace.setSpan(context.active(), span), fn);
    const toolPoints = async (tool: string) =>
      histogramCount(
        await otel.metric('gen_ai.execute_tool.duration'),
        (a) => a['gen_ai.tool.name'] === tool,
      );

    it('enriches the span of the same tool: one span, one histogram point', async () => {
      const before = await toolPoints('add');
      const span = foreignSpan('add');
      await inside(span, () => client.callTool({ name: 'add', arguments: {} }));
      span.end();
      const names = otel.spans().map((s) => `${s.kind} ${s.name}`);
      expect(names.sort()).toEqual(
        [`${SpanKind.SERVER} tools/call add`, `${SpanKind.INTERNAL} execute_tool add`].sort(),
      );
      const adopted = otel.spans().find((s) => s.name === 'execute_tool add')!;
      expect(adopted.attributes).toMatchObject({
        'gen_ai.tool.name': 'add',
        'mcp.method.name': 'tools/call',
        'jsonrpc.request.id': expect.stringMatching(/^\d+$/),
      });
      const server = otel.spans().find((s) => s.kind === SpanKind.SERVER)!;
      expect(server.parentSpanContext?.spanId).toBe(adopted.spanContext().spanId);
      expect(await toolPoints('add')).toBe(before + 1);
    });

    it('marks the adopted span failed on an isError result', async () => {
      const span = foreignSpan('broken');
      await inside(span, () => client.callTool({ name: 'broken' }));
      span.end();
      const adopted = otel.spans().find((s) => s.name === 'execute_tool broken')!;
      expect(adopted.attributes['error.type']).toBe('tool_error');
      expect(adopted.status.code).toBe(SpanStatusCode.ERROR);
      expect(otel.spans().filter((s) => s.kind === SpanKind.CLIENT)).toEqual([]);
    });

    it('gives a call of another tool its own tools/call span under the foreign span', async () => {
      const span = foreignSpan('add');
      await inside(span, () => client.callTool({ name: 'lookup' }));
      span.end();
      const own = otel
        .spans()
        .find((s) => s.name === 'tools/call lookup' && s.kind === SpanKind.CLIENT);
      expect(own?.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    });
  },
);
