import { ToolscopeConfigError } from '@toolscope/instrumentation';
import { afterEach, describe, expect, it } from 'vitest';
import { captureDiag } from '../../../test/support/diag.ts';
import { HealthMonitor, ProbeConfigError, parseProbeConfig } from '../src/index.ts';

const check = (extra: string, id = 'a') =>
  `  - id: ${id}\n    type: http\n    endpoint: http://127.0.0.1:1/\n${extra}`;

function errorOf(text: string): ProbeConfigError {
  try {
    parseProbeConfig(text, { env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ProbeConfigError);
    return err as ProbeConfigError;
  }
  throw new Error('expected a ProbeConfigError');
}

let diag: ReturnType<typeof captureDiag> | undefined;
afterEach(() => {
  diag?.restore();
  diag = undefined;
});

describe('the one duration grammar', () => {
  it('reads compound durations and days in every duration field', () => {
    const cfg = parseProbeConfig(
      `checks:\n${check('    interval: 1h30m\n    timeout: 1.5s\n    jitter: 0\n    degraded_threshold: 1s\n')}` +
        'maintenance:\n  - every: [daily]\n    at: "02:00"\n    duration: 1d\n' +
        'alerts:\n  webhook: { url: "http://127.0.0.1:9/", timeout: 2s, backoff: 100ms }\n',
    );
    expect(cfg.checks[0]).toMatchObject({
      intervalMs: 5_400_000,
      timeoutMs: 1_500,
      jitterMs: 0,
      degradedThresholdMs: 1_000,
    });
    expect(cfg.maintenance[0]).toMatchObject({ every: ['daily'], durationMs: 86_400_000 });
    expect(cfg.webhook).toMatchObject({ timeoutMs: 2_000, backoffMs: 100 });
  });

  it('rejects negative and malformed durations, naming the key as written', () => {
    expect(errorOf(`checks:\n${check('    interval: -5s\n')}`).message).toBe(
      'check "a", field "interval": must be a duration (got "-5s"); use milliseconds or a number with a unit (ms, s, m, h, d, w), for example 500ms, 30s, 5m, 1h30m',
    );
    // Below the minimum: a bare number is read as milliseconds, and the message says so.
    expect(errorOf(`checks:\n${check('    interval: 60\n')}`).message).toBe(
      'check "a", field "interval": must be at least 100ms (got 60: a number without a unit is milliseconds); write 60s for 60 seconds',
    );
    expect(errorOf(`checks:\n${check('    interval: 50ms\n')}`).message).toBe(
      'check "a", field "interval": must be at least 100ms (got "50ms")',
    );
    expect(errorOf(`checks:\n${check('    degraded_threshold: soon\n')}`).field).toBe(
      'degraded_threshold',
    );
    expect(
      errorOf(
        'checks:\n' +
          check('') +
          'maintenance:\n  - every: [monday]\n    at: "01:00"\n    duration: 8d\n',
      ).message,
    ).toBe('field "maintenance[0].duration": must be at most 7 days (got "8d")');
  });
});

describe('one key convention: camelCase canonical, snake_case the same key', () => {
  it('reads snake_case and camelCase alike and names the key as written in errors', () => {
    const text = `checks:\n${check('', 'one')}${check('', 'two')}${check('    failure_threshold: 0\n', 'three')}`;
    const err = errorOf(text);
    expect(err).toMatchObject({ checkId: 'three', field: 'failure_threshold' });
    expect(err.message).toBe(
      'check "three", field "failure_threshold": must be an integer >= 1 (got 0)',
    );
    expect(errorOf(`checks:\n${check('    failureThreshold: 0\n')}`).field).toBe(
      'failureThreshold',
    );
  });

  it('names a check without an id by its position', () => {
    const err = errorOf(`checks:\n${check('')}  - type: http\n`);
    expect(err).toMatchObject({ checkId: 'checks[1]', field: 'id' });
  });

  it('rejects two spellings of one field', () => {
    expect(errorOf(`checks:\n${check('    interval: 5s\n    interval_ms: 5000\n')}`).message).toBe(
      'check "a", field "interval_ms": is the same field as interval; keep one',
    );
  });

  it('still reads the old …Ms keys, with one warning per key', () => {
    diag = captureDiag();
    const cfg = parseProbeConfig(
      `checks:\n${check('    intervalMs: 60000\n    timeout_ms: 2000\n', 'x')}${check('    intervalMs: 30000\n', 'y')}`,
    );
    expect(cfg.checks.map((c) => [c.intervalMs, c.timeoutMs])).toEqual([
      [60_000, 2_000],
      [30_000, 5_000],
    ]);
    const warnings = diag.messages.filter((m) => m.includes('deprecated'));
    expect(warnings).toEqual([
      'warn @toolscope/health-probe probe config: "intervalMs" is deprecated; write "interval" instead (same value)',
      'warn @toolscope/health-probe probe config: "timeout_ms" is deprecated; write "timeout" instead (same value)',
    ]);
  });
});

describe('validated once, returned normalised', () => {
  it('returns the definitions in the code names with every default filled in, frozen', () => {
    const cfg = parseProbeConfig(`concurrency: 2\nchecks:\n${check('    interval: 10s\n')}`);
    expect(cfg.checks[0]).toEqual({
      id: 'a',
      name: 'a',
      tool: 'a',
      type: 'http',
      endpoint: 'http://127.0.0.1:1/',
      method: 'GET',
      intervalMs: 10_000,
      timeoutMs: 5_000,
      jitterMs: 1_000,
      failureThreshold: 3,
      recoveryThreshold: 2,
      alertOnDegraded: true,
      headers: {},
      expectedStatus: ['200-299'],
      maxBodyBytes: 1_048_576,
    });
    expect(Object.isFrozen(cfg.checks[0])).toBe(true);
    expect(cfg).toMatchObject({ concurrency: 2, maintenance: [], webhook: undefined });
  });

  it('the timeout defaults to 5 s, or the interval when that is shorter', () => {
    const cfg = parseProbeConfig(`checks:\n${check('    interval: 2s\n')}`);
    expect(cfg.checks[0]?.timeoutMs).toBe(2_000);
  });

  it('hands the monitor checks it takes as they are', async () => {
    const cfg = parseProbeConfig(`checks:\n${check('    interval: 1m\n')}`);
    const monitor = new HealthMonitor({ checks: cfg.checks, maintenance: cfg.maintenance });
    try {
      expect(monitor.statuses().map((s) => s.id)).toEqual(['a']);
    } finally {
      await monitor.close();
    }
  });

  it('validates the webhook with the file, naming its fields under alerts.webhook', () => {
    const err = errorOf(
      `checks:\n${check('')}alerts:\n  webhook:\n    url: http://127.0.0.1:9/\n    max_queue: -1\n`,
    );
    expect(err.field).toBe('alerts.webhook.max_queue');
    expect(err.message).toMatch(/^field "alerts.webhook.max_queue": must be an integer >= 0/);
  });
});

it('ProbeConfigError is a ToolscopeConfigError with the problem apart', () => {
  const err = errorOf(`checks:\n${check('    recovery_threshold: 1.5\n')}`);
  expect(err).toBeInstanceOf(ToolscopeConfigError);
  expect(err.name).toBe('ProbeConfigError');
  expect(err.problem).toBe('must be an integer >= 1 (got 1.5)');
});

describe('headers are checked as HTTP allows them, at load time', () => {
  const NAME_PROBLEM =
    "must be a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~); fix the key";

  it('a name with CR or LF: names the key with the control characters escaped', () => {
    const err = errorOf(`checks:\n${check('    headers: {"X\\nY": "a\\r\\nInjected: 1"}\n')}`);
    expect(err.field).toBe('headers.X\\nY');
    expect(err.message).toBe(`check "a", field "headers.X\\nY": ${NAME_PROBLEM}`);
  });

  it('a value with CR, LF or another control character: names the key, never the value', () => {
    for (const value of ['a\\r\\nInjected: 1', 'a\\nb', 'a\\u0000b', 'a\\u007fb', 'snow ☃']) {
      const err = errorOf(`checks:\n${check(`    headers: {"X-Token": "${value}"}\n`)}`);
      expect(err.field, value).toBe('headers.X-Token');
      expect(err.problem, value).toMatch(/^must be a valid HTTP header value \(no CR, LF/);
      expect(err.message, value).not.toContain('Injected');
    }
  });

  it('a value made invalid by an environment reference: checked after it is replaced', () => {
    expect(() =>
      parseProbeConfig(`checks:\n${check(`    headers: { X-Token: "${'$'}{TOKEN}" }\n`)}`, {
        env: { TOKEN: 'secret\r\nInjected: 1' },
      }),
    ).toThrow(/^check "a", field "headers.X-Token": must be a valid HTTP header value/);
  });

  it('names outside the token set, and headers the HTTP client manages', () => {
    expect(errorOf(`checks:\n${check('    headers: {"X Y": a}\n')}`).problem).toBe(NAME_PROBLEM);
    expect(errorOf(`checks:\n${check('    headers: {"": a}\n')}`).problem).toBe(NAME_PROBLEM);
    expect(errorOf(`checks:\n${check('    headers: {"X:Y": a}\n')}`).problem).toBe(NAME_PROBLEM);
    expect(
      errorOf(`checks:\n${check('    headers: {Transfer-Encoding: chunked}\n')}`).message,
    ).toBe(
      'check "a", field "headers.Transfer-Encoding": cannot be set: the HTTP client manages this header itself; remove it',
    );
  });

  it('MCP over HTTP, the webhook and checks from code are checked alike', () => {
    const mcp = errorOf(
      'checks:\n  - id: m\n    type: mcp\n    endpoint: http://127.0.0.1:1/mcp\n    headers: {"X\\rY": a}\n',
    );
    expect(mcp.message).toBe(`check "m", field "headers.X\\rY": ${NAME_PROBLEM}`);
    const webhook = errorOf(
      `checks:\n${check('')}alerts:\n  webhook:\n    url: http://127.0.0.1:9/\n    headers: {X-Token: "a\\nb"}\n`,
    );
    expect(webhook.field).toBe('alerts.webhook.headers.X-Token');
    expect(
      () =>
        new HealthMonitor({
          checks: [
            {
              id: 'c',
              type: 'http',
              endpoint: 'http://127.0.0.1:1/',
              headers: { 'X-Token': 'a\r\nInjected: 1' },
            },
          ],
        }),
    ).toThrow(/^check "c", field "headers.X-Token": must be a valid HTTP header value/);
  });

  it('valid headers pass as they are: tabs, Latin-1, every token character', () => {
    const cfg = parseProbeConfig(
      `checks:\n${check('    headers: {"X-A!#$%&\'*+.^_`|~1": "a\\tb é", Connection: close}\n')}`,
      { env: {} },
    );
    expect(cfg.checks[0]!.headers).toEqual({ "X-A!#$%&'*+.^_`|~1": 'a\tb é', Connection: 'close' });
  });
});
