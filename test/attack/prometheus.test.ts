/**
 * Attack class: hostile and malformed Prometheus answers (defects 4, 5 and 7 of issue 14),
 * from a fake server on loopback, through `toolscope report` in process (`main()`: a bug would
 * throw out of it; a user error returns 2 with one line on stderr).
 *
 * Bounds: every failure is one line on stderr (≤ 2 KiB, no control characters) and exit 2;
 * `--timeout 0.5` covers connect, headers, the whole body and its parsing, so a silent or
 * trickling server is given up within 0.5 s (checked against 10 × that); a body is read to at
 * most `LIMITS.prometheusBodyBytes` (the server manages to write at most that plus what socket
 * buffers hold before the connection is cut).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../packages/cli/src/main.ts';
import { LIMITS } from '../../packages/instrumentation/src/internal.ts';
import { SOCKET_SLACK_BYTES } from './support.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let base: string;
let handler: Handler;
let seenAuth: (string | undefined)[] = [];
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    seenAuth.push(req.headers.authorization);
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seenAuth = [];
});

/** Answers every query with `data` (a JSON value) under status success. */
const success = (data: unknown): Handler => json({ status: 'success', data });
const json =
  (doc: unknown, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc));
  };

async function report(
  args: string[] = [],
  url = base,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const code = await main(['report', '--prometheus', url, '--timeout', '0.5', ...args], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: process.cwd(),
  });
  return { code, stdout, stderr, ms: performance.now() - started };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function expectOneLineError(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(CONTROL);
  expect(r.stderr.length).toBeLessThan(2048);
}

const vector = (result: unknown) => success({ resultType: 'vector', result });

/**
 * `h` answers the instant queries; the range query and the label values answer well, so the
 * hostile answer is the one the report has to digest.
 */
const routed =
  (h: Handler): Handler =>
  (req, res, body) => {
    if (req.url?.includes('query_range'))
      success({ resultType: 'matrix', result: [] })(req, res, body);
    else if (req.url?.includes('/label/'))
      success(['gen_ai_execute_tool_duration_seconds_count'])(req, res, body);
    else h(req, res, body);
  };

describe('valid but unexpected JSON (defect 4)', () => {
  const cases: [string, Handler][] = [
    ['null', json(null)],
    ['a number', json(42)],
    ['an array', json([1, 2])],
    ['data: null', success(null)],
    ['data: a string', success('x')],
    ['result: null', vector(null)],
    ['result: [null]', vector([null])],
    ['result: [1]', vector([1])],
    ['metric: null', vector([{ metric: null, value: [1, '1'] }])],
    [
      'a numeric label value',
      vector([
        { metric: { gen_ai_tool_name: 5, alertname: 7 }, value: [1, '1'] },
        { metric: { gen_ai_tool_name: 'b' }, value: [1, '1'] },
      ]),
    ],
    [
      'an object label value',
      vector([
        { metric: { gen_ai_tool_name: {} }, value: [1, '1'] },
        { metric: { gen_ai_tool_name: 'b' }, value: [1, '1'] },
      ]),
    ],
    ['value: null', vector([{ metric: {}, value: null }])],
    ['value: "x"', vector([{ metric: {}, value: 'x' }])],
    ['resultType matrix where a vector belongs', success({ resultType: 'matrix', result: [] })],
    ['status: null', json({ status: null })],
    ['deeply nested arrays', (_q, res) => res.end(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
  ];
  it.each(cases)('%s: one line, exit 2, no stack', async (_, h) => {
    handler = routed(h);
    const r = await report();
    // The message is about the answer, not a symptom further down (no metrics, no calls).
    expectOneLineError(
      r,
      /^toolscope: Prometheus at http:\/\/127\.0\.0\.1:\d+: .*(answer|expected)/,
    );
  });
});

describe('valid answers the classic path does not use', () => {
  it('a native-histogram sample (histogram, no value) is no malformed answer', async () => {
    handler = routed(
      vector([{ metric: { gen_ai_tool_name: 'a' }, histogram: [1, { count: '1', sum: '1' }] }]),
    );
    const r = await report();
    // Nothing usable in the window: the report's own message, not a malformed answer.
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/malformed/);
  });
});

describe('hostile error text (defects 3 and 2)', () => {
  it('a 200 KB error message with escape sequences is bounded and shown safely', async () => {
    handler = json(
      {
        status: 'error',
        errorType: 'bad_data\u001b]0;owned\u0007',
        error: `\u001b[2J${'x'.repeat(200_000)}\n# more`,
      },
      400,
    );
    const r = await report();
    expectOneLineError(r, /query failed \(HTTP 400/);
  });
});

describe('the deadline covers the whole answer (defect 5)', () => {
  it('a server that never answers: given up within the timeout', async () => {
    handler = () => {};
    const r = await report();
    expectOneLineError(r, /no answer within 500 ms/);
    expect(r.ms).toBeLessThan(5000);
  });

  it('a body that trickles one byte every 50 ms: given up within the timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"success","data":{"resultType":"vector","result":[');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    };
    const r = await report();
    // The headers came: Prometheus answered too slowly, it is not unreachable.
    expectOneLineError(r, /did not finish answering within 500 ms/);
    expect(r.ms).toBeLessThan(5000);
  });

  for (const declared of [true, false]) {
    it(`a body larger than the cap (${declared ? 'declared' : 'chunked'}): refused, read no further`, async () => {
      let most = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      handler = (_req, res) => {
        let written = 0;
        res.on('close', () => {
          most = Math.max(most, written);
        });
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(declared ? { 'content-length': String(100 * 1024 * 1024) } : {}),
        });
        const pump = () => {
          while (!res.destroyed && written < 100 * 1024 * 1024) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
        };
        pump();
      };
      const r = await report(['--timeout', '30']);
      expectOneLineError(r, /larger than 8 MiB/);
      // Every answer's connection is closed (so counted); per answer, as the report runs its
      // queries side by side.
      await expect.poll(() => open.size, { timeout: 5000 }).toBe(0);
      expect(most).toBeLessThanOrEqual(LIMITS.prometheusBodyBytes + SOCKET_SLACK_BYTES);
    });
  }
});

describe('garbage HTTP (defect 10)', () => {
  let tcp: TcpServer;
  let garbage: string;
  beforeAll(async () => {
    tcp = createTcpServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    garbage = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => tcp.close(resolve)));

  it('a server that does not speak HTTP: one line, exit 2', async () => {
    const r = await report([], garbage);
    expectOneLineError(r, /Prometheus at .* (is unreachable|answered)/);
  });
});
