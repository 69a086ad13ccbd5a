import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ServerSpec, ToolBehaviour } from '../src/scenario.ts';
import { META_DELAY, META_ERROR_TYPE } from '../src/scenario.ts';
import { createToolServer, type ToolServer } from '../src/tool-server.ts';

function tool(overrides: Partial<ToolBehaviour>): ToolBehaviour {
  return {
    name: 'echo',
    description: 'echo',
    medianMs: 2,
    sigma: 0.1,
    failureRate: 0,
    failures: [],
    expectedPerformanceMs: 100,
    input: { text: z.string() },
    respond: (args) => ({ echoed: args.text }),
    ...overrides,
  };
}

async function callTool(port: number, name: string, args: Record<string, unknown>) {
  const res = await fetch(`http://127.0.0.1:${port}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name, arguments: args },
    }),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  return { status: res.status, body: res.status === 200 ? JSON.parse(text) : text };
}

let server: ToolServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createToolServer', () => {
  it('answers tools/call over Streamable HTTP with the injected delay in _meta and counts it', async () => {
    const spec: ServerSpec = { id: 't', placement: 'in-process', tools: [tool({})] };
    server = createToolServer(spec, 1);
    const port = await server.listen(0);
    const { status, body } = await callTool(port, 'echo', { text: 'hi' });
    expect(status).toBe(200);
    expect(body.result.isError).toBeUndefined();
    expect(JSON.parse(body.result.content[0].text)).toEqual({ echoed: 'hi' });
    expect(body.result._meta[META_DELAY]).toBeGreaterThan(0);
    expect(server.stats()).toEqual({ echo: { requests: 1, succeeded: 1, failures: {} } });
  });

  it('injects isError results and HTTP 429/503 rejections at the configured rate', async () => {
    const spec: ServerSpec = {
      id: 't',
      placement: 'in-process',
      tools: [
        tool({
          name: 'bad',
          failureRate: 1,
          failures: [{ errorType: 'upstream_error', mode: 'isError', weight: 1 }],
        }),
        tool({
          name: 'down',
          failureRate: 1,
          failures: [{ errorType: 'http_503', mode: 'http_503', weight: 1 }],
        }),
        tool({
          name: 'busy',
          failureRate: 1,
          failures: [{ errorType: 'http_429', mode: 'http_429', weight: 1 }],
        }),
      ],
    };
    server = createToolServer(spec, 1);
    const port = await server.listen(0);
    const bad = await callTool(port, 'bad', { text: 'x' });
    expect(bad.body.result.isError).toBe(true);
    expect(bad.body.result._meta[META_ERROR_TYPE]).toBe('upstream_error');
    const down = await callTool(port, 'down', { text: 'x' });
    expect(down.status).toBe(503);
    expect((await callTool(port, 'busy', { text: 'x' })).status).toBe(429);
    expect(server.stats()).toEqual({
      bad: { requests: 1, succeeded: 0, failures: { upstream_error: 1 } },
      down: { requests: 1, succeeded: 0, failures: { http_503: 1 } },
      busy: { requests: 1, succeeded: 0, failures: { http_429: 1 } },
    });
  });

  it('draws the same latencies for the same seed', async () => {
    const spec: ServerSpec = {
      id: 't',
      placement: 'in-process',
      tools: [tool({ medianMs: 5, sigma: 0.8 })],
    };
    const delays = async (seed: number) => {
      const s = createToolServer(spec, seed);
      const port = await s.listen(0);
      const out: number[] = [];
      for (let i = 0; i < 3; i++)
        out.push((await callTool(port, 'echo', { text: 'a' })).body.result._meta[META_DELAY]);
      await s.close();
      return out;
    };
    const first = await delays(9);
    expect(await delays(9)).toEqual(first);
    expect(await delays(10)).not.toEqual(first);
  });

  it('lets a request in flight finish when closed, then refuses connections', async () => {
    const spec: ServerSpec = {
      id: 't',
      placement: 'in-process',
      tools: [tool({ medianMs: 300, sigma: 0.01 })],
    };
    server = createToolServer(spec, 1);
    const port = await server.listen(0);
    const inFlight = callTool(port, 'echo', { text: 'slow' });
    // Wait until the server has counted the request, then close while it sleeps.
    const deadline = Date.now() + 5_000;
    while (server.stats().echo?.requests !== 1 && Date.now() < deadline) {
      await new Promise((r) => setImmediate(r));
    }
    const closing = server.close();
    expect((await inFlight).status).toBe(200);
    await closing;
    await expect(callTool(port, 'echo', { text: 'late' })).rejects.toThrow(/fetch failed/);
    server = undefined;
  });
});
