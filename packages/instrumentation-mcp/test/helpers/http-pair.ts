/**
 * A real MCP client and server in one process, over Streamable HTTP on 127.0.0.1: a low-level
 * `Server` (the API every supported SDK version shares) with a few tools, a resource and a
 * prompt, served by `StreamableHTTPServerTransport` in stateful mode (so requests carry a
 * session id), and a `Client` over `StreamableHTTPClientTransport`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withTool } from '@toolscope/instrumentation';
import type { Sdk } from './sdk.ts';

export type McpClient = InstanceType<Sdk['client']['Client']>;
export type McpServer = InstanceType<Sdk['server']['Server']>;

export interface HttpPair {
  readonly client: McpClient;
  readonly server: McpServer;
  readonly url: string;
  /** The `_meta` objects the server's handlers received, in order. */
  readonly receivedMeta: Record<string, unknown>[];
  /** The session id the client transport holds. */
  sessionId(): string | undefined;
  close(): Promise<void>;
}

export interface PairOptions {
  /** Called with the server before it is connected (explicit instrumentation goes here). */
  prepareServer?: (server: McpServer) => void;
  /** Called with the client before it connects. */
  prepareClient?: (client: McpClient) => void;
  /** Options of the client's HTTP requests (such as headers). */
  requestInit?: RequestInit;
}

/** Builds the fixture server's handlers on a low-level `Server`. */
export function buildServer(sdk: Sdk, receivedMeta: Record<string, unknown>[]): McpServer {
  const { Server } = sdk.server;
  const t = sdk.types;
  const server = new Server(
    { name: 'fixture', version: '1.0.0' },
    { capabilities: { tools: {}, resources: {}, prompts: {} } },
  );
  server.setRequestHandler(t.ListToolsRequestSchema, async () => ({
    tools: ['echo', 'fail', 'flaky', 'crash', 'lookup'].map((name) => ({
      name,
      inputSchema: { type: 'object' as const },
    })),
  }));
  server.setRequestHandler(t.CallToolRequestSchema, async (request) => {
    const params = request.params as { name: string; arguments?: Record<string, unknown> };
    receivedMeta.push({ ...(request.params._meta as Record<string, unknown> | undefined) });
    switch (params.name) {
      case 'echo':
        return { content: [{ type: 'text' as const, text: String(params.arguments?.text) }] };
      case 'fail':
        return { isError: true, content: [{ type: 'text' as const, text: 'upstream said no' }] };
      case 'flaky':
        return params.arguments?.fail === true
          ? { isError: true, content: [{ type: 'text' as const, text: 'try again' }] }
          : { content: [{ type: 'text' as const, text: 'ok' }] };
      case 'crash':
        throw new TypeError('handler bug');
      case 'lookup':
        // A tool span made by the server's own code, to see what context the handler runs in.
        return withTool({ name: 'inner_lookup' }, async () => ({
          content: [{ type: 'text' as const, text: 'found' }],
        }));
      default:
        throw new t.McpError(t.ErrorCode.InvalidParams, `Tool ${params.name} not found`);
    }
  });
  server.setRequestHandler(t.ReadResourceRequestSchema, async (request) => ({
    contents: [{ uri: request.params.uri, text: 'hello' }],
  }));
  server.setRequestHandler(t.GetPromptRequestSchema, async (request) => ({
    messages: [
      {
        role: 'user' as const,
        content: { type: 'text' as const, text: `hi ${request.params.name}` },
      },
    ],
  }));
  return server;
}

export async function startHttpPair(sdk: Sdk, options: PairOptions = {}): Promise<HttpPair> {
  const receivedMeta: Record<string, unknown>[] = [];
  const server = buildServer(sdk, receivedMeta);
  options.prepareServer?.(server);
  const serverTransport = new sdk.httpServer.StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
  });
  await server.connect(serverTransport);
  const http: HttpServer = createServer((req, res) => {
    serverTransport.handleRequest(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;

  const client = new sdk.client.Client({ name: 'orchestrator', version: '1.0.0' });
  options.prepareClient?.(client);
  const clientTransport = new sdk.httpClient.StreamableHTTPClientTransport(new URL(url), {
    requestInit: options.requestInit,
  });
  await client.connect(clientTransport);
  return {
    client,
    server,
    url,
    receivedMeta,
    sessionId: () => clientTransport.sessionId,
    close: async () => {
      await client.close();
      await server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
