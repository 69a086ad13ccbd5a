/**
 * The duration of a session (`mcp.client.session.duration` / `mcp.server.session.duration`):
 * from `connect` to the transport closing, or to `connect` failing. Stateless sessions have
 * none: the 2026-07-28 revision, and HTTP without a session id (a server answering each
 * request with a fresh instance, or a client of such a server).
 */
import { getRecorders } from '@toolscope/instrumentation/internal';
import { logger } from './diag.ts';
import { endpointOf } from './endpoint.ts';
import type { PatchHooks, ProtocolLike, Role } from './internal-types.ts';
import { recordDuration, sessionAttributes } from './metrics.ts';
import { operationErrorType } from './operation.ts';
import { observe } from './settle.ts';

/** When each connected client or server called `connect` (performance.now() ms). */
const started = new WeakMap<object, number>();

function recordSession(
  instance: ProtocolLike,
  role: Role,
  startMs: number,
  errorType: string | undefined,
): void {
  const endpoint = endpointOf(instance, role);
  if (endpoint.stateless) return;
  if (endpoint.connection.http && endpoint.session === undefined && errorType === undefined) {
    return;
  }
  const recorders = getRecorders();
  recordDuration(
    role === 'client' ? recorders.mcpClientSession : recorders.mcpServerSession,
    (performance.now() - startMs) / 1000,
    sessionAttributes(endpoint, errorType),
  );
}

type Fn = (this: ProtocolLike, ...args: unknown[]) => unknown;

/** Wraps `connect`: the session starts; a connection that fails is a session that failed. */
export function createTracedConnect(original: Fn, hooks: PatchHooks, role: Role): Fn {
  return function tracedConnect(this: ProtocolLike, ...args: unknown[]): unknown {
    if (!hooks.isEnabled()) return original.apply(this, args);
    const startMs = performance.now();
    started.set(this, startMs);
    return observe(original.apply(this, args), {
      settled() {},
      failed: (err) => {
        if (started.get(this) !== startMs) return;
        started.delete(this);
        recordSession(this, role, startMs, operationErrorType(err));
      },
    });
  };
}

/** Wraps `_onclose` (the transport closed, for whatever reason): the session ends. */
export function createTracedOnClose(original: Fn, hooks: PatchHooks, role: Role): Fn {
  return function tracedOnClose(this: ProtocolLike, ...args: unknown[]): unknown {
    const startMs = started.get(this);
    if (startMs !== undefined) {
      started.delete(this);
      if (hooks.isEnabled()) {
        try {
          // Before the SDK forgets the transport.
          recordSession(this, role, startMs, undefined);
        } catch (err) {
          logger.error('recording an MCP session failed; ignored', err);
        }
      }
    }
    return original.apply(this, args);
  };
}
