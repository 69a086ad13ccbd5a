/**
 * What the transport of a client or server says about the connection, read structurally (the
 * SDK's classes differ between 1.x, the 2.x client and server packages, and their ESM and CJS
 * builds, so `instanceof` cannot be used): `network.transport`, `network.protocol.name` and,
 * on the client of an HTTP transport, `server.address` and `server.port`.
 *
 * | transport                                                          | attributes                   |
 * | ------------------------------------------------------------------ | ---------------------------- |
 * | stdio (client `StdioClientTransport`, server `StdioServerTransport`) | `network.transport=pipe`     |
 * | Streamable HTTP or SSE, client (`_url`)                             | `tcp`, `http`, address, port |
 * | Streamable HTTP or SSE, server                                      | `tcp`, `http`                |
 * | in-memory, custom                                                   | none                         |
 */
import type { Attributes } from '@opentelemetry/api';
import type { Role } from './internal-types.ts';
import {
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from './semconv.ts';

/** The transport-level facts of one connection. */
export interface Connection {
  /** `network.transport`: `pipe` (stdio), `tcp` (HTTP), or unknown. */
  readonly networkTransport: string | undefined;
  /** `network.protocol.name`: `http`, or unknown. */
  readonly protocolName: string | undefined;
  /** Whether messages arrive over HTTP (a stateless HTTP server has no sessions). */
  readonly http: boolean;
  /** The span attributes of the connection (frozen, shared). */
  readonly attributes: Readonly<Attributes>;
}

const UNKNOWN: Connection = Object.freeze({
  networkTransport: undefined,
  protocolName: undefined,
  http: false,
  attributes: Object.freeze({}),
});

const PIPE: Connection = Object.freeze({
  networkTransport: 'pipe',
  protocolName: undefined,
  http: false,
  attributes: Object.freeze({ [ATTR_NETWORK_TRANSPORT]: 'pipe' }),
});

const HTTP_SERVER: Connection = Object.freeze({
  networkTransport: 'tcp',
  protocolName: 'http',
  http: true,
  attributes: Object.freeze({
    [ATTR_NETWORK_TRANSPORT]: 'tcp',
    [ATTR_NETWORK_PROTOCOL_NAME]: 'http',
  }),
});

const known = new WeakMap<object, Connection>();

type Fields = Record<string, unknown>;

function isUrlLike(value: unknown): value is { hostname: string; port: string; protocol: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { hostname?: unknown }).hostname === 'string' &&
    typeof (value as { protocol?: unknown }).protocol === 'string'
  );
}

function httpClient(url: { hostname: string; port: string; protocol: string }): Connection {
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  // An IPv6 literal keeps its brackets in `hostname`; the attribute is the bare address.
  const address = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (address === '') return HTTP_SERVER;
  return Object.freeze({
    ...HTTP_SERVER,
    attributes: Object.freeze({
      ...HTTP_SERVER.attributes,
      [ATTR_SERVER_ADDRESS]: address,
      [ATTR_SERVER_PORT]: port,
    }),
  });
}

function detect(t: Fields, role: Role, depth: number): Connection {
  // `serveStdio` (2.x) connects each session to a channel over the real stdio transport.
  const wire = t._wire;
  if (depth < 2 && wire !== null && typeof wire === 'object') {
    return detect(wire as Fields, role, depth + 1);
  }
  if ('_serverParams' in t || ('_stdin' in t && '_stdout' in t) || ('pid' in t && 'stderr' in t)) {
    return PIPE;
  }
  const url = t._url;
  if (isUrlLike(url)) return role === 'client' ? httpClient(url) : HTTP_SERVER;
  if (
    '_webStandardTransport' in t ||
    'sessionIdGenerator' in t ||
    '_classification' in t ||
    '_endpoint' in t ||
    typeof t.handleRequest === 'function' ||
    typeof t.handlePostMessage === 'function'
  ) {
    return HTTP_SERVER;
  }
  return UNKNOWN;
}

/**
 * The connection facts of `transport` as seen by a `role`, computed once per transport object.
 * Never throws (a hostile getter gives "unknown").
 *
 * @example connectionOf(new StreamableHTTPClientTransport(new URL('http://mcp.local:8080/mcp')), 'client')
 *   // { networkTransport: 'tcp', protocolName: 'http', attributes: { 'network.transport': 'tcp',
 *   //   'network.protocol.name': 'http', 'server.address': 'mcp.local', 'server.port': 8080 } }
 */
export function connectionOf(transport: unknown, role: Role): Connection {
  if (transport === null || typeof transport !== 'object') return UNKNOWN;
  let found = known.get(transport);
  if (found === undefined) {
    try {
      found = detect(transport as Fields, role, 0);
    } catch {
      found = UNKNOWN;
    }
    known.set(transport, found);
  }
  return found;
}
