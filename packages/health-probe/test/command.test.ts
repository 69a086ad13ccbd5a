import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolscopeConfigError } from '@toolscope/instrumentation';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProbeConfigError, parseProbeConfig } from '../src/index.ts';
import { runCommand, startContinuous, startOtlpJsonSink } from './support/command.ts';
import { startHttpServer, type TestServer, waitFor } from './support/servers.ts';

let dir = '';
let server: TestServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'toolscope-probe-'));
  server = await startHttpServer((req, res) => {
    if (req.url === '/500') res.statusCode = 500;
    res.end('ok');
  });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server.close();
});

let n = 0;
function file(text: string, ext = 'yaml'): string {
  const p = join(dir, `c${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}

const run = runCommand;

describe('bad config: exit 2, an error naming the check and the field, nothing started', () => {
  const cases: [string, string, RegExp][] = [
    [
      'unknown type',
      'checks:\n  - id: a\n    type: tcp\n    endpoint: http://127.0.0.1:1/\n',
      /check "a", field "type": unknown check type "tcp"/,
    ],
    [
      'missing endpoint',
      'checks:\n  - id: b\n    type: http\n',
      /check "b", field "endpoint": is missing/,
    ],
    [
      'missing MCP endpoint',
      'checks:\n  - id: b2\n    type: mcp\n',
      /check "b2", field "endpoint": is missing/,
    ],
    [
      'zero interval',
      'checks:\n  - id: c\n    type: http\n    endpoint: http://127.0.0.1:1/\n    interval: 0s\n',
      /check "c", field "interval": must be longer than 0/,
    ],
    [
      'negative timeout',
      'checks:\n  - id: d\n    type: http\n    endpoint: http://127.0.0.1:1/\n    timeout_ms: -5\n',
      /check "d", field "timeout_ms": must be a duration \(got -5\)/,
    ],
    [
      'timeout > interval',
      'checks:\n  - id: e\n    type: http\n    endpoint: http://127.0.0.1:1/\n    interval: 1s\n    timeout: 5s\n',
      /check "e", field "timeout": must be <= interval \(1s\) \(got "5s"\); lower the timeout/,
    ],
    [
      'unparsable YAML: one line, no dangling colon',
      'checks:\n  - id: f\n   type: [http\n',
      /^toolscope probe: invalid config file ".*c\d+\.yaml": cannot be parsed: .* at line \d+, column \d+\n$/,
    ],
    [
      'unparsable YAML on one long line: still one line',
      `checks: [{id: ${'a'.repeat(770)}, type: http}] : x: y\n`,
      /^toolscope probe: invalid config file ".*": cannot be parsed: Nested mappings .* at line 1, column \d+\n$/,
    ],
    [
      'an empty file: names the file as the file',
      '',
      /^toolscope probe: invalid config file ".*c\d+\.yaml": is empty; write a mapping with a `checks` list\n$/,
    ],
    [
      'a file of comments only is empty too',
      '# checks to come\n',
      /^toolscope probe: invalid config file ".*": is empty; write a mapping/,
    ],
    [
      'a list instead of a mapping',
      '- id: a\n',
      /^toolscope probe: invalid config file ".*": must be a mapping with a `checks` list \(got an array\)\n$/,
    ],
    [
      'a header name with a newline: exit 2 at load time, the key shown escaped',
      'checks:\n  - id: a\n    type: http\n    endpoint: http://127.0.0.1:18181/health\n    headers: {"X\\nY": "a\\r\\nInjected: 1"}\n',
      /^toolscope probe: invalid config .*: check "a", field "headers\.X\\nY": must be a valid HTTP header name \(letters, digits and !#\$%&'\*\+-\.\^_`\|~\); fix the key\n$/,
    ],
    [
      'unknown field',
      'checks:\n  - id: g\n    type: http\n    endpoint: http://127.0.0.1:1/\n    intreval: 5s\n',
      /check "g", field "intreval": is not a known field; allowed: id, name, type, tool, interval,/,
    ],
  ];
  for (const [name, text, message] of cases) {
    it(name, async () => {
      const { code, stdout, stderr } = await run(['--config', file(text), '--once']);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stdout).toBe('');
    });
  }

  it('unparsable JSON and a missing file', async () => {
    const json = await run(['--config', file('{"checks": [', 'json'), '--once']);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^toolscope probe: invalid config file ".*": is not valid JSON: /);
    const nope = join(dir, 'nope.yaml');
    expect(await run(['--config', nope, '--once'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `toolscope: --config: ${JSON.stringify(nope)} cannot be read (no such file or directory); give the path of a probe config file\nRun 'toolscope probe --help' for usage.\n`,
    });
    expect((await run(['--config', dir, '--once'])).stderr).toMatch(
      /^toolscope: --config: ".*" cannot be read \(it is a directory, not a regular file\); give the path/,
    );
  });

  it('bad arguments: one line in the CLI usage shape, and a pointer to the help', async () => {
    const usage = (line: string) => ({
      code: 2,
      stdout: '',
      stderr: `toolscope: ${line}\nRun 'toolscope probe --help' for usage.\n`,
    });
    expect(await run(['--once'])).toEqual(
      usage(
        '--config: is required; give the probe config file (YAML or JSON), for example --config checks.yaml',
      ),
    );
    expect(await run(['--config', 'x', '--format', 'xml'])).toEqual(
      usage('--format: unknown format "xml"; use one of text, json'),
    );
    expect(await run(['--config', 'x', '-c'])).toEqual(
      usage(
        '-c: unknown option; did you mean --config? options: --config, --shard, --once, --format, --help',
      ),
    );
    expect(await run(['--config', 'x', '--bogus'])).toEqual(
      usage('--bogus: unknown option; options: --config, --shard, --once, --format, --help'),
    );
    expect(await run(['checks.yaml'])).toEqual(
      usage('"checks.yaml": unexpected argument; give the config file with --config "checks.yaml"'),
    );
    expect(await run(['--once', '--config'])).toEqual(
      usage('--config: needs a value; for example --config checks.yaml'),
    );
    // Outside text is shown safely.
    expect((await run(['--config', 'x', '--format', 'a\u001b[2Jb'])).stderr).toContain(
      '--format: unknown format "a\\u001b[2Jb"',
    );
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('toolscope probe --config <file>');
  });

  it('ProbeConfigError carries checkId and field', () => {
    try {
      parseProbeConfig('checks:\n  - id: z\n    type: http\n    endpoint: ftp://x/\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProbeConfigError);
      expect(e).toMatchObject({ checkId: 'z', field: 'endpoint' });
    }
  });
});

describe('--once', () => {
  it('prints the JSON document and exits 1 when a check is UNHEALTHY (one failing round)', async () => {
    const cfg = file(
      `checks:\n  - id: up\n    type: http\n    endpoint: ${server.url}/ok\n  - id: down\n    type: http\n    endpoint: ${server.url}/500\n    failure_threshold: 5\n`,
    );
    const { code, stdout } = await run(['--config', cfg, '--once', '--format', 'json']);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as { checks: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(['checks']);
    expect(doc.checks.map((c) => Object.keys(c))).toEqual([
      ['id', 'status', 'latencyMs', 'error'],
      ['id', 'status', 'latencyMs', 'error'],
    ]);
    expect(doc.checks[0]).toMatchObject({ id: 'up', status: 'healthy', error: null });
    expect(doc.checks[1]).toMatchObject({ id: 'down', status: 'unhealthy' });
    expect(doc.checks[1]!.error).toMatch(/^unexpected_status: /);
    expect(typeof doc.checks[0]!.latencyMs).toBe('number');
  });

  it('exits 0 with a text table when nothing is UNHEALTHY', async () => {
    const cfg = file(
      JSON.stringify({
        checks: [{ id: 'up', type: 'http', endpoint: `${server.url}/ok`, timeout: '2s' }],
      }),
      'json',
    );
    const { code, stdout } = await run(['--config', cfg, '--once']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CHECK\s+STATUS\s+LATENCY\s+ERROR\nup\s+HEALTHY\s+\d+\.\d ms\n$/);
  });

  it('reports maintenance', async () => {
    const cfg = file(
      `checks:\n  - id: m\n    type: http\n    endpoint: ${server.url}/500\nmaintenance:\n  - start: "2000-01-01T00:00:00Z"\n    end: "2999-01-01T00:00:00Z"\n`,
    );
    const { code, stdout } = await run(['--config', cfg, '--once', '--format=json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).checks[0].status).toBe('maintenance');
  });
});

describe('continuous mode exports through @toolscope/node (OTLP/HTTP JSON)', () => {
  it('runs until stopped and the spans, span events and metrics arrive with the contract names', async () => {
    const collector = await startOtlpJsonSink();
    const { received } = collector;
    const cfg = file(
      `checks:\n  - id: web-down\n    type: http\n    endpoint: ${server.url}/500\n    interval: 200ms\n    timeout: 150ms\n    jitter: 10ms\n    failure_threshold: 1\n`,
    );
    const { stdout: output, stop, exit } = await startContinuous(['--config', cfg], collector.url);
    try {
      await waitFor(
        () => output().includes('web-down unhealthy'),
        10_000,
        'the check to turn UNHEALTHY',
      );
      stop.abort();
      expect(await exit).toBe(0);
      const traces = received
        .filter((r) => r.path === '/v1/traces')
        .map((r) => r.body)
        .join('\n');
      const metrics = received
        .filter((r) => r.path === '/v1/metrics')
        .map((r) => r.body)
        .join('\n');
      expect(traces).toContain('"health_check web-down"');
      expect(traces).toContain('"toolscope.alert.fired"');
      expect(traces).toContain('"toolscope.alert.severity"');
      for (const name of [
        'toolscope.health.status',
        'toolscope.health.check.duration',
        'toolscope.health.consecutive_failures',
        'toolscope.alerts.active',
      ]) {
        expect(metrics).toContain(`"${name}"`);
      }
      expect(metrics).toContain('"toolscope.health.state"');
    } finally {
      stop.abort();
      await exit.catch(() => undefined);
      await collector.close();
    }
  });
});

describe('the service name: OTEL_SERVICE_NAME, else toolscope-probe', () => {
  const saved = process.env.OTEL_SERVICE_NAME;
  afterEach(() => {
    if (saved === undefined) delete process.env.OTEL_SERVICE_NAME;
    else process.env.OTEL_SERVICE_NAME = saved;
  });

  /** The `service.name` of the first metrics export of a continuous run. */
  async function exportedServiceName(): Promise<string> {
    const collector = await startOtlpJsonSink();
    const cfg = file(`checks:\n  - id: up\n    type: http\n    endpoint: ${server.url}/\n`);
    const { stop, exit } = await startContinuous(['--config', cfg], collector.url, {
      metricExportIntervalMs: 200,
    });
    try {
      const metrics = () => collector.received.find((r) => r.path === '/v1/metrics');
      await waitFor(() => metrics() !== undefined, 10_000, 'a metrics export');
      const body = JSON.parse(metrics()!.body) as {
        resourceMetrics: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        }[];
      };
      const attr = body.resourceMetrics[0]!.resource.attributes.find(
        (a) => a.key === 'service.name',
      );
      return attr?.value.stringValue ?? '(none)';
    } finally {
      stop.abort();
      await exit.catch(() => undefined);
      await collector.close();
    }
  }

  it('OTEL_SERVICE_NAME wins; unset or blank, the probe is toolscope-probe', async () => {
    process.env.OTEL_SERVICE_NAME = ' checkout-probes ';
    expect(await exportedServiceName()).toBe('checkout-probes');
    process.env.OTEL_SERVICE_NAME = '  ';
    expect(await exportedServiceName()).toBe('toolscope-probe');
  });

  it('a hostile OTEL_SERVICE_NAME (control characters, 120 KB) is refused in one line', async () => {
    for (const [name, problem] of [
      ['probe\u001b]0;owned\u0007', 'contains the control or invisible character \\x1b'],
      ['x'.repeat(120_000), 'is 120000 characters long, longer than the 256 a service name may be'],
    ] as const) {
      process.env.OTEL_SERVICE_NAME = name;
      const cfg = file(`checks:\n  - id: up\n    type: http\n    endpoint: ${server.url}/\n`);
      const r = await startContinuous(['--config', cfg], 'http://127.0.0.1:1');
      r.stop.abort();
      // A ToolscopeConfigError: the CLI prints its message as one line and exits 2.
      const err = await r.exit.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ToolscopeConfigError);
      expect((err as Error).message).toBe(
        `OTEL_SERVICE_NAME: ${problem}; give a short name of printable characters, such as checkout-agent`,
      );
      expect(r.stdout()).not.toContain('running');
    }
  });
});

/** `${NAME}` written without tripping the template-string lint. */
const envRef = (name: string) => '$' + `{${name}}`;

describe('config files', () => {
  it('accept snake_case keys, duration strings and environment references in header values', () => {
    const cfg = parseProbeConfig(
      'concurrency: 4\nchecks:\n  - id: a\n    type: http\n    endpoint: http://127.0.0.1:1/\n    interval: 1m\n    timeout: 2.5s\n    degraded_threshold: 500ms\n    expected_status: [200, "3xx"]\n    headers:\n      X-Api_Key: "Bearer ' +
        envRef('PROBE_TOKEN') +
        '"\n',
      { env: { PROBE_TOKEN: 't0k' } },
    );
    expect(cfg.concurrency).toBe(4);
    expect(cfg.checks[0]).toMatchObject({
      intervalMs: 60_000,
      timeoutMs: 2_500,
      degradedThresholdMs: 500,
      expectedStatus: [200, '3xx'],
      headers: { 'X-Api_Key': 'Bearer t0k' },
    });
    expect(() =>
      parseProbeConfig(
        'checks:\n  - id: a\n    type: http\n    endpoint: http://127.0.0.1:1/\n    headers: { A: "' +
          envRef('NOPE_UNSET') +
          '" }\n',
        { env: {} },
      ),
    ).toThrow(/check "a", field "headers.A": refers to the environment variable NOPE_UNSET/);
  });
});
