/**
 * Requests and notifications a client or a server receives: a SERVER span around the handler
 * (the conventions' receiver side, whichever role receives: a server handling `tools/call`, a
 * client handling `sampling/createMessage`), parented by the context in `params._meta` (with
 * the HTTP headers' context as the fallback on Streamable HTTP), and a point on
 * `mcp.server.operation.duration`.
 *
 * The SDK dispatches through `_onrequest` / `_onnotification`; their wrappers replace the
 * handler registered for the method, once, by a traced one before the SDK looks it up, so
 * handlers registered at any time (by `McpServer`, `setRequestHandler`, the SDK itself) are
 * covered and never wrapped twice. Messages the SDK answers without a handler (unknown
 * methods, era mismatches) make no span: a peer cannot mint span names that way.
 */
import { type Context, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import {
  applyCorrelation,
  boundName,
  callSeconds,
  clockFor,
  getRecorders,
  isMetricName,
  recordError,
} from '@toolscope/instrumentation/internal';
import { logger } from './diag.ts';
import { type Endpoint, endpointOf } from './endpoint.ts';
import type {
  HandlerExtraLike,
  JsonRpcMessageLike,
  PatchHooks,
  ProtocolLike,
  Role,
} from './internal-types.ts';
import { type MetricTarget, operationAttributes, recordDuration } from './metrics.ts';
import {
  describeOperation,
  isJsonRpcMessage,
  isToolErrorResult,
  isToolRefusalResult,
  jsonRpcCode,
  markFailed,
  nonEmpty,
  type Operation,
  setRequestAttributes,
  withToolAttributes,
} from './operation.ts';
import { isTraced, markTraced } from './patch.ts';
import { extractIncoming } from './propagation.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ERROR_TYPE_VALUE_OTHER,
  ERROR_TYPE_VALUE_TOOL_ERROR,
  JSONRPC_ERROR_CODE_INTERNAL,
  MCP_METHOD_NAME_VALUE_INITIALIZE,
  MCP_METHOD_NAME_VALUE_NOTIFICATIONS_CANCELLED,
  MCP_METHOD_NAME_VALUE_PROMPTS_GET,
  MCP_METHOD_NAME_VALUE_PROMPTS_LIST,
  MCP_METHOD_NAME_VALUE_TOOLS_CALL,
  MCP_METHOD_NAME_VALUE_TOOLS_LIST,
  META_KEY_PROTOCOL_VERSION,
} from './semconv.ts';
import { observe, type Settlement } from './settle.ts';

type DispatchFn = (this: ProtocolLike, message: unknown, extra?: unknown) => unknown;
type HandlerFn = (this: unknown, message: unknown, extra?: unknown) => unknown;

type Kind = 'request' | 'notification';

const TABLES = {
  request: { map: '_requestHandlers', fallback: 'fallbackRequestHandler' },
  notification: { map: '_notificationHandlers', fallback: 'fallbackNotificationHandler' },
} as const;

/**
 * Wraps `_onrequest` (`kind` request) or `_onnotification` (`kind` notification): before the
 * SDK looks the handler up, the one registered for the method is replaced by a traced one.
 */
export function createTracedDispatch(
  original: DispatchFn,
  hooks: PatchHooks,
  role: Role,
  kind: Kind,
): DispatchFn {
  return function tracedDispatch(this: ProtocolLike, message: unknown, extra?: unknown): unknown {
    if (hooks.isEnabled() && isJsonRpcMessage(message)) {
      try {
        traceHandlerOf(this, message.method, hooks, role, kind);
      } catch (err) {
        logger.error(`wrapping an MCP ${kind} handler failed; handled untraced`, err);
      }
    }
    return original.call(this, message, extra);
  };
}

function traceHandlerOf(
  instance: ProtocolLike,
  method: string,
  hooks: PatchHooks,
  role: Role,
  kind: Kind,
): void {
  const table = TABLES[kind];
  const handlers = instance[table.map];
  if (handlers instanceof Map) {
    const handler: unknown = handlers.get(method);
    if (typeof handler === 'function') {
      if (!isTraced(handler)) {
        handlers.set(
          method,
          traceHandler(instance, handler as HandlerFn, hooks, role, kind, false),
        );
      }
      return;
    }
  }
  const fallback = instance[table.fallback];
  if (typeof fallback === 'function' && !isTraced(fallback)) {
    instance[table.fallback] = traceHandler(
      instance,
      fallback as HandlerFn,
      hooks,
      role,
      kind,
      true,
    );
  }
}

/** One received message being handled; told when the handler settles. */
class Handling implements Settlement {
  readonly instance: ProtocolLike;
  readonly endpoint: Endpoint;
  readonly message: JsonRpcMessageLike;
  readonly op: Operation;
  /** The message's protocol version, when it declares one the endpoint did not negotiate. */
  version: string | undefined;
  readonly span: Span;
  readonly ctx: Context;
  readonly startMs: number;
  /** Served by the fallback handler: the method is the peer's, `_OTHER` on metrics. */
  readonly fallback: boolean;

  constructor(
    instance: ProtocolLike,
    endpoint: Endpoint,
    message: JsonRpcMessageLike,
    op: Operation,
    version: string | undefined,
    span: Span,
    ctx: Context,
    startMs: number,
    fallback: boolean,
  ) {
    this.instance = instance;
    this.endpoint = endpoint;
    this.message = message;
    this.op = op;
    this.version = version;
    this.span = span;
    this.ctx = ctx;
    this.startMs = startMs;
    this.fallback = fallback;
  }

  settled(result: unknown): void {
    endOk(this, result);
  }

  failed(err: unknown): void {
    endFailed(this, err);
  }
}

function traceHandler(
  instance: ProtocolLike,
  handler: HandlerFn,
  hooks: PatchHooks,
  role: Role,
  kind: Kind,
  fallback: boolean,
): HandlerFn {
  const isRequest = kind === 'request';
  const traced = function (this: unknown, message: unknown, extra?: unknown): unknown {
    if (!hooks.isEnabled() || !isJsonRpcMessage(message)) {
      return handler.call(this, message, extra);
    }
    let h: Handling;
    try {
      h = startHandling(instance, message, isRequest ? extra : undefined, hooks, role, fallback);
    } catch (err) {
      logger.error('starting an MCP server span failed; handled untraced', err);
      return handler.call(this, message, extra);
    }
    let pending: unknown;
    try {
      pending = context.with(h.ctx, handler, this, message, extra);
    } catch (err) {
      endFailed(h, err);
      throw err;
    }
    return observe(pending, h);
  };
  return markTraced(traced, handler);
}

/** The HTTP headers of a Streamable HTTP request: 2.x `ctx.http.req`, 1.x `extra.requestInfo`. */
function headersOf(extra: HandlerExtraLike | undefined): unknown {
  if (extra === undefined || extra === null || typeof extra !== 'object') return undefined;
  return extra.http?.req?.headers ?? extra.requestInfo?.headers;
}

function headerValue(headers: unknown, name: string): unknown {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  const value =
    typeof get === 'function'
      ? get.call(headers, name)
      : (headers as Record<string, unknown>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The protocol version a received message declares when the connection negotiated none (a
 * stateless request: the `_meta` key, or the `mcp-protocol-version` header), bounded.
 */
function declaredVersion(
  endpoint: Endpoint,
  message: JsonRpcMessageLike,
  headers: unknown,
): string | undefined {
  if (endpoint.version !== undefined || message.method === MCP_METHOD_NAME_VALUE_INITIALIZE) {
    return endpoint.version;
  }
  const declared =
    nonEmpty(message.params?._meta?.[META_KEY_PROTOCOL_VERSION]) ??
    nonEmpty(headerValue(headers, 'mcp-protocol-version'));
  return declared === undefined ? undefined : boundName(declared, 'mcp.protocol.version');
}

function startHandling(
  instance: ProtocolLike,
  message: JsonRpcMessageLike,
  extra: unknown,
  hooks: PatchHooks,
  role: Role,
  fallback: boolean,
): Handling {
  const headers = headersOf(extra as HandlerExtraLike | undefined);
  const endpoint = endpointOf(instance, role);
  const version = declaredVersion(endpoint, message, headers);
  const isRequest = extra !== undefined || message.id !== undefined;
  const op = describeOperation(message, isRequest ? message.id : undefined, endpoint, version);
  const meta = message.params?._meta;
  const ambient =
    message.method === MCP_METHOD_NAME_VALUE_NOTIFICATIONS_CANCELLED
      ? cancelledRequestContext(instance, message)
      : context.active();
  const { parent, links } = extractIncoming(meta, headers, ambient);
  const span = hooks
    .tracer()
    .startSpan(
      op.spanName,
      { kind: SpanKind.SERVER, attributes: withToolAttributes(op), links },
      parent,
    );
  const startMs = clockFor(span);
  setRequestAttributes(span, op);
  applyCorrelation(span, parent);
  if (isRequest) markRequestSignal(extra as HandlerExtraLike | undefined, span);
  return new Handling(
    instance,
    endpoint,
    message,
    op,
    version,
    span,
    trace.setSpan(parent, span),
    startMs,
    fallback,
  );
}

/**
 * The SERVER span of a request being handled, kept on the request's abort signal (1.x
 * `extra.signal`, 2.x `ctx.mcpReq.signal`): the SDK keeps the signal's controller by JSON-RPC
 * id exactly while the handler runs, so a cancellation finds the span without a map of ours.
 */
const REQUEST_SPAN = Symbol('toolscope.mcp.request-span');

function markRequestSignal(extra: HandlerExtraLike | undefined, span: Span): void {
  if (extra === undefined || extra === null || typeof extra !== 'object') return;
  const signal = extra.signal ?? extra.mcpReq?.signal;
  if (signal !== null && typeof signal === 'object') {
    (signal as Record<symbol, unknown>)[REQUEST_SPAN] = span;
  }
}

/**
 * A `notifications/cancelled` names the request it cancels: while that request is being
 * handled, the cancellation is handled under its SERVER span (the SDK sends cancellations
 * without `_meta`).
 */
function cancelledRequestContext(instance: ProtocolLike, message: JsonRpcMessageLike): Context {
  const controllers = instance._requestHandlerAbortControllers;
  const controller =
    controllers instanceof Map ? controllers.get(message.params?.requestId) : undefined;
  const span = (controller?.signal as Record<symbol, unknown> | undefined)?.[REQUEST_SPAN] as
    | Span
    | undefined;
  return span === undefined ? context.active() : trace.setSpan(context.active(), span);
}

const OTHER_TARGET: MetricTarget = {
  method: ERROR_TYPE_VALUE_OTHER,
  toolName: undefined,
  promptName: undefined,
  metricKey: ERROR_TYPE_VALUE_OTHER,
};
const OTHER_TOOL: MetricTarget = {
  method: MCP_METHOD_NAME_VALUE_TOOLS_CALL,
  toolName: ERROR_TYPE_VALUE_OTHER,
  promptName: undefined,
  metricKey: `${MCP_METHOD_NAME_VALUE_TOOLS_CALL}\u0000${ERROR_TYPE_VALUE_OTHER}`,
};
const OTHER_PROMPT: MetricTarget = {
  method: MCP_METHOD_NAME_VALUE_PROMPTS_GET,
  toolName: undefined,
  promptName: ERROR_TYPE_VALUE_OTHER,
  metricKey: `${MCP_METHOD_NAME_VALUE_PROMPTS_GET}\u0000${ERROR_TYPE_VALUE_OTHER}`,
};

/**
 * What a handled operation is recorded as. The tool or prompt name comes from the peer. A
 * handler that answered with a result (success, or a tool's `isError` result) served a real
 * tool or prompt: its name takes its place in the core's name guard. A call the SDK refused (a
 * JSON-RPC error, or 1.x's `Tool … not found` result) keeps its name only when this server's
 * own `tools/list` / `prompts/list` named it or the name already has its place; otherwise it is
 * `_OTHER`, so made-up names never crowd out real ones, the server's or the process's own.
 */
function metricTarget(h: Handling, answered: boolean): MetricTarget {
  if (h.fallback) return OTHER_TARGET;
  const op = h.op;
  const name = op.toolName ?? op.promptName;
  if (name === undefined || answered) return op;
  if (h.endpoint.advertised.has(op.metricKey) || isMetricName(name)) return op;
  return op.toolName !== undefined ? OTHER_TOOL : OTHER_PROMPT;
}

/** Ends the span and records the operation; `answered`: see `metricTarget`. */
function finish(
  h: Handling,
  errorType: string | undefined,
  statusCode: string | undefined,
  answered: boolean,
): void {
  h.span.end();
  try {
    recordDuration(
      getRecorders().mcpServerOperation,
      callSeconds(h.span, h.startMs),
      operationAttributes(h.endpoint, metricTarget(h, answered), errorType, statusCode, h.version),
    );
  } catch (err) {
    logger.error('recording an MCP server operation failed; ignored', err);
  }
}

function endOk(h: Handling, result: unknown): void {
  const method = h.message.method;
  if (method === MCP_METHOD_NAME_VALUE_TOOLS_LIST) {
    h.endpoint.noteListed(result, 'tools', MCP_METHOD_NAME_VALUE_TOOLS_CALL);
  } else if (method === MCP_METHOD_NAME_VALUE_PROMPTS_LIST) {
    h.endpoint.noteListed(result, 'prompts', MCP_METHOD_NAME_VALUE_PROMPTS_GET);
  }
  if (method === MCP_METHOD_NAME_VALUE_INITIALIZE) {
    h.endpoint.noteInitialized(result);
    const version = h.endpoint.refresh(h.instance).version;
    if (version !== undefined) {
      h.span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, version);
      h.version = version;
    }
  }
  let errorType: string | undefined;
  let answered = true;
  if (isToolErrorResult(result)) {
    errorType = ERROR_TYPE_VALUE_TOOL_ERROR;
    markFailed(h.span, errorType);
    answered = !isToolRefusalResult(result);
  }
  finish(h, errorType, undefined, answered);
}

/**
 * The code the SDK puts on the wire for a handler that threw `code`: 2.x maps some codes per
 * protocol era through its codec (a thrown `-32002` is answered `-32602`); 1.x sends it as is.
 */
function wireCode(instance: ProtocolLike, code: number): number {
  try {
    const codecOf = instance._negotiatedWireCodec;
    if (typeof codecOf !== 'function') return code;
    const encode = (codecOf.call(instance) as { encodeErrorCode?: unknown } | undefined)
      ?.encodeErrorCode;
    if (typeof encode !== 'function') return code;
    const encoded: unknown = encode(code);
    return typeof encoded === 'number' && Number.isSafeInteger(encoded) ? encoded : code;
  } catch {
    return code;
  }
}

/** `error.type` is the JSON-RPC error code the SDK answers with (`-32603` without a code). */
function endFailed(h: Handling, err: unknown): void {
  try {
    const code = String(wireCode(h.instance, jsonRpcCode(err) ?? JSONRPC_ERROR_CODE_INTERNAL));
    recordError(h.span, err);
    h.span.setAttribute(ATTR_ERROR_TYPE, code);
    h.span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, code);
    finish(h, code, code, false);
  } catch (e) {
    logger.error('ending an MCP server span failed; ignored', e);
  }
}
