/**
 * One trace across the orchestrator–MCP server hop, through the real collector into Jaeger,
 * and the MCP histograms in Prometheus, for each SDK line: a workflow whose tool is an MCP
 * server in a separate process. The client injects `traceparent` and `baggage` into
 * `params._meta`; the server (another process, another service) continues the trace, so
 * Jaeger returns one trace, found by the correlation ID, holding both services' spans, the
 * server's SERVER span parented by the client's span. Both processes export
 * `mcp.{client,server}.operation.duration`, which Prometheus holds under the names
 * `docs/telemetry.md` gives.
 *
 * - 1.x: `@modelcontextprotocol/sdk` on both sides, instrumented explicitly; the server keeps
 *   Streamable HTTP sessions (`fixtures/mcp-server.ts`), so both sides carry the session id
 *   and record `mcp.{client,server}.session.duration` when the session ends.
 * - 2.x: `@modelcontextprotocol/client` with `versionNegotiation: auto` (what OpenAI Agents
 *   uses) against `@modelcontextprotocol/server`'s `createMcpHandler`, the server traced
 *   zero-code (`--import @toolscope/instrumentation-mcp/register`, `fixtures/mcp-server2.ts`):
 *   the stateless 2026-07-28 revision, so no session id and no session duration.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  TOOLSCOPE_CORRELATION_ID,
  withCorrelationId,
  withWorkflow,
} from '@toolscope/instrumentation';
import { PROM_LABELS, PROM_METRICS } from '@toolscope/instrumentation/internal';
import { instrumentMcpClient } from '@toolscope/instrumentation-mcp';
import { startToolscope, type Toolscope } from '@toolscope/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  type JaegerSpan,
  jaegerFindTraces,
  pollUntil,
  promMetricNames,
  promValue,
  spanTag,
} from './backends.ts';

const RUN = randomUUID().slice(0, 8);

interface McpClientLike {
  connect(transport: unknown): Promise<void>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  close(): Promise<void>;
}

interface Line {
  readonly label: string;
  readonly fixture: string;
  readonly nodeArgs: readonly string[];
  /** A connected, instrumented client of the line's SDK. */
  connect(url: URL): Promise<McpClientLike>;
  /** The protocol version both sides end up with. */
  readonly version: RegExp;
  /** Whether the server keeps sessions (else: stateless, no session id or duration). */
  readonly sessions: boolean;
}

const LINES: Line[] = [
  {
    label: '1.x',
    fixture: 'mcp-server.ts',
    nodeArgs: [],
    version: /^20\d\d-\d\d-\d\d$/,
    sessions: true,
    async connect(url) {
      const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
      const { StreamableHTTPClientTransport } = await import(
        '@modelcontextprotocol/sdk/client/streamableHttp.js'
      );
      const client = instrumentMcpClient(new Client({ name: 'orchestrator', version: '1.0.0' }));
      await client.connect(new StreamableHTTPClientTransport(url));
      return client as unknown as McpClientLike;
    },
  },
  {
    label: '2.x',
    fixture: 'mcp-server2.ts',
    nodeArgs: ['--import', '@toolscope/instrumentation-mcp/register'],
    version: /^2026-07-28$/,
    sessions: false,
    async connect(url) {
      const { Client, StreamableHTTPClientTransport } = await import(
        '@modelcontextprotocol/client'
      );
      const client = instrumentMcpClient(
        new Client(
          { name: 'orchestrator', version: '1.0.0' },
          { versionNegotiation: { mode: 'auto' } },
        ),
      );
      await client.connect(new StreamableHTTPClientTransport(url));
      return client as unknown as McpClientLike;
    },
  },
];

describe.each(LINES)('MCP $label across processes', (line) => {
  const clientService = `toolscope-e2e-orchestrator-${line.label}-${RUN}`;
  const serverService = `toolscope-e2e-mcp-server-${line.label}-${RUN}`;
  let child: ChildProcess | undefined;
  let port = 0;
  let toolscope: Toolscope;

  beforeAll(async () => {
    const endpoint = backends().TOOLSCOPE_OTLP_HTTP_ENDPOINT;
    const fixture = fileURLToPath(new URL(`./fixtures/${line.fixture}`, import.meta.url));
    child = spawn(process.execPath, ['--conditions=toolscope-source', ...line.nodeArgs, fixture], {
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_SERVICE_NAME: serverService,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    port = await pollUntil(async () => Number(/PORT (\d+)/.exec(out)?.[1]) || undefined, {
      timeoutMs: 30_000,
      description: `the MCP ${line.label} server process to listen`,
    });
    toolscope = startToolscope({
      serviceName: clientService,
      endpoint,
      metricExportIntervalMs: 1_000,
      batch: { scheduledDelayMillis: 100 },
      mcp: false,
    });
  });

  /** Stops the server process (SIGTERM: it closes its sessions and flushes). */
  async function stopServer(): Promise<void> {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }

  afterAll(async () => {
    await toolscope?.shutdown();
    await stopServer();
  });

  it('a workflow calling an MCP server in another process is one trace in Jaeger', async () => {
    const correlationId = `mcp-${line.label}-${RUN}`;
    const client = await line.connect(new URL(`http://127.0.0.1:${port}/mcp`));
    try {
      const result = (await withCorrelationId(correlationId, () =>
        withWorkflow({ name: 'search_and_recommend', totalSteps: 1 }, () =>
          client.callTool({ name: 'restaurant_search', arguments: { city: 'Lisbon' } }),
        ),
      )) as { isError?: boolean };
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    await toolscope.forceFlush();

    const trace = await pollUntil(
      async () => {
        const [found] = await jaegerFindTraces(clientService, {
          [TOOLSCOPE_CORRELATION_ID]: correlationId,
        });
        // Both processes flush on their own schedule: wait for the server's spans too.
        const services = new Set(Object.values(found?.processes ?? {}).map((p) => p.serviceName));
        return found !== undefined && services.has(serverService) && found.spans.length >= 4
          ? found
          : undefined;
      },
      { timeoutMs: 30_000, description: `one trace with ${clientService} and ${serverService}` },
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
    expect(service(workflow!)).toBe(clientService);
    expect(service(serverSpan!)).toBe(serverService);
    expect(service(inner!)).toBe(serverService);
    const parentOf = (s: JaegerSpan) => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
    expect(parentOf(clientSpan!)).toBe(workflow!.spanID);
    expect(parentOf(serverSpan!)).toBe(clientSpan!.spanID);
    expect(parentOf(inner!)).toBe(serverSpan!.spanID);
    // The correlation ID crossed the hop in baggage.
    expect(spanTag(serverSpan!, TOOLSCOPE_CORRELATION_ID)).toBe(correlationId);
    expect(spanTag(inner!, TOOLSCOPE_CORRELATION_ID)).toBe(correlationId);
    for (const span of [clientSpan!, serverSpan!]) {
      expect(spanTag(span, 'mcp.method.name')).toBe('tools/call');
      expect(String(spanTag(span, 'mcp.protocol.version'))).toMatch(line.version);
      expect(spanTag(span, 'network.transport')).toBe('tcp');
    }
    if (line.sessions) {
      expect(spanTag(clientSpan!, 'mcp.session.id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(spanTag(serverSpan!, 'mcp.session.id')).toBe(spanTag(clientSpan!, 'mcp.session.id'));
    } else {
      expect(spanTag(clientSpan!, 'mcp.session.id')).toBeUndefined();
      expect(spanTag(serverSpan!, 'mcp.session.id')).toBeUndefined();
    }
    expect(spanTag(clientSpan!, 'server.port')).toBe(port);
  });

  it('a made-up 1,000-character tool name is cut on both sides, and the cuts are counted in Prometheus', async () => {
    const client = await line.connect(new URL(`http://127.0.0.1:${port}/mcp`));
    try {
      // The server answers an unknown tool with an error (result or JSON-RPC, by version).
      await client.callTool({ name: 'x'.repeat(1_000), arguments: {} }).catch(() => undefined);
    } finally {
      await client.close();
    }
    await toolscope.forceFlush();
    const site = `${PROM_LABELS.truncationSite}="mcp.tool.name"`;
    for (const service of [clientService, serverService]) {
      const cuts = await pollUntil(
        () => promValue(`sum(${PROM_METRICS.valuesTruncated}{service_name="${service}", ${site}})`),
        { timeoutMs: 30_000, description: `${PROM_METRICS.valuesTruncated} of ${service}` },
      );
      expect(cuts).toBeGreaterThanOrEqual(1);
    }
  });

  it('both processes’ MCP durations are in Prometheus under their documented names', async () => {
    const tool = `${PROM_LABELS.mcpMethodName}="tools/call", gen_ai_tool_name="restaurant_search"`;
    for (const [name, service] of [
      [PROM_METRICS.mcpClientOperationDuration, clientService],
      [PROM_METRICS.mcpServerOperationDuration, serverService],
    ] as const) {
      const count = await pollUntil(
        () => promValue(`sum(${name}_count{service_name="${service}", ${tool}})`),
        { timeoutMs: 30_000, description: `${name}_count of ${service} in Prometheus` },
      );
      expect(count, name).toBeGreaterThanOrEqual(1);
      const buckets = await promValue(`count(${name}_bucket{service_name="${service}", ${tool}})`);
      // The conventions' 14 boundaries, plus +Inf.
      expect(buckets, `${name}_bucket`).toBe(15);
    }
    const names = await promMetricNames();
    expect(names).toEqual(
      expect.arrayContaining([
        `${PROM_METRICS.mcpClientOperationDuration}_bucket`,
        `${PROM_METRICS.mcpServerOperationDuration}_count`,
      ]),
    );
    const sessions = (name: string, service: string) =>
      promValue(`sum(${name}_count{service_name="${service}"})`);
    if (!line.sessions) {
      expect(await sessions(PROM_METRICS.mcpClientSessionDuration, clientService)).toBeUndefined();
      expect(await sessions(PROM_METRICS.mcpServerSessionDuration, serverService)).toBeUndefined();
      return;
    }
    // The clients' sessions ended with `client.close()` above; the server's end when the
    // server process closes them on SIGTERM.
    await stopServer();
    for (const [name, service] of [
      [PROM_METRICS.mcpClientSessionDuration, clientService],
      [PROM_METRICS.mcpServerSessionDuration, serverService],
    ] as const) {
      const count = await pollUntil(() => sessions(name, service), {
        timeoutMs: 30_000,
        description: `${name}_count of ${service} in Prometheus`,
      });
      expect(count, name).toBeGreaterThanOrEqual(1);
    }
  });
});
