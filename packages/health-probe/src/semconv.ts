/*
 * Semantic convention constants used by the health probe, copied (as opentelemetry-js-contrib
 * does) rather than imported at run time. `toolscope.*` names are this project's own; see the
 * telemetry contract. `mcp.*` names are experimental (GenAI/MCP conventions, Development).
 */

// --- toolscope: health (contract) ---
export const ATTR_TOOLSCOPE_HEALTH_CHECK_ID = 'toolscope.health.check.id' as const;
export const ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE = 'toolscope.health.check.type' as const;
export const ATTR_TOOLSCOPE_HEALTH_STATE = 'toolscope.health.state' as const;
export const ATTR_TOOLSCOPE_HEALTH_STATE_PREVIOUS = 'toolscope.health.state.previous' as const;
/** Span attribute only (never on metrics): consecutive failures after this check. */
export const ATTR_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES =
  'toolscope.health.consecutive_failures' as const;
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name' as const;

export const METRIC_TOOLSCOPE_HEALTH_STATUS = 'toolscope.health.status' as const;
export const METRIC_TOOLSCOPE_HEALTH_CHECK_DURATION = 'toolscope.health.check.duration' as const;
export const METRIC_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES =
  'toolscope.health.consecutive_failures' as const;

// --- stable general / HTTP / URL / network ---
export const ATTR_ERROR_TYPE = 'error.type' as const;
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method' as const;
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code' as const;
export const ATTR_SERVER_ADDRESS = 'server.address' as const;
export const ATTR_SERVER_PORT = 'server.port' as const;
export const ATTR_URL_FULL = 'url.full' as const;
export const ATTR_NETWORK_TRANSPORT = 'network.transport' as const;
export const ATTR_USER_AGENT_SYNTHETIC_TYPE = 'user_agent.synthetic.type' as const;

// --- MCP (experimental) ---
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name' as const;
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version' as const;

/** Instrumentation scope of the probe's tracer and meter. */
export const PROBE_SCOPE = '@toolscope/health-probe' as const;
export const PROBE_VERSION = '0.1.0' as const;
