/*
 * Semantic convention constants used by the MCP instrumentation, copied (as
 * opentelemetry-js-contrib does) rather than imported from
 * `@opentelemetry/semantic-conventions/incubating` at run time.
 *
 * Source: OpenTelemetry semantic conventions v1.41 `docs/gen-ai/mcp.md` (now maintained in the
 * semantic-conventions-genai repository). Every `mcp.*`, `gen_ai.*` and `jsonrpc.*` name is
 * "Development" stability: treat them as experimental.
 */

// --- MCP (experimental) ---
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name' as const;
export const ATTR_MCP_SESSION_ID = 'mcp.session.id' as const;
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version' as const;
export const ATTR_MCP_RESOURCE_URI = 'mcp.resource.uri' as const;
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id' as const;
/** Release candidate: the JSON-RPC error code of an error response, as a string. */
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code' as const;

export const MCP_METHOD_NAME_VALUE_TOOLS_CALL = 'tools/call' as const;
export const MCP_METHOD_NAME_VALUE_PROMPTS_GET = 'prompts/get' as const;
export const MCP_METHOD_NAME_VALUE_INITIALIZE = 'initialize' as const;

// --- GenAI (experimental) ---
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name' as const;
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name' as const;
export const GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL = 'execute_tool' as const;

// --- Stable general attributes ---
export const ATTR_ERROR_TYPE = 'error.type' as const;
/** `error.type` of a `tools/call` whose result has `isError: true` (MCP convention). */
export const ERROR_TYPE_VALUE_TOOL_ERROR = 'tool_error' as const;

// --- toolscope ---
/** Span attribute (and W3C baggage key) carrying the correlation ID. Never a metric attribute. */
export const ATTR_TOOLSCOPE_CORRELATION_ID = 'toolscope.correlation_id' as const;

// --- MCP `_meta` keys reserved for trace context (SEP-414, MCP spec 2026-07-28) ---
export const META_KEY_TRACEPARENT = 'traceparent' as const;
export const META_KEY_TRACESTATE = 'tracestate' as const;
export const META_KEY_BAGGAGE = 'baggage' as const;
/** Stateless-MCP `_meta` key carrying the protocol version of a request (spec 2026-07-28). */
export const META_KEY_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion' as const;

/** Instrumentation scope of the spans this package starts itself. */
export const INSTRUMENTATION_SCOPE = '@toolscope/instrumentation-mcp' as const;
export const INSTRUMENTATION_VERSION = '0.1.0' as const;
