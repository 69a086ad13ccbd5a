import {
  type Context,
  context,
  isSpanContextValid,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { getCorrelationId } from '@toolscope/instrumentation';
import { logger } from './diag.ts';
import type {
  HandlerExtraLike,
  JsonRpcRequestLike,
  PatchHooks,
  ProtocolLike,
} from './internal-types.ts';
import { isTraced, markTraced } from './patch.ts';
import { extractTraceContext } from './propagation.ts';
import {
  describeRequest,
  isJsonRpcRequest,
  isToolErrorResult,
  jsonRpcCode,
  negotiatedVersions,
  recordFailure,
} from './request-attributes.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ATTR_TOOLSCOPE_CORRELATION_ID,
  ERROR_TYPE_VALUE_TOOL_ERROR,
  MCP_METHOD_NAME_VALUE_INITIALIZE,
  META_KEY_PROTOCOL_VERSION,
} from './semconv.ts';
import { observe } from './settle.ts';

/** JSON-RPC "Internal error": what the SDK answers for a thrown value without a code. */
const INTERNAL_ERROR = -32603;

type OnRequestFn = (this: ProtocolLike, request: unknown, extra?: unknown) => unknown;
type HandlerFn = (this: unknown, request: unknown, extra?: unknown) => unknown;

/**
 * Wraps `Protocol._onrequest` (where a server dispatches every incoming request): before the
 * SDK looks the handler up, the handler registered for the method is replaced, once, by a traced
 * one. Handlers registered at any time (before or after patching, by `McpServer` or by
 * `setRequestHandler`) are covered, and a handler is never wrapped twice.
 */
export function createTracedOnRequest(original: OnRequestFn, hooks: PatchHooks): OnRequestFn {
  return function tracedOnRequest(this: ProtocolLike, request: unknown, extra?: unknown): unknown {
    if (hooks.isEnabled() && isJsonRpcRequest(request)) {
      try {
        traceHandlerOf(this, request.method, hooks);
      } catch (err) {
        logger.error('wrapping an MCP request handler failed; handled untraced', err);
      }
    }
    return original.call(this, request, extra);
  };
}

function traceHandlerOf(instance: ProtocolLike, method: string, hooks: PatchHooks): void {
  const handlers = instance._requestHandlers;
  if (handlers instanceof Map) {
    const handler: unknown = handlers.get(method);
    if (typeof handler === 'function') {
      if (!isTraced(handler)) {
        handlers.set(method, traceHandler(instance, handler as HandlerFn, hooks));
      }
      return;
    }
  }
  const fallback = instance.fallbackRequestHandler;
  if (typeof fallback === 'function' && !isTraced(fallback)) {
    instance.fallbackRequestHandler = traceHandler(instance, fallback as HandlerFn, hooks);
  }
}

/**
 * A SERVER span around one handler call, parented by the context found in `params._meta`
 * (linked to the ambient context, such as the transport's HTTP span, when both exist).
 */
function traceHandler(instance: ProtocolLike, handler: HandlerFn, hooks: PatchHooks): HandlerFn {
  const traced = function (this: unknown, request: unknown, extra?: unknown): unknown {
    if (!hooks.isEnabled() || !isJsonRpcRequest(request)) {
      return handler.call(this, request, extra);
    }
    let span: Span;
    let ctx: Context;
    try {
      ({ span, ctx } = startServerSpan(instance, request, extra as HandlerExtraLike, hooks));
    } catch (err) {
      logger.error('starting an MCP server span failed; handled untraced', err);
      return handler.call(this, request, extra);
    }
    let pending: unknown;
    try {
      pending = context.with(ctx, () => handler.call(this, request, extra));
    } catch (err) {
      endFailed(span, err);
      throw err;
    }
    return observe(
      pending,
      (result) => {
        if (request.method === MCP_METHOD_NAME_VALUE_INITIALIZE) {
          const version = (result as { protocolVersion?: unknown } | undefined)?.protocolVersion;
          if (typeof version === 'string' && version !== '') {
            negotiatedVersions.set(instance, version);
            span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, version);
          }
        }
        if (isToolErrorResult(result)) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.setAttribute(ATTR_ERROR_TYPE, ERROR_TYPE_VALUE_TOOL_ERROR);
        }
        span.end();
      },
      (err) => endFailed(span, err),
    );
  };
  return markTraced(traced, handler);
}

function startServerSpan(
  instance: ProtocolLike,
  request: JsonRpcRequestLike,
  extra: HandlerExtraLike | undefined,
  hooks: PatchHooks,
): { span: Span; ctx: Context } {
  const ambient = context.active();
  const parent = extractTraceContext(request, ambient);
  const description = describeRequest(
    request,
    request.id,
    extra?.sessionId,
    protocolVersionOf(instance, request, extra),
  );
  let links: Link[] | undefined;
  const ambientSpan = trace.getSpanContext(ambient);
  if (
    parent !== ambient &&
    ambientSpan !== undefined &&
    isSpanContextValid(ambientSpan) &&
    trace.getSpanContext(parent) !== ambientSpan
  ) {
    links = [{ context: ambientSpan }];
  }
  const span = hooks
    .getTracer()
    .startSpan(
      description.spanName,
      { kind: SpanKind.SERVER, attributes: description.attributes, links },
      parent,
    );
  const correlationId = getCorrelationId(parent);
  if (correlationId !== undefined) span.setAttribute(ATTR_TOOLSCOPE_CORRELATION_ID, correlationId);
  return { span, ctx: trace.setSpan(parent, span) };
}

/**
 * The protocol version of a request: negotiated by `initialize` on this instance, else
 * declared by the request itself (stateless MCP `_meta`, or the HTTP `mcp-protocol-version`).
 */
function protocolVersionOf(
  instance: ProtocolLike,
  request: JsonRpcRequestLike,
  extra: HandlerExtraLike | undefined,
): unknown {
  const negotiated = negotiatedVersions.get(instance);
  if (negotiated !== undefined) return negotiated;
  const declared = request.params?._meta?.[META_KEY_PROTOCOL_VERSION];
  if (typeof declared === 'string') return declared;
  if (request.method === MCP_METHOD_NAME_VALUE_INITIALIZE) return undefined;
  const header = extra?.requestInfo?.headers?.['mcp-protocol-version'];
  return Array.isArray(header) ? header[0] : header;
}

/** `error.type` is the JSON-RPC error code the SDK answers with (`-32603` without a code). */
function endFailed(span: Span, err: unknown): void {
  try {
    const code = String(jsonRpcCode(err) ?? INTERNAL_ERROR);
    recordFailure(span, err, code);
    span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, code);
    span.end();
  } catch (e) {
    logger.error('ending an MCP server span failed; ignored', e);
  }
}
