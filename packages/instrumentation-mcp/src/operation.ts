/**
 * One MCP operation (a request or a notification, sent or received) described after the
 * conventions: its span name and the attributes known when it starts. Everything the peer
 * controls (method, tool and prompt names, resource URIs, JSON-RPC ids, session ids, protocol
 * versions) passes through the core's bound (`boundName` / `boundText`), so a hostile peer can
 * neither bloat a span nor give it an unbounded name; every cut is counted on
 * `toolscope.values.truncated`.
 */
import { type Attributes, type Span, SpanStatusCode } from '@opentelemetry/api';
import { errorTypeOf } from '@toolscope/instrumentation';
import { boundName, boundText } from '@toolscope/instrumentation/internal';
import type { Endpoint } from './endpoint.ts';
import type { JsonRpcMessageLike } from './internal-types.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_RESOURCE_URI,
  ATTR_MCP_SESSION_ID,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  MCP_METHOD_NAME_VALUE_PROMPTS_GET,
  MCP_METHOD_NAME_VALUE_TOOLS_CALL,
} from './semconv.ts';

/** What a span of one MCP operation is called and starts with. */
export interface Operation {
  /** `mcp.method.name` (bounded). */
  readonly method: string;
  /** `{mcp.method.name} {target}`, or `{mcp.method.name}` without a low-cardinality target. */
  readonly spanName: string;
  /** The tool of a `tools/call` (bounded), when the request names one. */
  readonly toolName: string | undefined;
  /** The prompt of a `prompts/get` (bounded). */
  readonly promptName: string | undefined;
  /** What tells this operation's metric attribute sets apart: the method, and the target. */
  readonly metricKey: string;
  /** The remembered target of a `tools/call` or `prompts/get` (per-name state hangs on it). */
  readonly target: Target | undefined;
  /**
   * The attributes a span of this operation starts with (what a sampler may decide on: the
   * method, its target, the session and the transport), made for this operation (a caller may
   * add to it before the span starts); the `gen_ai.*` tool attributes are added by
   * `withToolAttributes`. The per-request ones follow in `setRequestAttributes`.
   */
  readonly attributes: Attributes;
  /** `jsonrpc.request.id` of a request (bounded). */
  readonly requestId: string | undefined;
  /** `mcp.protocol.version` of the operation (bounded). */
  readonly version: string | undefined;
}

export function isJsonRpcMessage(value: unknown): value is JsonRpcMessageLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { method?: unknown }).method === 'string'
  );
}

/** A non-empty string, or undefined. */
export function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A bounded name, the span name and the metric key it gives, kept for names needing no cut. */
export interface Target {
  readonly name: string;
  readonly spanName: string;
  readonly metricKey: string;
  /** Per-name state of the sending side (the core's tool spec), made on first use. */
  toolSpec?: unknown;
}

const MAX_TARGETS = 1000;
const targets = new Map<string, Target>();

/** The target `name` of `method`, bounded at `site`; remembered unless it was cut. */
function targetOf(method: string, name: string, site: 'mcp.tool.name' | 'mcp.target'): Target {
  const key = method === MCP_METHOD_NAME_VALUE_TOOLS_CALL ? name : `${method}\u0000${name}`;
  let target = targets.get(key);
  if (target === undefined) {
    const bounded = boundName(name, site);
    target = {
      name: bounded,
      spanName: `${method} ${bounded}`,
      metricKey: `${method}\u0000${bounded}`,
    };
    if (bounded === name && targets.size < MAX_TARGETS) targets.set(key, target);
  }
  return target;
}

/** The string form of a JSON-RPC id: numbers as they are, strings bounded; else undefined. */
function requestId(id: unknown): string | undefined {
  if (typeof id === 'number') return Number.isFinite(id) ? String(id) : undefined;
  if (typeof id === 'string' && id !== '') return boundName(id, 'mcp.request.id');
  return undefined;
}

/**
 * Describes `message` on `endpoint` (a request when `id` is given, else a notification);
 * `version` overrides the endpoint's when the message declares its own.
 *
 * @example describeOperation({ method: 'tools/call', params: { name: 'search' } }, 3, stdioClient)
 *   // spanName 'tools/call search', toolName 'search'; attributes mcp.method.name 'tools/call',
 *   // network.transport 'pipe'; requestId '3', version '2025-06-18'
 */
export function describeOperation(
  message: JsonRpcMessageLike,
  id: unknown,
  endpoint: Endpoint,
  version: string | undefined = endpoint.version,
): Operation {
  const method = boundName(message.method, 'mcp.method.name');
  const attributes: Attributes = { [ATTR_MCP_METHOD_NAME]: method };
  if (endpoint.session !== undefined) attributes[ATTR_MCP_SESSION_ID] = endpoint.session;
  const connection = endpoint.connection.attributes;
  for (const key in connection) attributes[key] = connection[key];

  let spanName = method;
  let metricKey = method;
  let toolName: string | undefined;
  let promptName: string | undefined;
  let target: Target | undefined;
  const params = message.params;
  if (method === MCP_METHOD_NAME_VALUE_TOOLS_CALL || method === MCP_METHOD_NAME_VALUE_PROMPTS_GET) {
    const name = nonEmpty(params?.name);
    if (name !== undefined) {
      const tool = method === MCP_METHOD_NAME_VALUE_TOOLS_CALL;
      target = targetOf(method, name, tool ? 'mcp.tool.name' : 'mcp.target');
      spanName = target.spanName;
      metricKey = target.metricKey;
      if (tool) {
        toolName = target.name;
      } else {
        promptName = target.name;
        attributes[ATTR_GEN_AI_PROMPT_NAME] = promptName;
      }
    }
  } else if (method.startsWith('resources/') || method === 'notifications/resources/updated') {
    const uri = nonEmpty(params?.uri);
    if (uri !== undefined) attributes[ATTR_MCP_RESOURCE_URI] = boundText(uri, 'mcp.target');
  }
  return {
    method,
    spanName,
    toolName,
    promptName,
    metricKey,
    target,
    attributes,
    requestId: requestId(id),
    version,
  };
}

/**
 * Sets the per-request attributes of `op` on `span` once it started: `jsonrpc.request.id` and
 * `mcp.protocol.version`. No sampler decides on a request id or on the protocol revision, so
 * they are not given at creation, where the SDK checks every attribute twice; a span that is
 * not recording gets none.
 */
export function setRequestAttributes(span: Span, op: Operation): void {
  if (!span.isRecording()) return;
  if (op.requestId !== undefined) span.setAttribute(ATTR_JSONRPC_REQUEST_ID, op.requestId);
  if (op.version !== undefined) span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, op.version);
}

/** Adds the `gen_ai.*` attributes of a `tools/call` to `op.attributes` (a span of its own). */
export function withToolAttributes(op: Operation): Attributes {
  if (op.method === MCP_METHOD_NAME_VALUE_TOOLS_CALL) {
    op.attributes[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
    if (op.toolName !== undefined) op.attributes[ATTR_GEN_AI_TOOL_NAME] = op.toolName;
  }
  return op.attributes;
}

/** The JSON-RPC error code carried by a thrown value (an SDK `McpError`/`ProtocolError`). */
export function jsonRpcCode(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  try {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'number' && Number.isSafeInteger(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a result is a `CallToolResult` with `isError: true`. */
export function isToolErrorResult(result: unknown): boolean {
  return (
    result !== null &&
    typeof result === 'object' &&
    (result as { isError?: unknown }).isError === true
  );
}

/**
 * Whether an `isError` result is the 1.x `McpServer`'s answer to a tool it does not have (it
 * wraps its own `Tool … not found` / `… disabled` refusal in a tool result; 2.x answers those
 * with a JSON-RPC error instead). Such a result names no real tool.
 */
export function isToolRefusalResult(result: unknown): boolean {
  try {
    const content = (result as { content?: unknown }).content;
    const text = Array.isArray(content)
      ? (content[0] as { text?: unknown } | undefined)?.text
      : undefined;
    return (
      typeof text === 'string' &&
      text.startsWith('MCP error -32602: Tool ') &&
      (text.endsWith(' not found') || text.endsWith(' disabled'))
    );
  } catch {
    return false;
  }
}

/**
 * The `error.type` of a failed operation: the JSON-RPC error code when there is one (as the
 * conventions ask), else the core's `error.code || error.name`, bounded.
 */
export function operationErrorType(err: unknown): string {
  const code = jsonRpcCode(err);
  return code !== undefined ? String(code) : boundName(errorTypeOf(err), 'error.type');
}

/** Marks `span` failed without a thrown value (an `isError` tool result). */
export function markFailed(span: Span, errorType: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
}

/** `rpc.response.status_code` of a failure: its JSON-RPC error code, when it has one. */
export function statusCodeOf(err: unknown): string | undefined {
  const code = jsonRpcCode(err);
  return code === undefined ? undefined : String(code);
}
