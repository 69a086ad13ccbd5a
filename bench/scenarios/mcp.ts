/**
 * (7) MCP per-call overhead: client/server pairs over in-memory transports in one process,
 * for each SDK line (`@modelcontextprotocol/sdk` 1.x, and the 2.x `client`/`server`
 * packages): bare, instrumented on both sides, client only and server only
 * (`instrumentMcpClient` / `instrumentMcpServer`), with metrics as `startToolscope` sets them
 * up (pre-aggregated through `ToolscopeMetricProducer`; every MCP and tool histogram is
 * recorded); with mode `handwritten`, bare and a hand-written instrumentation instead: the
 * same spans, attributes, propagation and histograms in plain code without any guard
 * (`support/mcp-handwritten.ts`), what a straightforward instrumentation of these conventions
 * pays. `tools/call` of an echo tool, interleaved rounds in
 * rotating order.
 *
 * The added cost (instrumented − bare) is reported as a multiple of a bare OTel span measured
 * in the same rounds: `startSpan` with three attributes, an async no-op run in
 * `context.with(trace.setSpan(...))`, `span.end()` (the overhead scenario's "bare" variant).
 * Batches are timed in process CPU time (`process.cpuUsage()`), not wall time: everything runs
 * in this one thread, and on a shared machine the wall time of a batch mostly measures the
 * other processes. Each job's cost is the lower decile of its batches over the rounds (other
 * processes only ever add time); ratios are taken from those costs.
 */
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport as InMemory1 } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer as McpServer1 } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LATEST_PROTOCOL_VERSION as LATEST1 } from '@modelcontextprotocol/sdk/types.js';
import { SpanKind } from '@opentelemetry/api';
import { ToolscopeMetricProducer } from '@toolscope/node';
import { z } from 'zod';
import { inBareSpan } from '../support/bare-span.ts';
import { handwrittenClient, handwrittenServer } from '../support/mcp-handwritten.ts';
import { optionalImport } from '../support/optional-import.ts';
import { createBenchOtel, registerContext } from '../support/otel.ts';
import { yieldToLoop } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

interface McpModule {
  instrumentMcpClient<T extends object>(client: T): T;
  instrumentMcpServer<T extends object>(server: T): T;
}

interface Caller {
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
}

interface Sdk2 {
  Client: typeof Client1;
  InMemoryTransport: typeof InMemory1;
  McpServer: typeof McpServer1;
}

/** Which sides toolscope instruments; `handwritten`: both sides by hand (`mcp-handwritten.ts`). */
type Sides = { client: boolean; server: boolean; handwritten?: boolean };

/**
 * The variants of each mode: toolscope's (mode `toolscope`, the default), or the hand-written
 * one's (mode `handwritten`), each in processes of their own so neither's code shapes the JIT
 * state the other is measured in.
 */
const VARIANTS: Record<'toolscope' | 'handwritten', Record<string, Sides>> = {
  toolscope: {
    bare: { client: false, server: false },
    both: { client: true, server: true },
    client: { client: true, server: false },
    server: { client: false, server: true },
  },
  handwritten: {
    bare: { client: false, server: false },
    handwritten: { client: false, server: false, handwritten: true },
  },
};

/** The protocol version the pair negotiated (2.x keeps it; 1.x pairs agree on the latest). */
function negotiated(client: object): string {
  return (client as { _negotiatedProtocolVersion?: string })._negotiatedProtocolVersion ?? LATEST1;
}

function applyHandwritten(sides: Sides, client: object, server: object): void {
  if (sides.handwritten !== true) return;
  handwrittenServer(server, negotiated(client));
  handwrittenClient(client, negotiated(client));
}

async function pair1(mod: McpModule, sides: Sides): Promise<Caller> {
  const server = new McpServer1({ name: 'bench-server', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'echo', inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  const client = new Client1({ name: 'bench-client', version: '1.0.0' });
  if (sides.server) mod.instrumentMcpServer(server);
  if (sides.client) mod.instrumentMcpClient(client);
  const [a, b] = InMemory1.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  applyHandwritten(sides, client, server);
  return client;
}

async function pair2(sdk: Sdk2, mod: McpModule, sides: Sides): Promise<Caller> {
  const server = new sdk.McpServer({ name: 'bench-server', version: '2.0.0' });
  (server as unknown as { registerTool: (...args: unknown[]) => void }).registerTool(
    'echo',
    { description: 'echo', inputSchema: z.object({ text: z.string() }) },
    async ({ text }: { text: string }) => ({ content: [{ type: 'text', text }] }),
  );
  const client = new sdk.Client({ name: 'bench-client', version: '1.0.0' });
  if (sides.server) mod.instrumentMcpServer(server);
  if (sides.client) mod.instrumentMcpClient(client);
  const [a, b] = sdk.InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  applyHandwritten(sides, client, server);
  return client;
}

/** CPU time of this process (user + system), µs. */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function loadSdk2(): Promise<Sdk2 | undefined> {
  const client = await optionalImport<Sdk2>('@modelcontextprotocol/client');
  const server = await optionalImport<Sdk2>('@modelcontextprotocol/server');
  if (!client.ok || !server.ok) return undefined;
  return {
    Client: client.module.Client,
    InMemoryTransport: client.module.InMemoryTransport,
    McpServer: server.module.McpServer,
  };
}

export async function mcp(options: ScenarioOptions): Promise<ScenarioOutput> {
  const mod = await optionalImport<McpModule>('@toolscope/instrumentation-mcp');
  if (!mod.ok) return { metrics: {}, notes: { unavailable: mod.reason } };
  registerContext();
  // As startToolscope sets it up: the core's metrics (MCP histograms included) pre-aggregated.
  const otel = createBenchOtel({ metricProducers: [new ToolscopeMetricProducer()] });
  const sdk2 = await loadSdk2();
  const notes: Record<string, string> = {};
  if (sdk2 === undefined) notes.sdk2 = '@modelcontextprotocol/client or /server not installed';

  const handwritten = options.mode === 'handwritten';
  const variants = VARIANTS[handwritten ? 'handwritten' : 'toolscope'];
  const lines: Record<string, Record<string, Caller>> = { v1: {} };
  for (const [name, sides] of Object.entries(variants)) {
    lines.v1![name] = await pair1(mod.module, sides);
  }
  if (sdk2 !== undefined) {
    lines.v2 = {};
    for (const [name, sides] of Object.entries(variants)) {
      lines.v2[name] = await pair2(sdk2, mod.module, sides);
    }
  }

  const tracer = otel.tracerProvider.getTracer('bench-bare');
  const noop = async () => undefined;
  const spanAttributes = {
    'mcp.method.name': 'tools/call',
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'echo',
  };
  const bareSpan = () =>
    inBareSpan(tracer, 'tools/call echo', SpanKind.CLIENT, spanAttributes, noop, undefined);

  const iterations = options.quick ? 50 : 400;
  const rounds = options.quick ? 2 : 24;
  const warmup = options.quick ? 1 : 4;
  const jobs: [string, () => Promise<unknown>][] = [['span', bareSpan]];
  for (const [line, callers] of Object.entries(lines)) {
    for (const [variant, caller] of Object.entries(callers)) {
      jobs.push([
        `${line}.${variant}`,
        () => caller.callTool({ name: 'echo', arguments: { text: 'hello' } }),
      ]);
    }
  }
  /** CPU µs per call of each job, one sample per round. */
  const samples: Record<string, number[]> = {};
  for (let round = 0; round < warmup + rounds; round++) {
    for (let k = 0; k < jobs.length; k++) {
      const [name, job] = jobs[(k + round) % jobs.length]!;
      await yieldToLoop();
      const start = cpuMicros();
      for (let i = 0; i < iterations; i++) {
        await job();
        if ((i & 127) === 127) await yieldToLoop();
      }
      if (round < warmup) continue;
      samples[name] ??= [];
      samples[name].push((cpuMicros() - start) / iterations);
    }
  }
  // Other processes only ever add time to a batch (cache and core contention, frequency), so
  // each job's lower decile over the rounds is its cost; the ratios are taken from those.
  const cost = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, lowerDecile(v)]));
  const metrics: Record<string, number> = { 'span.us': cost.span! };
  for (const line of Object.keys(lines)) {
    const bare = cost[`${line}.bare`]!;
    metrics[`${line}.bare.us`] = bare;
    if (handwritten) {
      const own = cost[`${line}.handwritten`]!;
      metrics[`${line}.handwritten.us`] = own;
      metrics[`${line}.handwritten.added.us`] = own - bare;
      metrics[`${line}.handwritten.addedXSpan`] = (own - bare) / cost.span!;
      continue;
    }
    metrics[`${line}.both.us`] = cost[`${line}.both`]!;
    metrics[`${line}.added.us`] = cost[`${line}.both`]! - bare;
    metrics[`${line}.both.xBare`] = cost[`${line}.both`]! / bare;
    for (const side of ['both', 'client', 'server']) {
      metrics[`${line}.${side}.addedXSpan`] = (cost[`${line}.${side}`]! - bare) / cost.span!;
    }
  }
  await otel.shutdown();
  return { metrics, notes };
}

/** The lower decile of `values` (the smallest when there are fewer than ten). */
function lowerDecile(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 10)] ?? Number.NaN;
}
