/**
 * What one client or server (an "endpoint") knows about its connection: the transport's
 * facts (`connection.ts`), the negotiated protocol version, the session id, whether the
 * session is stateless, and the metric attribute sets built for it. Read from the SDK's
 * fields on every message but recomputed only when one of them changed, so the hot path
 * compares three references instead of re-deriving (and re-bounding) everything.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  boundName,
  LIMITS,
  MCP_PROTOCOL_VERSION_FIRST_STATELESS,
} from '@toolscope/instrumentation/internal';
import { type Connection, connectionOf } from './connection.ts';
import type { ProtocolLike, Role } from './internal-types.ts';

const UNSEEN: unique symbol = Symbol('unseen');

/** Tool and prompt names remembered from an endpoint's own list answers. */
const MAX_ADVERTISED = LIMITS.mcpAttributeSetsPerEndpoint;

/**
 * Whether `version` is a stateless revision (2026-07-28 or later): no `initialize`, no
 * session, no `mcp.session.id`, no session duration.
 *
 * @example isStatelessVersion('2026-07-28') === true
 * @example isStatelessVersion('2025-06-18') === false
 */
export function isStatelessVersion(version: string | undefined): boolean {
  return (
    version !== undefined &&
    version.length === 10 &&
    version >= MCP_PROTOCOL_VERSION_FIRST_STATELESS &&
    version <= '9999-99-99'
  );
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export class Endpoint {
  readonly role: Role;
  private transportSeen: unknown = UNSEEN;
  private versionSeen: unknown = UNSEEN;
  private sessionSeen: unknown = UNSEEN;
  /** The version an `initialize` result named (1.x keeps none on the instance). */
  private initialized: string | undefined;
  connection: Connection = connectionOf(undefined, 'client');
  /** `mcp.protocol.version` (bounded), when known. */
  version: string | undefined;
  /** `mcp.session.id` (bounded), never on a stateless session. */
  session: string | undefined;
  stateless = false;
  /** Metric attribute sets of operations (see `metrics.ts`), valid for the current facts. */
  operationSets = new Map<string, Attributes>();
  /**
   * The metric keys (`tools/call\u0000{name}`, `prompts/get\u0000{name}`) of the tools and
   * prompts this endpoint's own `tools/list` / `prompts/list` answers named, at most
   * `MAX_ADVERTISED`: a failed call of one of them keeps its name on metrics.
   */
  readonly advertised = new Set<string>();

  constructor(role: Role) {
    this.role = role;
  }

  /** Brings the facts up to date with `instance`'s fields; returns `this`. */
  refresh(instance: ProtocolLike): this {
    const transport = instance.transport;
    const versionRaw =
      instance._negotiatedProtocolVersion ?? this.initialized ?? transport?.protocolVersion;
    const sessionRaw = transport?.sessionId;
    if (
      transport === this.transportSeen &&
      versionRaw === this.versionSeen &&
      sessionRaw === this.sessionSeen
    ) {
      return this;
    }
    if (transport !== this.transportSeen) {
      this.transportSeen = transport;
      this.connection = connectionOf(transport, this.role);
    }
    this.versionSeen = versionRaw;
    this.sessionSeen = sessionRaw;
    const version = nonEmptyString(versionRaw);
    this.version = version === undefined ? undefined : boundName(version, 'mcp.protocol.version');
    this.stateless = isStatelessVersion(this.version);
    const session = this.stateless ? undefined : nonEmptyString(sessionRaw);
    this.session = session === undefined ? undefined : boundName(session, 'mcp.session.id');
    this.operationSets = new Map();
    return this;
  }

  /**
   * Remembers the names a `tools/list` or `prompts/list` answer of this endpoint gives (`kind`
   * the list's field, `method` the call they are named in).
   */
  noteListed(result: unknown, kind: 'tools' | 'prompts', method: string): void {
    const items = (result as Record<string, unknown> | undefined)?.[kind];
    if (!Array.isArray(items)) return;
    for (const item of items) {
      if (this.advertised.size >= MAX_ADVERTISED) return;
      const name = (item as { name?: unknown } | null)?.name;
      if (typeof name === 'string' && name !== '') {
        this.advertised.add(`${method}\u0000${boundName(name, 'mcp.target')}`);
      }
    }
  }

  /** Remembers the version an `initialize` result names (1.x). */
  noteInitialized(result: unknown): void {
    const version = (result as { protocolVersion?: unknown } | undefined)?.protocolVersion;
    if (typeof version === 'string' && version !== '') this.initialized = version;
  }
}

const endpoints = new WeakMap<object, Endpoint>();

/** The endpoint state of `instance` (a `Client` or `Server` object), up to date. */
export function endpointOf(instance: ProtocolLike, role: Role): Endpoint {
  let endpoint = endpoints.get(instance);
  if (endpoint === undefined) {
    endpoint = new Endpoint(role);
    endpoints.set(instance, endpoint);
  }
  return endpoint.refresh(instance);
}
