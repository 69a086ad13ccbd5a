/**
 * Requests and notifications a client or a server sends: a CLIENT span each (the conventions'
 * sender side, whichever role sends), the trace context and baggage injected into
 * `params._meta`, and a point on `mcp.client.operation.duration`. A `tools/call` is a tool call
 * of the core (`startToolCall`): it feeds `gen_ai.execute_tool.duration`, and under the core's
 * adoption rule it joins or adopts the `execute_tool` span a wrapper or a framework integration
 * already opened for the same tool instead of opening a second span.
 */
import { type Context, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { ToolInvocation } from '@toolscope/instrumentation';
import {
  applyCorrelation,
  callSeconds,
  clockFor,
  frameworkToolSpec,
  getRecorders,
  recordError,
  startToolCall,
  type ToolCallHandle,
  type ToolCallSpec,
} from '@toolscope/instrumentation/internal';
import { logger } from './diag.ts';
import { type Endpoint, endpointOf } from './endpoint.ts';
import type { JsonRpcMessageLike, PatchHooks, ProtocolLike, Role } from './internal-types.ts';
import { operationAttributes, recordDuration } from './metrics.ts';
import {
  describeOperation,
  isJsonRpcMessage,
  isToolErrorResult,
  markFailed,
  type Operation,
  operationErrorType,
  setRequestAttributes,
  statusCodeOf,
  withToolAttributes,
} from './operation.ts';
import { isInstrumentedRequest, withTraceContext } from './propagation.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_SESSION_ID,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ERROR_TYPE_VALUE_TOOL_ERROR,
  MCP_METHOD_NAME_VALUE_INITIALIZE,
} from './semconv.ts';
import { observe, type Settlement } from './settle.ts';

/** The SDK's send functions: `request`, `notification` (1.x, 2.x client) or the 2.x funnels. */
export type SendFn = (
  this: ProtocolLike,
  a0?: unknown,
  a1?: unknown,
  a2?: unknown,
  a3?: unknown,
) => unknown;

/** Where a send function takes its message: first argument, or second (after the codec). */
export type MessageArg = 0 | 1;

/** One message being sent: what it is, and how to hand it to the SDK. */
class Sending {
  /** The operation's own clock (`startClock`). */
  private startMs = Number.NaN;
  readonly instance: ProtocolLike;
  readonly hooks: PatchHooks;
  readonly endpoint: Endpoint;
  readonly message: JsonRpcMessageLike;
  readonly op: Operation;
  private readonly original: SendFn;
  /** The caller's arguments; the message is `a0` (`arg` 0) or `a1` (`arg` 1). */
  private readonly a0: unknown;
  private readonly a1: unknown;
  private readonly a2: unknown;
  private readonly a3: unknown;
  private readonly arg: MessageArg;

  constructor(
    instance: ProtocolLike,
    hooks: PatchHooks,
    endpoint: Endpoint,
    message: JsonRpcMessageLike,
    op: Operation,
    original: SendFn,
    arg: MessageArg,
    a0: unknown,
    a1: unknown,
    a2: unknown,
    a3: unknown,
  ) {
    this.instance = instance;
    this.hooks = hooks;
    this.endpoint = endpoint;
    this.message = message;
    this.op = op;
    this.original = original;
    this.arg = arg;
    this.a0 = a0;
    this.a1 = a1;
    this.a2 = a2;
    this.a3 = a3;
  }

  /** Calls the SDK's function with `message` in place of the caller's. */
  send(message: unknown): unknown {
    return this.arg === 0
      ? this.original.call(this.instance, message, this.a1, this.a2, this.a3)
      : this.original.call(this.instance, this.a0, message, this.a2, this.a3);
  }

  /** Sends `message` with `ctx` active and injected into `_meta`. */
  sendIn(ctx: Context): unknown {
    return context.with(ctx, this.send, this, withTraceContext(this.message, ctx));
  }

  /**
   * Starts the operation's clock once its span is known: only when `span` (its own) cannot give
   * the duration; without one (a joined or adopted call, measured here) always.
   */
  startClock(span?: Span): void {
    this.startMs = span === undefined ? performance.now() : clockFor(span);
  }

  /** The operation's duration: `span`'s own once ended, else this clock's. */
  seconds(span: Span): number {
    return callSeconds(span, this.startMs);
  }

  /** This clock's reading (`startClock`), in seconds. */
  measured(): number {
    return Math.max(0, performance.now() - this.startMs) / 1000;
  }

  record(seconds: number, errorType?: string, statusCode?: string): void {
    try {
      recordDuration(
        getRecorders().mcpClientOperation,
        seconds,
        operationAttributes(this.endpoint, this.op, errorType, statusCode),
      );
    } catch (err) {
      logger.error('recording an MCP client operation failed; ignored', err);
    }
  }
}

/**
 * Wraps a send function of `role` (a request when `isRequest`, else a notification): every
 * message it sends is traced, unless another wrapper of this package already traced it.
 */
export function createTracedSend(
  original: SendFn,
  hooks: PatchHooks,
  role: Role,
  arg: MessageArg,
  isRequest: boolean,
): SendFn {
  return function tracedSend(this: ProtocolLike, a0, a1, a2, a3): unknown {
    const message = arg === 0 ? a0 : a1;
    if (!hooks.isEnabled() || !isJsonRpcMessage(message) || isInstrumentedRequest(message)) {
      return original.call(this, a0, a1, a2, a3);
    }
    let sending: Sending;
    try {
      const endpoint = endpointOf(this, role);
      const op = describeOperation(
        message,
        isRequest ? this._requestMessageId : undefined,
        endpoint,
      );
      sending = new Sending(this, hooks, endpoint, message, op, original, arg, a0, a1, a2, a3);
    } catch (err) {
      logger.error('describing an outgoing MCP message failed; sent untraced', err);
      return original.call(this, a0, a1, a2, a3);
    }
    return sending.op.toolName !== undefined ? sendToolCall(sending) : sendWithSpan(sending);
  };
}

/** Any request but a named `tools/call`, and every notification: a CLIENT span of this package. */
function sendWithSpan(s: Sending): unknown {
  let span: Span;
  let ctx: Context;
  try {
    const parent = context.active();
    span = s.hooks
      .tracer()
      .startSpan(
        s.op.spanName,
        { kind: SpanKind.CLIENT, attributes: withToolAttributes(s.op) },
        parent,
      );
    s.startClock(span);
    setRequestAttributes(span, s.op);
    applyCorrelation(span, parent);
    ctx = trace.setSpan(parent, span);
  } catch (err) {
    logger.error('starting an MCP client span failed; sent untraced', err);
    return s.send(s.message);
  }
  const failed = (err: unknown): void => {
    const errorType = operationErrorType(err);
    const statusCode = statusCodeOf(err);
    recordError(span, err);
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    if (statusCode !== undefined) span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, statusCode);
    span.end();
    s.record(s.seconds(span), errorType, statusCode);
  };
  let pending: unknown;
  try {
    pending = s.sendIn(ctx);
  } catch (err) {
    failed(err);
    throw err;
  }
  return observe(pending, {
    settled(result) {
      if (s.message.method === MCP_METHOD_NAME_VALUE_INITIALIZE) afterInitialize(s, span, result);
      let errorType: string | undefined;
      if (isToolErrorResult(result)) {
        errorType = ERROR_TYPE_VALUE_TOOL_ERROR;
        markFailed(span, errorType);
      }
      span.end();
      s.record(s.seconds(span), errorType);
    },
    failed,
  });
}

/** `initialize` answers the version, and HTTP assigns the session: both go on the span. */
function afterInitialize(s: Sending, span: Span, result: unknown): void {
  s.endpoint.noteInitialized(result);
  const endpoint = s.endpoint.refresh(s.instance);
  if (endpoint.version !== undefined)
    span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, endpoint.version);
  if (endpoint.session !== undefined) span.setAttribute(ATTR_MCP_SESSION_ID, endpoint.session);
}

/**
 * The spec of an MCP tool (the core's cache): kind CLIENT, type `extension`, span
 * `tools/call {tool}`; kept on the operation's target, so a call of a known tool looks nothing up.
 */
function toolSpecOf(op: Operation): ToolCallSpec {
  const target = op.target;
  if (target?.toolSpec !== undefined) return target.toolSpec as ToolCallSpec;
  const spec = frameworkToolSpec(op.toolName, {
    type: 'extension',
    kind: SpanKind.CLIENT,
    spanName: op.spanName,
    noOutputSize: true,
  });
  if (target !== undefined) target.toolSpec = spec;
  return spec;
}

/**
 * Invocations whose current failure verdict came from an MCP `isError` result, so a later
 * successful attempt (a retry inside the same call) clears it, but never a failure the
 * user's own code set.
 */
const failedByMcp = new WeakSet<ToolInvocation>();

/** A `tools/call`: a tool call of the core, under its adoption rule. */
function sendToolCall(s: Sending): unknown {
  let handle: ToolCallHandle | undefined;
  try {
    handle = startToolCall(toolSpecOf(s.op), { attributes: s.op.attributes, leaf: true });
  } catch (err) {
    logger.error('starting an MCP tool call failed; sent untraced', err);
  }
  if (handle === undefined) return s.send(s.message);
  s.startClock(handle.mode === 'own' ? handle.span : undefined);
  try {
    if (handle.mode === 'join') handle.invocation.setAttributes(s.op.attributes);
    setRequestAttributes(handle.span, s.op);
  } catch (err) {
    logger.error('adding the MCP attributes to the execute_tool span failed; ignored', err);
  }
  return handle.mode === 'join' ? sendJoined(s, handle) : sendAsToolCall(s, handle);
}

/**
 * Inside toolscope's own call of this tool (a wrapper around the MCP call): that call records
 * the tool metrics; this adds the MCP attributes and the `isError` verdict to it.
 */
function sendJoined(s: Sending, handle: ToolCallHandle): unknown {
  const invocation = handle.invocation;
  return observe(s.send(withTraceContext(s.message, handle.context)), {
    settled(result) {
      let errorType: string | undefined;
      if (isToolErrorResult(result)) {
        errorType = ERROR_TYPE_VALUE_TOOL_ERROR;
        invocation.fail(errorType);
        failedByMcp.add(invocation);
      } else if (failedByMcp.delete(invocation)) {
        invocation.clearFailure();
      }
      s.record(s.measured(), errorType);
    },
    failed(err) {
      const statusCode = statusCodeOf(err);
      if (statusCode !== undefined) {
        invocation.setAttributes({ [ATTR_RPC_RESPONSE_STATUS_CODE]: statusCode });
      }
      s.record(s.measured(), operationErrorType(err), statusCode);
    },
  });
}

/**
 * The call's own span (`tools/call {tool}`) or another library's adopted `execute_tool` span:
 * either way it is active while the request is sent, so `_meta` names it as the server's parent.
 */
function sendAsToolCall(s: Sending, handle: ToolCallHandle): unknown {
  let pending: unknown;
  try {
    pending = s.sendIn(handle.context);
  } catch (err) {
    toolCallFailed(s, handle, err);
    throw err;
  }
  return observe(pending, new ToolCallSettlement(s, handle));
}

/** Ends a `tools/call` recorded as a tool call when its response (or failure) arrives. */
class ToolCallSettlement implements Settlement {
  private readonly s: Sending;
  private readonly handle: ToolCallHandle;

  constructor(s: Sending, handle: ToolCallHandle) {
    this.s = s;
    this.handle = handle;
  }

  settled(result: unknown): void {
    const errorType = isToolErrorResult(result) ? ERROR_TYPE_VALUE_TOOL_ERROR : undefined;
    this.handle.end(errorType === undefined ? { result } : { errorType });
    this.s.record(toolCallSeconds(this.s, this.handle), errorType);
  }

  failed(err: unknown): void {
    toolCallFailed(this.s, this.handle, err);
  }
}

/** The call's duration: its own span's (one duration), else measured here. */
function toolCallSeconds(s: Sending, handle: ToolCallHandle): number {
  return handle.mode === 'own' ? s.seconds(handle.span) : s.measured();
}

function toolCallFailed(s: Sending, handle: ToolCallHandle, err: unknown): void {
  const statusCode = statusCodeOf(err);
  if (statusCode !== undefined) handle.span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, statusCode);
  handle.end({ error: err });
  s.record(toolCallSeconds(s, handle), operationErrorType(err), statusCode);
}
