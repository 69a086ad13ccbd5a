/**
 * The two SDK lines as one shape for tests that run the same thing on both: the classes of
 * `@modelcontextprotocol/sdk` 1.x, and of `@modelcontextprotocol/client` + `server` 2.x.
 */
import {
  Client as Client2,
  InMemoryTransport as InMemoryTransport2,
} from '@modelcontextprotocol/client';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport as InMemoryTransport1 } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer as McpServer1 } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpServer as McpServer2 } from '@modelcontextprotocol/server';
import { instrumentMcpClient, instrumentMcpServer } from '../../src/index.ts';
import type { InstrumentMcpOptions } from '../../src/types.ts';

/** What the tests use of an `McpServer`, on either line. */
export interface AnyMcpServer {
  registerTool(name: string, config: object, handler: (...args: never[]) => unknown): unknown;
  connect(transport: unknown): Promise<void>;
  close(): Promise<void>;
}

/** What the tests use of a `Client`, on either line. */
export interface AnyClient {
  connect(transport: unknown): Promise<void>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
  close(): Promise<void>;
}

export interface SdkLine {
  readonly label: '1.x' | '2.x';
  server(name: string): AnyMcpServer;
  client(name: string): AnyClient;
  /** A linked in-memory pair: `[client side, server side]`. */
  linkedPair(): [unknown, unknown];
}

export const LINES: readonly SdkLine[] = [
  {
    label: '1.x',
    server: (name) => new McpServer1({ name, version: '1.0.0' }) as unknown as AnyMcpServer,
    client: (name) => new Client1({ name, version: '1.0.0' }) as unknown as AnyClient,
    linkedPair: () => InMemoryTransport1.createLinkedPair(),
  },
  {
    label: '2.x',
    server: (name) => new McpServer2({ name, version: '2.0.0' }) as unknown as AnyMcpServer,
    client: (name) => new Client2({ name, version: '1.0.0' }) as unknown as AnyClient,
    linkedPair: () => InMemoryTransport2.createLinkedPair(),
  },
];

/**
 * An instrumented server of `line` (its tools registered by `setup`) and an instrumented client,
 * connected over an in-memory pair.
 */
export async function connectedPair(
  line: SdkLine,
  setup: (server: AnyMcpServer) => void = () => {},
  options?: InstrumentMcpOptions,
): Promise<{ server: AnyMcpServer; client: AnyClient }> {
  const server = instrumentMcpServer(line.server('s'), options);
  setup(server);
  const client = instrumentMcpClient(line.client('c'), options);
  const [a, b] = line.linkedPair();
  await server.connect(b);
  await client.connect(a);
  return { server, client };
}
