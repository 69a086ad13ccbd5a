/**
 * An OpenAI Agents run whose agent calls the tools of a stdio MCP server (`MCPServerStdio`),
 * both processes traced zero-code (`--import @toolscope/node/register`), through the real
 * collector into Jaeger and Prometheus (`fixtures/agents-orchestrator.ts`).
 *
 * The orchestrator (one service) runs the unit tests' scenario under a correlation ID: workflow
 * `mcp_workflow`, agent `Calculator`, whose scripted model calls `add` and `fail` of the stdio
 * server (`mcp-stdio-server.ts` on `@modelcontextprotocol/server` 2.x), which the orchestrator
 * starts as a service of its own. Jaeger returns one trace, found by the correlation ID, holding
 * both services' spans: in the orchestrator exactly one span per MCP tool call (the Agents
 * integration's `execute_tool`, which the MCP layer enriches with `mcp.method.name`, never a
 * second `tools/call` beside it), and in the server the SERVER `tools/call` span parented by it
 * across the process hop. Prometheus holds both processes' `mcp.{client,server}.operation.duration`
 * and the orchestrator's `gen_ai.execute_tool.duration`, one point per call. Stopping the
 * orchestrator closes the MCP server, which reaps its process.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLSCOPE_CORRELATION_ID } from '@toolscope/instrumentation';
import { PROM_LABELS, PROM_METRICS } from '@toolscope/instrumentation/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  type JaegerSpan,
  type JaegerTrace,
  jaegerFindTraces,
  pollUntil,
  promValue,
  spanTag,
} from './backends.ts';
import { type ManagedProcess, startProcess } from './support/processes.ts';

const RUN = randomUUID().slice(0, 8);
const ORCHESTRATOR = `toolscope-e2e-agents-${RUN}`;
const SERVER = `toolscope-e2e-agents-mcp-server-${RUN}`;
const CORRELATION_ID = `agents-mcp-${RUN}`;
const FIXTURE = fileURLToPath(new URL('./fixtures/agents-orchestrator.ts', import.meta.url));
/** The MCP tool calls the scripted model makes, by tool: the call id. */
const CALLS = { add: 'call_add', fail: 'call_fail' } as const;
const TOOLS = Object.keys(CALLS) as Array<keyof typeof CALLS>;

let orchestrator: ManagedProcess;
let serverPid: number | undefined;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const logDir = mkdtempSync(join(tmpdir(), 'toolscope-agents-mcp-'));
  const ran = (): string => {
    try {
      return readFileSync(join(logDir, 'agents-orchestrator.log'), 'utf8');
    } catch {
      return '';
    }
  };
  orchestrator = await startProcess({
    name: 'agents-orchestrator',
    command: process.execPath,
    args: ['--conditions=toolscope-source', '--import', '@toolscope/node/register', FIXTURE],
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: backends().TOOLSCOPE_OTLP_HTTP_ENDPOINT,
      OTEL_SERVICE_NAME: ORCHESTRATOR,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      // vitest's NODE_ENV=test would turn the Agents SDK's tracing off (an application's is not).
      NODE_ENV: 'production',
      AGENTS_E2E_SERVER_SERVICE: SERVER,
      AGENTS_E2E_CORRELATION_ID: CORRELATION_ID,
    },
    logDir,
    ready: async () => ran().includes('RESULT '),
    readyTimeoutMs: 120_000,
  });
  const result = JSON.parse(/RESULT (.*)/.exec(ran())![1]!) as {
    output: unknown;
    serverPid?: number;
  };
  expect(result.output, orchestrator.tail()).toBe('computed');
  serverPid = result.serverPid;
});

afterAll(async () => {
  // Whatever happened in the tests: the orchestrator's group (the server is in it) is gone.
  await orchestrator?.stop(10_000);
  if (serverPid !== undefined && isAlive(serverPid)) process.kill(serverPid, 'SIGKILL');
});

describe('OpenAI Agents with an MCPServerStdio tool, across processes', () => {
  it('is one trace in Jaeger: one span per MCP tool call, the server’s span its child', async () => {
    expect(serverPid, orchestrator.tail()).toBeTypeOf('number');
    expect(isAlive(serverPid!)).toBe(true);
    const service = (t: JaegerTrace, s: JaegerSpan) => t.processes[s.processID]?.serviceName;
    const isServerCall = (t: JaegerTrace, s: JaegerSpan) =>
      service(t, s) === SERVER &&
      spanTag(s, 'mcp.method.name') === 'tools/call' &&
      spanTag(s, 'span.kind') === 'server';
    const trace = await pollUntil(
      async () => {
        const found = await jaegerFindTraces(ORCHESTRATOR, {
          [TOOLSCOPE_CORRELATION_ID]: CORRELATION_ID,
        });
        if (found.length !== 1) return undefined;
        // Both processes export on their own schedule: wait for both server spans too.
        const [t] = found as [JaegerTrace];
        return t.spans.filter((s) => isServerCall(t, s)).length >= TOOLS.length ? t : undefined;
      },
      { timeoutMs: 60_000, description: `one trace with ${ORCHESTRATOR} and ${SERVER}` },
    );

    const names = trace.spans
      .map((s) => `${service(trace, s)}: ${s.operationName} (${spanTag(s, 'span.kind')})`)
      .join(', ');
    const parentOf = (s: JaegerSpan) => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
    const inOrchestrator = (name: string) =>
      trace.spans.filter((s) => service(trace, s) === ORCHESTRATOR && s.operationName === name);
    const workflow = inOrchestrator('invoke_workflow mcp_workflow');
    const agent = inOrchestrator('invoke_agent Calculator');
    expect(workflow, names).toHaveLength(1);
    expect(agent, names).toHaveLength(1);
    expect(parentOf(agent[0]!)).toBe(workflow[0]!.spanID);

    // Every orchestrator span that stands for an MCP tool call, from either integration.
    const callSpans = trace.spans.filter(
      (s) =>
        service(trace, s) === ORCHESTRATOR &&
        (spanTag(s, 'gen_ai.operation.name') === 'execute_tool' ||
          spanTag(s, 'mcp.method.name') === 'tools/call'),
    );
    expect(callSpans.map((s) => s.operationName).sort(), names).toEqual(
      TOOLS.map((t) => `execute_tool ${t}`).sort(),
    );
    for (const tool of TOOLS) {
      const client = callSpans.filter((s) => spanTag(s, 'gen_ai.tool.name') === tool);
      expect(client, `${tool}: ${names}`).toHaveLength(1);
      const call = client[0]!;
      expect(parentOf(call)).toBe(agent[0]!.spanID);
      // The Agents integration's span, enriched by the MCP layer (not a second span). Its kind
      // is the Agents integration's (INTERNAL today), not the CLIENT of a span the MCP layer
      // opens itself; the kind is deliberately not pinned here.
      expect(spanTag(call, 'gen_ai.tool.call.id')).toBe(CALLS[tool]);
      expect(spanTag(call, 'gen_ai.tool.type')).toBe('extension');
      expect(spanTag(call, 'mcp.method.name')).toBe('tools/call');
      expect(spanTag(call, TOOLSCOPE_CORRELATION_ID)).toBe(CORRELATION_ID);

      // Across the process hop: the server's SERVER span is the call span's child.
      const served = trace.spans.filter(
        (s) => isServerCall(trace, s) && spanTag(s, 'gen_ai.tool.name') === tool,
      );
      expect(served, `${tool}: ${names}`).toHaveLength(1);
      expect(served[0]!.operationName).toBe(`tools/call ${tool}`);
      expect(parentOf(served[0]!)).toBe(call.spanID);
      expect(served[0]!.traceID).toBe(call.traceID);
      // The correlation ID crossed the hop in baggage.
      expect(spanTag(served[0]!, TOOLSCOPE_CORRELATION_ID)).toBe(CORRELATION_ID);
    }
    // The server's `isError` result is seen by the MCP layer on the one span.
    const failed = callSpans.find((s) => spanTag(s, 'gen_ai.tool.name') === 'fail')!;
    expect(spanTag(failed, 'error.type')).toBe('tool_error');
  });

  it('both processes’ MCP operation durations and the execute_tool durations are in Prometheus', async () => {
    const count = (metric: string, service: string, labels: string) =>
      pollUntil(() => promValue(`sum(${metric}_count{service_name="${service}", ${labels}})`), {
        timeoutMs: 60_000,
        description: `${metric}_count{${labels}} of ${service} in Prometheus`,
      });
    for (const tool of TOOLS) {
      const call = `${PROM_LABELS.mcpMethodName}="tools/call", ${PROM_LABELS.toolName}="${tool}"`;
      // One point per call on each side: no second recording from the Agents integration.
      expect(await count(PROM_METRICS.mcpClientOperationDuration, ORCHESTRATOR, call)).toBe(1);
      expect(await count(PROM_METRICS.mcpServerOperationDuration, SERVER, call)).toBe(1);
      const tools = `${PROM_LABELS.toolName}="${tool}"`;
      expect(await count(PROM_METRICS.toolDuration, ORCHESTRATOR, tools), tool).toBe(1);
    }
    const failed = `${PROM_LABELS.toolName}="fail", ${PROM_LABELS.errorType}="tool_error"`;
    expect(await count(PROM_METRICS.toolDuration, ORCHESTRATOR, failed)).toBe(1);
  });

  it('stopping the orchestrator closes the MCP server and reaps its process', async () => {
    expect(serverPid).toBeTypeOf('number');
    process.kill(orchestrator.pid!, 'SIGTERM');
    expect(await orchestrator.exited(30_000), orchestrator.tail()).toBe(0);
    // The orchestrator waited for the server's close, so it is gone (or about to be reaped).
    await pollUntil(() => !isAlive(serverPid!), {
      timeoutMs: 10_000,
      intervalMs: 50,
      description: `the MCP server process ${serverPid} to be gone`,
    });
  });
});
