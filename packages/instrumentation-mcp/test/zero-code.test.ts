import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from '../../../test/support/otlp-receiver.ts';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs a fixture application in a child process started with
 * `--import @toolscope/instrumentation-mcp/register` (no other toolscope MCP code in the app)
 * and returns the spans it exported.
 */
async function runApp(receiver: OtlpReceiver, fixture: string): Promise<ReceivedSpan[]> {
  const service = `zero-code-${fixture}`;
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
      env: { ...process.env, OTLP_URL: receiver.url, SERVICE_NAME: service },
      timeout: 30_000,
    },
  );
  return receiver.spans().filter((s) => s.resource['service.name'] === service);
}

describe.each(['zero-code-esm', 'zero-code-cjs'])('zero-code path: %s', (fixture) => {
  let receiver: OtlpReceiver;
  let spans: ReceivedSpan[];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    spans = await runApp(receiver, fixture);
  });
  afterAll(async () => receiver?.close());

  const one = (name: string, kind: number): ReceivedSpan => {
    const found = spans.filter((s) => s.name === name && s.kind === kind);
    expect(found.map((s) => s.name)).toEqual([name]);
    return found[0]!;
  };

  it('traces every request on both sides without any code change', () => {
    // OTLP span kinds: 2 = SERVER, 3 = CLIENT.
    expect(spans.map((s) => `${s.kind} ${s.name}`).sort()).toEqual([
      '2 initialize',
      '2 tools/call echo',
      '2 tools/call fail',
      '3 initialize',
      '3 tools/call echo',
      '3 tools/call fail',
    ]);
  });

  it('parents the server span by the client span and carries the correlation ID', () => {
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
});
