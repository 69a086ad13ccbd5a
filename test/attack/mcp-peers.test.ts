/**
 * Attack class: hostile MCP (and HTTP) peers of the probe over the network (defects 3 and 10
 * of issue 14). A reply that is not MCP, garbage that is not HTTP, a hostile JSON-RPC error,
 * an answer that never ends and one too large: each ends the run with a clear class
 * (`protocol_error`, `timeout`, `body_too_large`, …), never `-1`, `HTTPParserError` or
 * `TypeError`, and a bounded message.
 *
 * Bounds: every run ends within its timeout (checked against 3 × it + 2 s); messages are at most
 * `LIMITS.peerTextLength` characters; an MCP answer is read to at most
 * `LIMITS.mcpMessageBytes` (the server manages to write at most that plus what socket buffers hold).
 */

import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckDefinition,
  type CheckResult,
  HealthMonitor,
} from '../../packages/health-probe/src/index.ts';
import {
  startHttpServer,
  type TestServer,
} from '../../packages/health-probe/test/support/servers.ts';
import { AlertCenter } from '../../packages/instrumentation/src/index.ts';
import { LIMITS } from '../../packages/instrumentation/src/internal.ts';
import { SOCKET_SLACK_BYTES } from './support.ts';

const HOSTILE = `\u001b]0;owned\u0007${'v'.repeat(100_000)}`;

let center: AlertCenter;
beforeAll(() => {
  center = new AlertCenter();
});
afterAll(() => center.dispose());

async function runOnce(def: Partial<CheckDefinition> & { endpoint: string }): Promise<CheckResult> {
  const monitor = new HealthMonitor({
    alertCenter: center,
    publishToolHealth: false,
    checks: [
      { id: 'peer', type: 'mcp', timeoutMs: 1000, intervalMs: 10_000, ...def } as CheckDefinition,
    ],
  });
  try {
    const started = performance.now();
    const r = await monitor.runCheck('peer');
    expect(performance.now() - started).toBeLessThan(3 * (def.timeoutMs ?? 1000) + 2000);
    if (r.error !== undefined) expect(r.error.length).toBeLessThanOrEqual(LIMITS.peerTextLength);
    return r;
  } finally {
    await monitor.close();
  }
}

describe('hostile HTTP MCP peers', () => {
  let server: TestServer;
  let behave: Parameters<typeof startHttpServer>[0];
  let most = 0;
  beforeAll(async () => {
    server = await startHttpServer((req, res) => behave(req, res));
  });
  afterAll(() => server.close());

  const cases: [string, Parameters<typeof startHttpServer>[0], string[]][] = [
    [
      'an HTML page where MCP belongs',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>hello</body></html>');
      },
      ['protocol_error'],
    ],
    [
      'JSON that is not JSON-RPC',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"hello":"world"}');
      },
      ['protocol_error', 'timeout'],
    ],
    [
      'a JSON-RPC error with a 100 KB message and version list',
      (req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          const id = (JSON.parse(body || '{}') as { id?: unknown }).id ?? 1;
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              jsonrpc: '2.0',
              id,
              error: { code: -32022, message: HOSTILE, data: { supported: [HOSTILE, HOSTILE] } },
            }),
          );
        });
      },
      ['unsupported_protocol_version'],
    ],
    [
      'an event stream that never ends',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => res.write(': keep-alive\n\n'), 50);
        res.on('close', () => clearInterval(timer));
      },
      ['timeout'],
    ],
    [
      'a 100 MB JSON answer',
      (_req, res) => {
        let written = 0;
        res.on('close', () => {
          most = Math.max(most, written);
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        res.write('{"jsonrpc":"2.0","id":1,"result":{"pad":"');
        const pump = () => {
          while (!res.destroyed && written < 100 * 1024 * 1024) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
        };
        pump();
      },
      ['body_too_large'],
    ],
  ];

  it.each(cases)('%s', async (_, handler, classes) => {
    behave = handler;
    most = 0;
    const r = await runOnce({ endpoint: `${server.url}/mcp`, timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    expect(classes, `${r.errorType}: ${r.error}`).toContain(r.errorType);
    await expect.poll(() => server.load.current, { timeout: 5000 }).toBe(0);
    expect(most).toBeLessThanOrEqual(LIMITS.mcpMessageBytes + SOCKET_SLACK_BYTES);
  });
});

describe('garbage that is not HTTP, or broken HTTP', () => {
  let tcp: TcpServer;
  let url: string;
  let reply = '';
  beforeAll(async () => {
    tcp = createTcpServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end(reply));
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => tcp.close(resolve)));

  const replies: [string, string][] = [
    ['not HTTP at all', '\u0000\u0001GARBAGE\r\n\r\n'],
    [
      'a 200 KB header',
      `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(200_000)}\r\nContent-Length: 2\r\n\r\nok`,
    ],
    [
      'two Content-Length headers',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok',
    ],
    ['a broken chunked body', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n'],
  ];
  for (const [what, answer] of replies) {
    for (const type of ['http', 'mcp'] as const) {
      it(`${what}, ${type} check: protocol_error`, async () => {
        reply = answer;
        const r = await runOnce({
          type,
          endpoint: `${url}${type === 'mcp' ? 'mcp' : ''}`,
        } as never);
        expect(r).toMatchObject({ ok: false, errorType: 'protocol_error' });
      });
    }
  }
});
