/** Real servers on 127.0.0.1 for the probe tests. */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export interface TestServer {
  readonly port: number;
  readonly url: string;
  readonly server: Server;
  /** Requests being handled right now, and the most seen at once. */
  readonly load: { current: number; peak: number; total: number };
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 with a random port (or `port`), tracking concurrent requests. */
export async function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  port = 0,
): Promise<TestServer> {
  const load = { current: 0, peak: 0, total: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    load.current++;
    load.total++;
    load.peak = Math.max(load.peak, load.current);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        load.current--;
      }
    };
    res.on('close', finish);
    void Promise.resolve(handler(req, res)).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    server,
    load,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const s = await startHttpServer((_req, res) => {
    res.end();
  });
  await s.close();
  return s.port;
}

/**
 * A real stateful MCP server (SDK `McpServer` + Streamable HTTP) on the 2025 revisions.
 * `sessions()` counts open sessions, so tests can see that probes close theirs.
 */
export async function startMcpHttpServer(port = 0): Promise<TestServer & { sessions(): number }> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const http = await startHttpServer(async (req, res) => {
    const sid = req.headers['mcp-session-id'];
    const existing = typeof sid === 'string' ? transports.get(sid) : undefined;
    if (existing !== undefined) {
      await existing.handleRequest(req, res);
      return;
    }
    const mcp = new McpServer({ name: 'fixture-http', version: '1.0.0' });
    mcp.registerTool('echo', { description: 'echoes' }, async () => ({
      content: [{ type: 'text', text: 'ok' }],
    }));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        transports.set(id, transport);
      },
      onsessionclosed: (id) => {
        transports.delete(id);
      },
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
    if (transport.sessionId === undefined) await mcp.close();
  }, port);
  return {
    ...http,
    sessions: () => transports.size,
    close: async () => {
      for (const t of transports.values()) await t.close().catch(() => undefined);
      transports.clear();
      await http.close();
    },
  };
}

/**
 * A minimal Streamable HTTP server on the 2026-07-28 revision: stateless; validates
 * `MCP-Protocol-Version` and `Mcp-Method`; answers `server/discover` and `tools/list`;
 * rejects `initialize` with 400 + UnsupportedProtocolVersionError.
 */
export async function startModernMcpHttpServer(tools: string[] = ['echo']): Promise<TestServer> {
  const VERSION = '2026-07-28';
  return startHttpServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const msg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      id: number;
      method: string;
      params?: { _meta?: Record<string, unknown> };
    };
    const version = req.headers['mcp-protocol-version'];
    const bodyVersion = msg.params?._meta?.['io.modelcontextprotocol/protocolVersion'];
    if (version !== VERSION || bodyVersion !== VERSION) {
      return reply(400, {
        jsonrpc: '2.0',
        id: msg.id ?? null,
        error: {
          code: -32022,
          message: 'Unsupported protocol version',
          data: { supported: [VERSION], requested: version ?? null },
        },
      });
    }
    if (req.headers['mcp-method'] !== msg.method) {
      return reply(400, {
        jsonrpc: '2.0',
        id: msg.id,
        error: { code: -32020, message: 'Header mismatch: Mcp-Method' },
      });
    }
    if (msg.method === 'server/discover') {
      return reply(200, {
        jsonrpc: '2.0',
        id: msg.id,
        result: {
          resultType: 'complete',
          supportedVersions: [VERSION],
          capabilities: { tools: {} },
          _meta: {
            'io.modelcontextprotocol/serverInfo': { name: 'modern-http', version: '1.0.0' },
          },
        },
      });
    }
    if (msg.method === 'tools/list') {
      return reply(200, {
        jsonrpc: '2.0',
        id: msg.id,
        result: { tools: tools.map((name) => ({ name, inputSchema: { type: 'object' } })) },
      });
    }
    return reply(404, {
      jsonrpc: '2.0',
      id: msg.id,
      error: { code: -32601, message: 'Method not found' },
    });
  });
}

/** Child processes of this process still present (zombies included), from /proc (Linux). */
export function childProcesses(): { pid: number; state: string; comm: string }[] {
  const out: { pid: number; state: string; comm: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const [state, ppid] = stat.slice(close + 2).split(' ');
      if (Number(ppid) === process.pid) out.push({ pid: Number(name), state: state!, comm });
    } catch {
      // process went away
    }
  }
  return out;
}

/** Polls `predicate` every 10 ms until true, failing after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
