/**
 * One trace across the orchestrator–MCP server hop, through the real collector into Jaeger:
 * a workflow whose tool is an MCP server in a separate process. The client injects
 * `traceparent` and `baggage` into `params._meta`; the server (another process, another
 * service) continues the trace, so Jaeger returns one trace, found by the correlation ID,
 * holding both services' spans, the server's SERVER span parented by the client's span.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  TOOLSCOPE_CORRELATION_ID,
  withCorrelationId,
  withWorkflow,
} from '@toolscope/instrumentation';
import { instrumentMcpClient } from '@toolscope/instrumentation-mcp';
import { startToolscope, type Toolscope } from '@toolscope/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backends, type JaegerSpan, jaegerFindTraces, pollUntil, spanTag } from './backends.ts';

const RUN = randomUUID().slice(0, 8);
const CLIENT_SERVICE = `toolscope-e2e-orchestrator-${RUN}`;
const SERVER_SERVICE = `toolscope-e2e-mcp-server-${RUN}`;
const FIXTURE = fileURLToPath(new URL('./fixtures/mcp-server.ts', import.meta.url));

let child: ChildProcess | undefined;
let port = 0;
let toolscope: Toolscope;

beforeAll(async () => {
  const endpoint = backends().TOOLSCOPE_OTLP_HTTP_ENDPOINT;
  child = spawn(process.execPath, ['--conditions=toolscope-source', FIXTURE], {
    env: {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: SERVER_SERVICE,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  port = await pollUntil(async () => Number(/PORT (\d+)/.exec(out)?.[1]) || undefined, {
    timeoutMs: 30_000,
    description: 'the MCP server process to listen',
  });
  toolscope = startToolscope({
    serviceName: CLIENT_SERVICE,
    endpoint,
    batch: { scheduledDelayMillis: 100 },
    mcp: false,
  });
});

afterAll(async () => {
  await toolscope?.shutdown();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

it('a workflow calling an MCP server in another process is one trace in Jaeger', async () => {
  const correlationId = `mcp-${RUN}`;
  const client = instrumentMcpClient(new Client({ name: 'orchestrator', version: '1.0.0' }));
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  try {
    const result = await withCorrelationId(correlationId, () =>
      withWorkflow({ name: 'search_and_recommend', totalSteps: 1 }, () =>
        client.callTool({ name: 'restaurant_search', arguments: { city: 'Lisbon' } }),
      ),
    );
    expect(result.isError).toBeFalsy();
  } finally {
    await client.close();
  }
  await toolscope.forceFlush();

  const trace = await pollUntil(
    async () => {
      const [found] = await jaegerFindTraces(CLIENT_SERVICE, {
        [TOOLSCOPE_CORRELATION_ID]: correlationId,
      });
      // Both processes flush on their own schedule: wait for the server's spans too.
      const services = new Set(Object.values(found?.processes ?? {}).map((p) => p.serviceName));
      return found !== undefined && services.has(SERVER_SERVICE) && found.spans.length >= 4
        ? found
        : undefined;
    },
    { timeoutMs: 30_000, description: `one trace with ${CLIENT_SERVICE} and ${SERVER_SERVICE}` },
  );

  const byName = (name: string) => trace.spans.find((s) => s.operationName === name);
  const workflow = byName('invoke_workflow search_and_recommend');
  const ofKind = (name: string, kind: string) =>
    trace.spans.find((s) => s.operationName === name && spanTag(s, 'span.kind') === kind);
  const clientSpan = ofKind('tools/call restaurant_search', 'client');
  const serverSpan = ofKind('tools/call restaurant_search', 'server');
  const inner = byName('execute_tool menu_lookup');
  const names = trace.spans.map((s) => s.operationName).join(', ');
  expect(workflow, names).toBeDefined();
  expect(clientSpan, names).toBeDefined();
  expect(serverSpan, names).toBeDefined();
  expect(inner, names).toBeDefined();
  const service = (s: JaegerSpan) => trace.processes[s.processID]?.serviceName;
  expect(service(workflow!)).toBe(CLIENT_SERVICE);
  expect(service(serverSpan!)).toBe(SERVER_SERVICE);
  expect(service(inner!)).toBe(SERVER_SERVICE);
  const parentOf = (s: JaegerSpan) => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
  expect(parentOf(clientSpan!)).toBe(workflow!.spanID);
  expect(parentOf(serverSpan!)).toBe(clientSpan!.spanID);
  expect(parentOf(inner!)).toBe(serverSpan!.spanID);
  // The correlation ID crossed the hop in baggage.
  expect(spanTag(serverSpan!, TOOLSCOPE_CORRELATION_ID)).toBe(correlationId);
  expect(spanTag(inner!, TOOLSCOPE_CORRELATION_ID)).toBe(correlationId);
  expect(spanTag(clientSpan!, 'mcp.method.name')).toBe('tools/call');
});
