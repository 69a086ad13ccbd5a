import {
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  currentToolInvocation,
  errorTypeOf,
  getCorrelationId,
  type ToolInvocation,
  withTool,
} from '@toolscope/instrumentation';
import { logger } from './diag.ts';
import type { JsonRpcRequestLike, PatchHooks, ProtocolLike } from './internal-types.ts';
import { isInstrumentedRequest, withTraceContext } from './propagation.ts';
import {
  describeRequest,
  isJsonRpcRequest,
  isToolErrorResult,
  jsonRpcCode,
  negotiatedVersions,
  type RequestDescription,
  recordFailure,
} from './request-attributes.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_SESSION_ID,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ATTR_TOOLSCOPE_CORRELATION_ID,
  ERROR_TYPE_VALUE_TOOL_ERROR,
  MCP_METHOD_NAME_VALUE_INITIALIZE,
} from './semconv.ts';
import { observe } from './settle.ts';

type RequestFn = (this: ProtocolLike, request: unknown, ...rest: unknown[]) => unknown;

/**
 * Enclosing `execute_tool` invocations that already took the MCP attributes of a `tools/call`,
 * with the MCP tool's name: a later call of the same tool (a retry) merges again; a call of
 * another tool gets its own span.
 */
const mergedInto = new WeakMap<ToolInvocation, string>();

function sessionIdOf(instance: ProtocolLike): unknown {
  return instance.transport?.sessionId;
}

function protocolVersionOf(instance: ProtocolLike): unknown {
  return negotiatedVersions.get(instance) ?? instance.transport?.protocolVersion;
}

/**
 * Wraps `Protocol.request` (what `Client.callTool`, `listTools`, `readResource`, ... call): every
 * request gets a CLIENT span `{mcp.method.name} {target}` and carries the trace context in
 * `params._meta`. A `tools/call` is a tool invocation of `@toolscope/instrumentation` (span
 * renamed `tools/call {tool}`, kind CLIENT, type `extension`), so it feeds the tool duration
 * histogram and the success rate; inside an `execute_tool` span it enriches that span instead.
 */
export function createTracedRequest(original: RequestFn, hooks: PatchHooks): RequestFn {
  return function tracedRequest(this: ProtocolLike, request: unknown, ...rest: unknown[]): unknown {
    if (!hooks.isEnabled() || !isJsonRpcRequest(request) || isInstrumentedRequest(request)) {
      return original.call(this, request, ...rest);
    }
    let description: RequestDescription;
    try {
      description = describeRequest(
        request,
        this._requestMessageId,
        sessionIdOf(this),
        protocolVersionOf(this),
      );
    } catch (err) {
      logger.error('describing an MCP request failed; sent untraced', err);
      return original.call(this, request, ...rest);
    }
    const send = (ctx: Context): unknown =>
      original.call(this, withTraceContext(request, ctx), ...rest);
    const toolName = description.toolName;
    if (toolName !== undefined) {
      const outer = currentToolInvocation();
      if (outer !== undefined) {
        const merged = mergedInto.get(outer);
        if (merged === undefined || merged === toolName) {
          return callInsideInvocation(outer, toolName, description, send);
        }
      }
      return callAsTool(toolName, description, send);
    }
    return callWithSpan(this, hooks, request, description, send);
  };
}

/** Invocations whose current failure verdict came from an MCP `isError` result. */
const failedByMcp = new WeakSet<ToolInvocation>();

/** A `tools/call` inside a user's `execute_tool` span: enrich that span, make no other. */
function callInsideInvocation(
  invocation: ToolInvocation,
  toolName: string,
  description: RequestDescription,
  send: (ctx: Context) => unknown,
): unknown {
  try {
    invocation.setAttributes(description.mcpAttributes);
    mergedInto.set(invocation, toolName);
  } catch (err) {
    logger.error('enriching the enclosing execute_tool span failed; ignored', err);
  }
  return observe(
    send(context.active()),
    (result) => {
      // The verdict of the last attempt stands: a retry that succeeds clears the failure an
      // earlier isError attempt set (but never one the user's code set itself).
      if (isToolErrorResult(result)) {
        invocation.fail(ERROR_TYPE_VALUE_TOOL_ERROR);
        failedByMcp.add(invocation);
      } else if (failedByMcp.delete(invocation)) {
        invocation.clearFailure();
      }
    },
    (err) => {
      const code = jsonRpcCode(err);
      if (code !== undefined) {
        invocation.setAttributes({ [ATTR_RPC_RESPONSE_STATUS_CODE]: String(code) });
      }
    },
  );
}

/** A standalone `tools/call`: one tool invocation of the core, as a CLIENT span. */
function callAsTool(
  toolName: string,
  description: RequestDescription,
  send: (ctx: Context) => unknown,
): unknown {
  return withTool(
    {
      name: toolName,
      type: 'extension',
      kind: SpanKind.CLIENT,
      attributes: description.attributes,
      // The MCP result object is not a cheap size; never walk it.
      outputSize: () => undefined,
    },
    (invocation) => {
      invocation.span.updateName(description.spanName);
      return observe(
        send(context.active()),
        (result) => {
          if (isToolErrorResult(result)) invocation.fail(ERROR_TYPE_VALUE_TOOL_ERROR);
        },
        (err) => {
          const code = jsonRpcCode(err);
          if (code !== undefined) {
            invocation.setAttributes({ [ATTR_RPC_RESPONSE_STATUS_CODE]: String(code) });
          }
        },
      );
    },
  );
}

/** Any other request (`initialize`, `tools/list`, `resources/read`, `prompts/get`, ...). */
function callWithSpan(
  instance: ProtocolLike,
  hooks: PatchHooks,
  request: JsonRpcRequestLike,
  description: RequestDescription,
  send: (ctx: Context) => unknown,
): unknown {
  let span: Span;
  let ctx: Context;
  try {
    const parent = context.active();
    span = hooks
      .getTracer()
      .startSpan(
        description.spanName,
        { kind: SpanKind.CLIENT, attributes: description.attributes },
        parent,
      );
    const correlationId = getCorrelationId(parent);
    if (correlationId !== undefined)
      span.setAttribute(ATTR_TOOLSCOPE_CORRELATION_ID, correlationId);
    ctx = trace.setSpan(parent, span);
  } catch (err) {
    logger.error('starting an MCP client span failed; sent untraced', err);
    return send(context.active());
  }
  let pending: unknown;
  try {
    pending = context.with(ctx, () => send(ctx));
  } catch (err) {
    endFailed(span, err);
    throw err;
  }
  return observe(
    pending,
    (result) => {
      if (request.method === MCP_METHOD_NAME_VALUE_INITIALIZE) noteInitialized(instance, result);
      completeAttributes(instance, span);
      if (isToolErrorResult(result)) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute(ATTR_ERROR_TYPE, ERROR_TYPE_VALUE_TOOL_ERROR);
      }
      span.end();
    },
    (err) => endFailed(span, err),
  );
}

function endFailed(span: Span, err: unknown): void {
  try {
    recordFailure(span, err, errorTypeOf(err));
    span.end();
  } catch (e) {
    logger.error('ending an MCP client span failed; ignored', e);
  }
}

/** `initialize` answers the protocol version; later spans of this client carry it. */
function noteInitialized(instance: ProtocolLike, result: unknown): void {
  const version = (result as { protocolVersion?: unknown } | undefined)?.protocolVersion;
  if (typeof version === 'string' && version !== '') negotiatedVersions.set(instance, version);
}

/** Session and protocol version can first be known when the response arrives (`initialize`). */
function completeAttributes(instance: ProtocolLike, span: Span): void {
  const session = sessionIdOf(instance);
  if (typeof session === 'string' && session !== '')
    span.setAttribute(ATTR_MCP_SESSION_ID, session);
  const version = protocolVersionOf(instance);
  if (typeof version === 'string' && version !== '') {
    span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, version);
  }
}
