/**
 * Attack class: credentials in every URL the CLI takes, and secrets in headers (defect 7 of
 * issue 14). `http://user:pass@host` in `--prometheus`, a probe check's endpoint (HTTP and
 * MCP over HTTP), the alert webhook and OTEL_EXPORTER_OTLP_ENDPOINT is sent as Basic auth and
 * never printed (source line, errors, banners); header values (OTEL_EXPORTER_OTLP_HEADERS,
 * webhook and probe headers) are never echoed, malformed or not.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../packages/cli/src/main.ts';
import { runCli } from '../../packages/cli/test/support/run-cli.ts';
import { HealthMonitor } from '../../packages/health-probe/src/index.ts';
import { AlertCenter } from '../../packages/instrumentation/src/index.ts';
import { resolveOptions } from '../../packages/node/src/options.ts';
import { startOtlpReceiver } from '../support/otlp-receiver.ts';
import { probeWithConfig } from './support.ts';

const PASSWORD = 's3cret-P4ss';
const basic = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

let server: Server;
let port: number;
let seen: IncomingMessage[] = [];
let answer: (req: IncomingMessage) => { status: number; type: string; body: string } = () => ({
  status: 200,
  type: 'text/plain',
  body: 'ok',
});

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    req.on('end', () => {
      const a = answer(req);
      res.writeHead(a.status, { 'content-type': a.type });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  seen = [];
});

const withCredentials = (path = '/') => `http://ann:${PASSWORD}@127.0.0.1:${port}${path}`;

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (out += s) },
    env: {},
    cwd: process.cwd(),
  });
  return { code, out };
}

describe('--prometheus http://user:pass@host', () => {
  it('sends Basic auth and shows the URL redacted, in the report and in errors', async () => {
    answer = () => ({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }),
    });
    const r = await cli(['report', '--prometheus', withCredentials(), '--timeout', '2']);
    expect(seen.length).toBeGreaterThan(0);
    for (const req of seen) expect(req.headers.authorization).toBe(basic('ann', PASSWORD));
    expect(r.out).not.toContain(PASSWORD);
    expect(r.out).toContain('REDACTED');

    answer = () => ({ status: 500, type: 'text/html', body: '<html>' });
    const failed = await cli(['report', '--prometheus', withCredentials(), '--format', 'json']);
    expect(failed.code).toBe(2);
    expect(failed.out).not.toContain(PASSWORD);
  });

  it('an unparsable URL with credentials is not echoed either', async () => {
    const r = await cli(['report', '--prometheus', `http://ann:${PASSWORD}@127.0.0.1:99999999`]);
    expect(r.code).toBe(2);
    expect(r.out).not.toContain(PASSWORD);
  });
});

describe('probe endpoints with credentials', () => {
  let center: AlertCenter;
  beforeAll(() => {
    center = new AlertCenter();
  });
  afterAll(() => center.dispose());

  it('an HTTP check sends Basic auth (no 401) and never shows it', async () => {
    answer = (req) =>
      req.headers.authorization === basic('ann', PASSWORD)
        ? { status: 200, type: 'text/plain', body: 'ok' }
        : { status: 401, type: 'text/plain', body: 'who are you' };
    const r = await probeWithConfig(
      `checks:\n  - id: web\n    type: http\n    endpoint: ${withCredentials('/health')}\n`,
      ['--once', '--format', 'json'],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('an Authorization header given in the config wins over the URL', async () => {
    answer = () => ({ status: 200, type: 'text/plain', body: 'ok' });
    const monitor = new HealthMonitor({
      alertCenter: center,
      publishToolHealth: false,
      checks: [
        {
          id: 'mine',
          type: 'http',
          endpoint: withCredentials('/health'),
          headers: { Authorization: 'Bearer given' },
        },
      ],
    });
    await monitor.runOnce();
    await monitor.close();
    expect(seen.map((r) => r.headers.authorization)).toEqual(['Bearer given']);
  });

  it('an MCP-over-HTTP check sends Basic auth, without a TypeError', async () => {
    answer = () => ({ status: 401, type: 'text/plain', body: 'no' });
    const monitor = new HealthMonitor({
      alertCenter: center,
      publishToolHealth: false,
      checks: [{ id: 'mcp', type: 'mcp', endpoint: withCredentials('/mcp'), timeoutMs: 2000 }],
    });
    const [r] = await monitor.runOnce();
    await monitor.close();
    expect(r?.errorType).toBe('unexpected_status');
    expect(seen.length).toBeGreaterThan(0);
    for (const req of seen) expect(req.headers.authorization).toBe(basic('ann', PASSWORD));
  });
});

describe('probe and webhook header values are never echoed', () => {
  const cases: [string, string][] = [
    [
      'a bad field next to a secret header',
      `checks:\n  - id: c\n    type: http\n    endpoint: http://127.0.0.1:1/\n    headers:\n      Authorization: "Bearer ${PASSWORD}"\n    timeout: nonsense\n`,
    ],
    [
      'a header value that is not a string',
      `checks:\n  - id: c\n    type: http\n    endpoint: http://127.0.0.1:1/\n    headers:\n      X-Api-Key: [${PASSWORD}]\n`,
    ],
    [
      'a bad webhook next to its secret header',
      `alerts:\n  webhook:\n    url: http://127.0.0.1:1/\n    headers:\n      Authorization: "Bearer ${PASSWORD}"\n    retries: -1\nchecks:\n  - id: c\n    type: http\n    endpoint: http://127.0.0.1:1/\n`,
    ],
  ];
  it.each(cases)('%s', async (_, text) => {
    const r = await probeWithConfig(text);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });
});

describe('the alert webhook URL with credentials', () => {
  it('delivers with Basic auth', async () => {
    answer = () => ({ status: 204, type: 'text/plain', body: '' });
    const { createAlertWebhook } = await import('../../packages/health-probe/src/index.ts');
    const webhook = createAlertWebhook({ url: withCredentials('/hook'), retries: 0 });
    const center = new AlertCenter();
    center.subscribe(webhook);
    center.fire({
      key: 'k',
      kind: 'tool_unhealthy',
      severity: 'error',
      subject: 's',
      message: 'm',
    });
    await webhook.close();
    center.dispose();
    expect(webhook.stats().delivered).toBe(1);
    expect(seen[0]?.headers.authorization).toBe(basic('ann', PASSWORD));
  });
});

describe('OTLP endpoint and headers', () => {
  it('OTEL_EXPORTER_OTLP_ENDPOINT credentials become Basic auth on both exporters', () => {
    const o = resolveOptions({ endpoint: `http://ann:${PASSWORD}@collector:4318` });
    expect(o.endpoint).toBe('http://collector:4318');
    expect(o.tracesUrl).toBe('http://collector:4318/v1/traces');
    expect(o.tracesHeaders.authorization).toBe(basic('ann', PASSWORD));
    expect(o.metricsHeaders.authorization).toBe(basic('ann', PASSWORD));
  });

  it('a malformed OTEL_EXPORTER_OTLP_HEADERS entry is never echoed', () => {
    const saved = process.env.OTEL_EXPORTER_OTLP_HEADERS;
    try {
      for (const bad of [`Authorization Bearer ${PASSWORD}`, `x-key=%E0%A4%A${PASSWORD}`]) {
        process.env.OTEL_EXPORTER_OTLP_HEADERS = `a=b,${bad}`;
        let message = '';
        try {
          resolveOptions({});
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message).toMatch(/^OTEL_EXPORTER_OTLP_HEADERS: entry 2 of 2/);
        expect(message).not.toContain(PASSWORD);
        expect(message).not.toContain('Bearer');
      }
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
      else process.env.OTEL_EXPORTER_OTLP_HEADERS = saved;
    }
  });

  it('toolscope demo never prints the endpoint credentials, exports with them, honours OTEL_SERVICE_NAME', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const endpoint = receiver.url.replace('http://', `http://ann:${PASSWORD}@`);
      const r = await runCli(['demo', '--duration', '1', '--format', 'json'], {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_SERVICE_NAME: 'attack-agent',
        },
        timeoutMs: 120_000,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
      expect(r.stderr).toContain(`exporting traces and metrics over OTLP to ${receiver.url}`);
      expect([...receiver.authorizations]).toEqual([basic('ann', PASSWORD)]);
      const services = new Set(receiver.spans().map((s) => String(s.resource['service.name'])));
      expect(services).toContain('attack-agent');
      expect([...services].some((s) => s.startsWith('attack-agent-'))).toBe(true);
      expect([...services].some((s) => s.startsWith('toolscope-demo'))).toBe(false);
    } finally {
      await receiver.close();
    }
  }, 130_000);
});
