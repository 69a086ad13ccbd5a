/**
 * A hostile client against an instrumented server, speaking raw JSON-RPC over an in-memory
 * transport: a 1 MB tool name, JSON-RPC id, protocol version and baggage value, and many
 * distinct tool names. Spans, span names and metric series stay bounded, and every cut is
 * counted on `toolscope.values.truncated`.
 */

import { context, propagation, SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  DEFAULT_PEER_STRING_LIMITS,
  isMetricName,
  truncationCounts,
} from '@toolscope/instrumentation/internal';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { instrumentMcpServer } from '../src/index.ts';
import { LINES, type SdkLine } from './helpers/lines.ts';

const MB = 1_000_000;
const LIMIT = DEFAULT_PEER_STRING_LIMITS.name;

interface RawTransport {
  start(): Promise<void>;
  send(message: unknown): Promise<void>;
  onmessage?: (message: unknown) => void;
}

/** An instrumented server with one tool, and the raw client end of its transport. */
async function target(line: SdkLine): Promise<RawTransport> {
  const server = instrumentMcpServer(line.server('target'));
  server.registerTool('echo', {}, async () => ({ content: [] }));
  // Real tools that fail: one throws, one answers with an isError result.
  server.registerTool('broken', {}, async () => {
    throw new Error('down');
  });
  server.registerTool('sad', {}, async () => ({ content: [], isError: true }));
  // A real prompt whose callback throws (the SDK answers with a JSON-RPC error).
  const prompts = server as unknown as {
    registerPrompt(name: string, config: object, cb: () => never): void;
  };
  // One name per line: the core's name guard is process-wide.
  prompts.registerPrompt(`greet_${line.label}`, { description: 'greet' }, () => {
    throw new Error('no greeting');
  });
  const [client, serverSide] = line.linkedPair();
  await server.connect(serverSide);
  return client as RawTransport;
}

describe.each(LINES)('a hostile client against an instrumented $label server', (line) => {
  let otel: TestOtel;
  let client: RawTransport;
  const replies = new Map<unknown, unknown>();

  /** Sends a raw request and waits (bounded) for the server's reply. */
  async function call(id: unknown, method: string, params: unknown): Promise<unknown> {
    await client.send({ jsonrpc: '2.0', id, method, params });
    return vi.waitFor(
      () => {
        if (!replies.has(id)) throw new Error(`no reply to ${String(id).slice(0, 20)} yet`);
        return replies.get(id);
      },
      { timeout: 5_000, interval: 5 },
    );
  }

  beforeAll(async () => {
    otel = setupTestOtel();
    client = await target(line);
    client.onmessage = (message) => {
      const m = message as { id?: unknown };
      if (m.id !== undefined) replies.set(m.id, message);
    };
    await client.start();
    await call(0, 'initialize', {
      protocolVersion: 'v'.repeat(MB),
      capabilities: {},
      clientInfo: { name: 'n'.repeat(MB), version: '1' },
    });
    await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });
  afterAll(async () => otel.shutdown());

  const serverSpans = (): ReadableSpan[] => otel.spans().filter((s) => s.kind === SpanKind.SERVER);

  it('bounds the span name and every attribute of a 1 MB tool name, id and baggage', async () => {
    const before = truncationCounts();
    const id = 'i'.repeat(MB);
    await call(id, 'tools/call', {
      name: 't'.repeat(MB),
      arguments: {},
      _meta: { baggage: `toolscope.correlation_id=${'c'.repeat(4000)}` },
    });
    const span = await vi.waitFor(() => {
      const found = serverSpans().find((s) => s.name.startsWith('tools/call t'));
      if (found === undefined) throw new Error('no tools/call span yet');
      return found;
    });
    expect(span.name.length).toBeLessThanOrEqual('tools/call '.length + LIMIT);
    for (const [key, value] of Object.entries(span.attributes)) {
      expect(String(value).length, key).toBeLessThanOrEqual(LIMIT);
    }
    expect(span.attributes['jsonrpc.request.id']).toMatch(/^i+…$/);
    expect(span.attributes['gen_ai.tool.name']).toMatch(/^t+…$/);
    expect(span.attributes['toolscope.correlation_id']).toMatch(/^c+…$/);
    for (const event of span.events) {
      for (const value of Object.values(event.attributes ?? {})) {
        expect(String(value).length).toBeLessThanOrEqual(DEFAULT_PEER_STRING_LIMITS.text + 2_000);
      }
    }
    const after = truncationCounts();
    for (const site of ['mcp.tool.name', 'mcp.request.id', 'mcp.meta']) {
      expect(after[site] ?? 0, site).toBeGreaterThan(before[site] ?? 0);
    }
    // The negotiated version is the server's own, not the 1 MB one the client offered.
    expect(serverSpans().find((s) => s.name === 'initialize')?.attributes).toMatchObject({
      'mcp.protocol.version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      'jsonrpc.request.id': '0',
    });
  });

  it('counts the cuts on toolscope.values.truncated, by site', async () => {
    const metric = await otel.metric('toolscope.values.truncated');
    const sites = metric?.dataPoints.map((p) => p.attributes['toolscope.truncation.site']);
    expect(sites).toEqual(expect.arrayContaining(['mcp.tool.name', 'mcp.request.id']));
  });

  it('records made-up tool names as _OTHER, taking no place from real tools', async () => {
    for (let i = 0; i < 250; i++) {
      await call(`n${i}`, 'tools/call', { name: `made_up_${i}`, arguments: {} });
    }
    // Every made-up name failed (the SDK refuses unknown tools): none took a place in the
    // core's name guard, so the server's real tool and the process's own keep theirs.
    expect(isMetricName('made_up_0')).toBe(false);
    await call('real', 'tools/call', { name: 'echo', arguments: {} });
    const ops = await otel.metric('mcp.server.operation.duration');
    const names = new Set(
      ops?.dataPoints
        .filter((p) => p.attributes['mcp.method.name'] === 'tools/call')
        .map((p) => p.attributes['gen_ai.tool.name']),
    );
    expect([...names].sort()).toEqual(['_OTHER', 'echo']);
    // The spans keep each name (bounded).
    expect(serverSpans().some((s) => s.name === 'tools/call made_up_249')).toBe(true);
  });

  it('keeps the names of real tools that fail, listed or not', async () => {
    await call('broken', 'tools/call', { name: 'broken', arguments: {} });
    await call('sad', 'tools/call', { name: 'sad', arguments: {} });
    const ops = await otel.metric('mcp.server.operation.duration');
    const failedTools = ops?.dataPoints
      .filter((p) => p.attributes['error.type'] === 'tool_error')
      .map((p) => p.attributes['gen_ai.tool.name']);
    expect(failedTools).toEqual(expect.arrayContaining(['broken', 'sad']));
  });

  it('names a refused prompt only once the server listed it', async () => {
    const promptNames = async () =>
      (await otel.metric('mcp.server.operation.duration'))?.dataPoints
        .filter((p) => p.attributes['mcp.method.name'] === 'prompts/get')
        .map((p) => p.attributes['gen_ai.prompt.name']);
    const greet = `greet_${line.label}`;
    await call('greet-1', 'prompts/get', { name: greet });
    expect(await promptNames()).toEqual(['_OTHER']);
    await call('prompts', 'prompts/list', {});
    await call('greet-2', 'prompts/get', { name: greet });
    expect((await promptNames())?.sort()).toEqual(['_OTHER', greet]);
  });

  it('bounds baggage from the ambient context (an HTTP server instrumentation) too', async () => {
    const huge = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ 'toolscope.correlation_id': { value: 'a'.repeat(4000) } }),
    );
    // The in-memory transport hands the request over in the sender's context: here, the
    // context an HTTP server instrumentation would have extracted from the peer's headers.
    await context.with(huge, () => call('ambient', 'tools/call', { name: 'echo', arguments: {} }));
    const span = serverSpans().find(
      (s) => s.name === 'tools/call echo' && s.attributes['jsonrpc.request.id'] === 'ambient',
    );
    expect(span?.attributes['toolscope.correlation_id']).toMatch(/^a+…$/);
    expect(String(span?.attributes['toolscope.correlation_id']).length).toBe(LIMIT);
  });
});

describe('a hostile stateless request declaring a 1 MB protocol version', () => {
  it('bounds the declared version on the span (1.x, no initialize)', async () => {
    const otel = setupTestOtel();
    try {
      const client = await target(LINES[0]!);
      let replied = false;
      client.onmessage = () => {
        replied = true;
      };
      await client.start();
      await client.send({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'echo',
          _meta: { 'io.modelcontextprotocol/protocolVersion': 'p'.repeat(MB) },
        },
      });
      await vi.waitFor(() => expect(replied).toBe(true), { timeout: 5_000, interval: 5 });
      const span = otel.spans().find((s) => s.name === 'tools/call echo');
      expect(span?.attributes['mcp.protocol.version']).toMatch(/^p+…$/);
      expect(String(span?.attributes['mcp.protocol.version']).length).toBe(LIMIT);
    } finally {
      await otel.shutdown();
    }
  });
});
