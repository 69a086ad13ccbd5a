import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OtlpReceiver,
  type ReceivedMetricPoint,
  type ReceivedSpan,
  startOtlpReceiver,
} from '../../../test/support/otlp-receiver.ts';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface App {
  spans: ReceivedSpan[];
  points: ReceivedMetricPoint[];
}

/**
 * Runs a fixture application in a child process started with
 * `--import @toolscope/instrumentation-mcp/register` (no other toolscope MCP code in the app)
 * and returns the spans and metric points it exported.
 */
async function runApp(
  receiver: OtlpReceiver,
  fixture: string,
  env: Record<string, string> = {},
): Promise<App> {
  const service = `zero-code-${fixture}-${env.SDK_LINE ?? ''}`;
  await run(
    process.execPath,
    [
      '--conditions=toolscope-source',
      '--import',
      '@toolscope/instrumentation-mcp/register',
      `test/fixtures/${fixture}.ts`,
    ],
    {
      cwd: packageDir,
      env: { ...process.env, ...env, OTLP_URL: receiver.url, SERVICE_NAME: service },
      timeout: 30_000,
    },
  );
  return {
    spans: receiver.spans().filter((s) => s.resource['service.name'] === service),
    points: receiver.metricPoints().filter((p) => p.resource['service.name'] === service),
  };
}

/** Every request and notification of the scenario, on both sides (OTLP kinds 2 SERVER, 3 CLIENT). */
const EXPECTED = [
  'initialize',
  'notifications/initialized',
  'prompts/get greet',
  'resources/read',
  'tools/call echo',
  'tools/call fail',
  'tools/list',
]
  .flatMap((name) => [`2 ${name}`, `3 ${name}`])
  .sort();

const APPS: [string, string, Record<string, string>?][] = [
  ['1.x ESM', 'zero-code-esm'],
  ['1.x CommonJS', 'zero-code-cjs'],
  ['2.x ESM', 'zero-code-esm2'],
  ['2.x CommonJS', 'zero-code-cjs2'],
  [
    '1.x, SDK registered through a second copy of @opentelemetry/api',
    'zero-code-two-apis',
    { SDK_LINE: '1' },
  ],
  [
    '2.x, SDK registered through a second copy of @opentelemetry/api',
    'zero-code-two-apis',
    { SDK_LINE: '2' },
  ],
];

describe.each(APPS)('zero-code path: %s', (_label, fixture, env) => {
  let receiver: OtlpReceiver;
  let app: App;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    app = await runApp(receiver, fixture, env);
  });
  afterAll(async () => receiver?.close());

  const one = (name: string, kind: number): ReceivedSpan => {
    const found = app.spans.filter((s) => s.name === name && s.kind === kind);
    expect(found.map((s) => s.name)).toEqual([name]);
    return found[0]!;
  };

  it('traces every request and notification on both sides without any code change', () => {
    expect(app.spans.map((s) => `${s.kind} ${s.name}`).sort()).toEqual(EXPECTED);
  });

  it('parents each server span by its client span and carries the correlation ID', () => {
    for (const name of ['initialize', 'tools/list', 'resources/read', 'prompts/get greet']) {
      expect(one(name, 2).parentSpanId).toBe(one(name, 3).spanId);
    }
    const client = one('tools/call echo', 3);
    const server = one('tools/call echo', 2);
    expect(server.traceId).toBe(client.traceId);
    expect(server.parentSpanId).toBe(client.spanId);
    expect(client.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.tool.type': 'extension',
      'toolscope.correlation_id': 'zero-code-1',
    });
    expect(server.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'toolscope.correlation_id': 'zero-code-1',
    });
  });

  it('classifies the isError result as tool_error', () => {
    expect(one('tools/call fail', 3).attributes['error.type']).toBe('tool_error');
    expect(one('tools/call fail', 2).attributes['error.type']).toBe('tool_error');
  });

  it('records the MCP operation and session durations, without session or request ids', () => {
    const histogram = (name: string) => app.points.filter((p) => p.metric === name);
    for (const side of ['client', 'server']) {
      const ops = histogram(`mcp.${side}.operation.duration`);
      expect(ops.map((p) => p.attributes['mcp.method.name']).sort()).toEqual([
        'initialize',
        'notifications/initialized',
        'prompts/get',
        'resources/read',
        'tools/call',
        'tools/call',
        'tools/list',
      ]);
      expect(ops.every((p) => p.unit === 's' && p.type === 'histogram')).toBe(true);
      expect(histogram(`mcp.${side}.session.duration`).map((p) => p.count)).toEqual([1]);
    }
    for (const p of app.points) {
      expect(
        Object.keys(p.attributes).filter((k) => /session\.id|request\.id|correlation/.test(k)),
      ).toEqual([]);
    }
  });
});
