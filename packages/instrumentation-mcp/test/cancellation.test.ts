/**
 * A cancelled request on both SDK lines: the server handles `notifications/cancelled` under
 * the SERVER span of the request it cancels (the SDK sends cancellations without `_meta`), and
 * a cancellation of a request no longer being handled parents nowhere special.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { resetInstrumentation } from '../../instrumentation/src/index.ts';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.ts';
import { type AnyClient, LINES } from './helpers/lines.ts';
import { spanFinder } from './helpers/spans.ts';

/** The abort signal a tool handler gets: 1.x `extra.signal`, 2.x `ctx.mcpReq.signal`. */
function signalOf(extra: unknown): AbortSignal {
  const e = extra as { signal?: AbortSignal; mcpReq?: { signal: AbortSignal } };
  return (e.signal ?? e.mcpReq?.signal)!;
}

describe.each(LINES)('MCP $label cancellation', (line) => {
  let otel: TestOtel;
  let client: AnyClient & {
    callTool(
      params: object,
      schema?: unknown,
      options?: { signal?: AbortSignal },
    ): Promise<unknown>;
  };
  let started: () => void = () => {};
  const { one } = spanFinder(() => otel);

  beforeAll(async () => {
    otel = setupTestOtel();
    resetInstrumentation();
    const server = instrumentMcpServer(line.server('s'));
    server.registerTool('slow', {}, (async (_args: unknown, extra: unknown) => {
      started();
      const signal = signalOf(extra);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      return { content: [] };
    }) as never);
    client = instrumentMcpClient(line.client('c')) as typeof client;
    const [a, b] = line.linkedPair();
    await server.connect(b);
    await client.connect(a);
  });
  afterAll(async () => {
    await client.close();
    await otel.shutdown();
  });

  it('handles the cancellation under the SERVER span of the request it cancels', async () => {
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const abort = new AbortController();
    // 1.x: callTool(params, resultSchema, options); 2.x: callTool(params, options).
    const call =
      line.label === '1.x'
        ? client.callTool({ name: 'slow', arguments: {} }, undefined, { signal: abort.signal })
        : (client.callTool as (p: object, o: object) => Promise<unknown>)(
            { name: 'slow', arguments: {} },
            { signal: abort.signal },
          );
    await running;
    abort.abort();
    await expect(call).rejects.toThrow();
    const request = await vi.waitFor(() => one('tools/call slow', SpanKind.SERVER), {
      timeout: 5_000,
      interval: 10,
    });
    const cancelled = await vi.waitFor(() => one('notifications/cancelled', SpanKind.SERVER), {
      timeout: 5_000,
      interval: 10,
    });
    expect(cancelled.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });
});
