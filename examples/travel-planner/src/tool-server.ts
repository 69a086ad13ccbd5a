/**
 * One demo MCP server: a real `McpServer` over Streamable HTTP (stateless, JSON responses) on
 * 127.0.0.1, whose tools sleep a seeded lognormal latency and fail at their configured rate.
 * It counts what it injects so the demo can show (and the tests can check) that the report
 * sees exactly what happened.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { instrumentMcpServer } from '@toolscope/instrumentation-mcp';
import { lognormalMs, type Random, seededRandom, seedFrom } from './random.ts';
import {
  type FailureKind,
  MAX_DELAY_MS,
  META_DELAY,
  META_ERROR_TYPE,
  REJECT_DELAY_MS,
  type ServerSpec,
  type ToolBehaviour,
} from './scenario.ts';

/** What one server injected into one tool's calls. */
export interface ToolServerStats {
  /** `tools/call` requests received for the tool. */
  requests: number;
  /** Requests answered successfully. */
  succeeded: number;
  /** Injected failures by `error.type`. */
  failures: Record<string, number>;
}

export type ServerStats = Record<string, ToolServerStats>;

/** Per-request decision, drawn when the request arrives so the sequence is seeded. */
interface Draw {
  readonly delayMs: number;
  readonly failure: FailureKind | undefined;
}

function drawFor(tool: ToolBehaviour, rnd: Random): Draw {
  const delayMs = Math.min(lognormalMs(rnd, tool.medianMs, tool.sigma), MAX_DELAY_MS);
  const failRoll = rnd();
  const kindRoll = rnd();
  if (failRoll >= tool.failureRate || tool.failures.length === 0) {
    return { delayMs, failure: undefined };
  }
  const total = tool.failures.reduce((s, f) => s + f.weight, 0);
  let acc = 0;
  for (const f of tool.failures) {
    acc += f.weight / total;
    if (kindRoll < acc) return { delayMs, failure: f };
  }
  return { delayMs, failure: tool.failures[tool.failures.length - 1] };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toolCallName(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const msg = body as { method?: unknown; params?: { name?: unknown } };
  return msg.method === 'tools/call' && typeof msg.params?.name === 'string'
    ? msg.params.name
    : undefined;
}

/** A running (or stopped) demo MCP server. */
export interface ToolServer {
  readonly id: string;
  /** Starts listening; `port` 0 picks a free one. Resolves with the port. */
  listen(port: number): Promise<number>;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
  /** Counts so far. */
  stats(): ServerStats;
}

/**
 * Builds the server for `spec`. `generation` changes the random streams after a restart, so a
 * restarted server does not replay the latencies of its first life.
 */
export function createToolServer(spec: ServerSpec, seed: number, generation = 0): ToolServer {
  const tools = new Map(spec.tools.map((t) => [t.name, t]));
  const rngs = new Map(
    spec.tools.map((t) => [t.name, seededRandom(seedFrom(t.name, seed + generation * 7919))]),
  );
  const stats: ServerStats = Object.fromEntries(
    spec.tools.map((t) => [t.name, { requests: 0, succeeded: 0, failures: {} }]),
  );
  let inFlight = 0;
  let idle: (() => void) | undefined;

  function mcpServerFor(draw: Draw | undefined): McpServer {
    // A SERVER span per request, child of the orchestrator's span carried in `params._meta`.
    const server = instrumentMcpServer(
      new McpServer({ name: `toolscope-demo-${spec.id}`, version: '0.1.0' }),
    );
    for (const tool of spec.tools) {
      const rnd = rngs.get(tool.name)!;
      const pick = (n: number) => Math.floor(rnd() * n);
      server.registerTool(
        tool.name,
        { description: tool.description, inputSchema: tool.input },
        async (args: Record<string, unknown>) => {
          const d = draw ?? drawFor(tool, rnd);
          await sleep(d.delayMs);
          const s = stats[tool.name]!;
          if (d.failure !== undefined) {
            s.failures[d.failure.errorType] = (s.failures[d.failure.errorType] ?? 0) + 1;
            return {
              isError: true,
              content: [{ type: 'text' as const, text: `${tool.name}: ${d.failure.errorType}` }],
              _meta: { [META_DELAY]: d.delayMs, [META_ERROR_TYPE]: d.failure.errorType },
            };
          }
          s.succeeded++;
          return {
            content: [{ type: 'text' as const, text: JSON.stringify(tool.respond(args, pick)) }],
            _meta: { [META_DELAY]: d.delayMs },
          };
        },
      );
    }
    return server;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      // Stateless server: no standalone SSE stream and no sessions to delete.
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      res.writeHead(400).end('invalid JSON');
      return;
    }
    const name = toolCallName(body);
    const tool = name === undefined ? undefined : tools.get(name);
    let draw: Draw | undefined;
    if (tool !== undefined) {
      stats[tool.name]!.requests++;
      draw = drawFor(tool, rngs.get(tool.name)!);
      const mode = draw.failure?.mode;
      if (mode === 'http_429' || mode === 'http_503') {
        const s = stats[tool.name]!;
        s.failures[draw.failure!.errorType] = (s.failures[draw.failure!.errorType] ?? 0) + 1;
        await sleep(REJECT_DELAY_MS);
        res
          .writeHead(mode === 'http_429' ? 429 : 503, {
            'content-type': 'text/plain',
            'retry-after': '0',
          })
          .end(mode === 'http_429' ? 'rate limited, retry later' : 'overloaded, retry later');
        return;
      }
    }
    const server = mcpServerFor(draw);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  let http: Server | undefined;
  return {
    id: spec.id,
    listen(port) {
      http = createServer((req, res) => {
        inFlight++;
        handle(req, res)
          .catch(() => {
            if (!res.headersSent) res.writeHead(500).end();
          })
          .finally(() => {
            inFlight--;
            if (inFlight === 0) idle?.();
          });
      });
      http.keepAliveTimeout = 2_000;
      const server = http;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    async close() {
      const server = http;
      if (server === undefined) return;
      http = undefined;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      server.closeAllConnections();
      await closed;
    },
    stats: () => structuredClone(stats),
  };
}
