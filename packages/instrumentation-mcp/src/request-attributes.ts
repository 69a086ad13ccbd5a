import { type Attributes, type Span, SpanStatusCode } from '@opentelemetry/api';
import type { JsonRpcRequestLike } from './internal-types.ts';
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
  ATTR_RPC_RESPONSE_STATUS_CODE,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  MCP_METHOD_NAME_VALUE_PROMPTS_GET,
  MCP_METHOD_NAME_VALUE_TOOLS_CALL,
} from './semconv.ts';

/** What a span of one MCP request is called and starts with. */
export interface RequestDescription {
  readonly method: string;
  /** `{mcp.method.name} {target}`, or `{mcp.method.name}` without a low-cardinality target. */
  readonly spanName: string;
  /** The tool of a `tools/call`, when the request names one. */
  readonly toolName: string | undefined;
  /** Every attribute known when the request starts. */
  readonly attributes: Attributes;
  /** The MCP-only subset (no `gen_ai.*`): what is added to an enclosing `execute_tool` span. */
  readonly mcpAttributes: Attributes;
}

/** Per protocol instance (client or server): the version negotiated by `initialize`. */
export const negotiatedVersions = new WeakMap<object, string>();

export function isJsonRpcRequest(value: unknown): value is JsonRpcRequestLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { method?: unknown }).method === 'string'
  );
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Names and attributes of the span of `request`, following the MCP semantic conventions:
 * the target is the tool (`tools/call`) or prompt (`prompts/get`) name; a resource URI is not a
 * low-cardinality target, so `resources/read` spans are named `resources/read` and carry the URI
 * as `mcp.resource.uri`.
 *
 * @example describeRequest({ method: 'tools/call', params: { name: 'search' } }, 3, 's1', '2025-06-18')
 *   // spanName 'tools/call search'; attributes mcp.method.name 'tools/call',
 *   // gen_ai.operation.name 'execute_tool', gen_ai.tool.name 'search', jsonrpc.request.id '3',
 *   // mcp.session.id 's1', mcp.protocol.version '2025-06-18'
 */
export function describeRequest(
  request: JsonRpcRequestLike,
  id: unknown,
  sessionId: unknown,
  protocolVersion: unknown,
): RequestDescription {
  const method = request.method;
  const params =
    request.params !== null && typeof request.params === 'object' ? request.params : {};
  const mcp: Attributes = { [ATTR_MCP_METHOD_NAME]: method };
  if (typeof id === 'number' || (typeof id === 'string' && id !== '')) {
    mcp[ATTR_JSONRPC_REQUEST_ID] = String(id);
  }
  const session = nonEmpty(sessionId);
  if (session !== undefined) mcp[ATTR_MCP_SESSION_ID] = session;
  const version = nonEmpty(protocolVersion);
  if (version !== undefined) mcp[ATTR_MCP_PROTOCOL_VERSION] = version;

  const attributes: Attributes = { ...mcp };
  let spanName = method;
  let toolName: string | undefined;
  if (method === MCP_METHOD_NAME_VALUE_TOOLS_CALL) {
    toolName = nonEmpty(params.name);
    attributes[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
    if (toolName !== undefined) {
      attributes[ATTR_GEN_AI_TOOL_NAME] = toolName;
      spanName = `${method} ${toolName}`;
    }
  } else if (method === MCP_METHOD_NAME_VALUE_PROMPTS_GET) {
    const prompt = nonEmpty(params.name);
    if (prompt !== undefined) {
      attributes[ATTR_GEN_AI_PROMPT_NAME] = prompt;
      spanName = `${method} ${prompt}`;
    }
  } else if (method.startsWith('resources/')) {
    const uri = nonEmpty(params.uri);
    if (uri !== undefined) attributes[ATTR_MCP_RESOURCE_URI] = uri;
  }
  return { method, spanName, toolName, attributes, mcpAttributes: mcp };
}

/** The JSON-RPC error code carried by a thrown value (an SDK `McpError`), if any. */
export function jsonRpcCode(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && Number.isSafeInteger(code) ? code : undefined;
}

/** Whether a result is a `CallToolResult` with `isError: true`. */
export function isToolErrorResult(result: unknown): boolean {
  return (
    result !== null &&
    typeof result === 'object' &&
    (result as { isError?: unknown }).isError === true
  );
}

/** Records a thrown failure on `span`: exception event, ERROR status, `error.type`. */
export function recordFailure(span: Span, err: unknown, errorType: string): void {
  span.recordException(
    err instanceof Error || (err !== null && typeof err === 'object')
      ? (err as Error)
      : String(err),
  );
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: err instanceof Error ? err.message : undefined,
  });
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  const code = jsonRpcCode(err);
  if (code !== undefined) span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, String(code));
}
