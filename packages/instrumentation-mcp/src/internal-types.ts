import type { Tracer } from '@opentelemetry/api';

/** A JSON-RPC request or notification as the MCP SDK passes it around. */
export interface JsonRpcMessageLike {
  method: string;
  id?: unknown;
  params?: {
    _meta?: Record<string, unknown>;
    name?: unknown;
    uri?: unknown;
    protocolVersion?: unknown;
    requestId?: unknown;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** What this package reads from a transport (fields vary by transport and SDK line). */
export interface TransportLike {
  sessionId?: unknown;
  protocolVersion?: unknown;
  [key: string]: unknown;
}

/**
 * The parts of the SDK's `Protocol` (the base of `Client` and `Server`, 1.x and 2.x) this
 * package touches.
 */
export interface ProtocolLike {
  request?: unknown;
  notification?: unknown;
  _requestWithSchemaViaCodec?: unknown;
  _notificationViaCodec?: unknown;
  _onrequest?: unknown;
  _onnotification?: unknown;
  _requestHandlers?: unknown;
  _notificationHandlers?: unknown;
  _requestMessageId?: unknown;
  /** 2.x: the protocol version negotiated for the connection, on both sides. */
  _negotiatedProtocolVersion?: unknown;
  fallbackRequestHandler?: unknown;
  fallbackNotificationHandler?: unknown;
  /** The abort controllers of the requests being handled, by JSON-RPC id (1.x and 2.x). */
  _requestHandlerAbortControllers?: unknown;
  /** 2.x: the wire codec of the negotiated era (it maps error codes on the way out). */
  _negotiatedWireCodec?: unknown;
  transport?: TransportLike | undefined;
}

/** What the second argument of a request handler carries (1.x `extra`, 2.x `ctx`). */
export interface HandlerExtraLike {
  /** 1.x `extra.sessionId`, 2.x `ctx.sessionId`. */
  sessionId?: unknown;
  /** 1.x (from 1.1x): the HTTP request's headers, lower-case keys. */
  requestInfo?: { headers?: Record<string, unknown> };
  /** 2.x: the Web `Request` of a Streamable HTTP message. */
  http?: { req?: { headers?: unknown } };
  /** 1.x abort signal of the request. */
  signal?: unknown;
  /** 2.x: the request's own context (its abort signal). */
  mcpReq?: { signal?: unknown };
}

/** Which side of the SDK a patched object is: a `Client` or a `Server`. */
export type Role = 'client' | 'server';

/** How a patch reaches its tracer and learns whether it is still switched on. */
export interface PatchHooks {
  /** The tracer in force, looked up on every call. */
  tracer(): Tracer;
  isEnabled(): boolean;
}
