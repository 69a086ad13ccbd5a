/** `toolscope report` against Prometheus that is not there, or has no toolscope metrics. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

const STACK = /\n\s+at .+:\d+:\d+/;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('toolscope report --prometheus', () => {
  it('exits 2 with a clear message when Prometheus is unreachable', async () => {
    const port = await closedPort();
    const r = await runCli(['report', '--prometheus', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Prometheus at http://127.0.0.1:${port} is unreachable`);
    expect(r.stderr).toContain('Check the --prometheus URL');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).toBe('');
  });

  describe('with a Prometheus that holds no toolscope metrics', () => {
    let server: Server;
    let url: string;
    const queries: string[] = [];

    beforeAll(async () => {
      // The Prometheus HTTP API shape, with every query answering an empty vector.
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          const u = new URL(req.url ?? '/', 'http://x');
          const params = new URLSearchParams(body);
          queries.push(params.get('query') ?? u.searchParams.get('query') ?? u.pathname);
          const data = u.pathname.includes('/label/')
            ? []
            : { resultType: u.pathname.endsWith('query_range') ? 'matrix' : 'vector', result: [] };
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'success', data }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('exits 2 and says which metrics are missing', async () => {
      const r = await runCli(['report', '--prometheus', url, '--window', '1h']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`Prometheus at ${url} has no toolscope metrics`);
      expect(r.stderr).not.toMatch(STACK);
      expect(queries.some((q) => q.includes('gen_ai_execute_tool_duration_seconds'))).toBe(true);
    });
  });
});
