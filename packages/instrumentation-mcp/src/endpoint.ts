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
  MCP_PROTOCOL_VERSION_FIRST_STATELESS,
} from '@toolscope/instrumentation/internal';
import { type Connection, connectionOf } from './connection.ts';
import type { ProtocolLike, Role } from './internal-types.ts';

const UNSEEN: unique symbol = Symbol('unseen');

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
