import type { Tracer } from '@opentelemetry/api';

/** A JSON-RPC request as the MCP SDK passes it around (`Protocol.request`, `_onrequest`). */
export interface JsonRpcRequestLike {
  method: string;
  id?: string | number;
  params?: {
    _meta?: Record<string, unknown>;
    name?: unknown;
    uri?: unknown;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** The parts of the SDK's `Protocol` (the base of `Client` and `Server`) this package touches. */
export interface ProtocolLike {
  request?: (request: unknown, ...rest: unknown[]) => unknown;
  _onrequest?: (request: unknown, extra?: unknown) => unknown;
  _requestHandlers?: unknown;
  _requestMessageId?: unknown;
  fallbackRequestHandler?: unknown;
  transport?: { sessionId?: unknown; protocolVersion?: unknown } | undefined;
}

/** What the `extra` argument of a request handler carries (fields vary across SDK versions). */
export interface HandlerExtraLike {
  sessionId?: unknown;
  requestInfo?: { headers?: Record<string, unknown> };
}

/** How a patch reaches its tracer and learns whether it is still switched on. */
export interface PatchHooks {
  getTracer(): Tracer;
  isEnabled(): boolean;
}
