/*
 * Semantic convention constants used by toolscope, copied (as opentelemetry-js-contrib does)
 * rather than imported from `@opentelemetry/semantic-conventions/incubating` at run time.
 *
 * The GenAI and MCP conventions are "Development" stability (semconv v1.41, now in the
 * semantic-conventions-genai repository): treat every `gen_ai.*` and `mcp.*` name here as
 * experimental. `toolscope.*` names are this project's own (see the telemetry contract).
 */

// --- GenAI (experimental) ---
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name' as const;
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type' as const;
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id' as const;
export const ATTR_GEN_AI_TOOL_DESCRIPTION = 'gen_ai.tool.description' as const;
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments' as const;
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result' as const;
export const ATTR_GEN_AI_WORKFLOW_NAME = 'gen_ai.workflow.name' as const;
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name' as const;

export const GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL = 'execute_tool' as const;
export const GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW = 'invoke_workflow' as const;
export const GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT = 'invoke_agent' as const;

// --- Stable general attributes ---
export const ATTR_ERROR_TYPE = 'error.type' as const;
/** The fallback value of `error.type` when nothing better is known. */
export const ERROR_TYPE_VALUE_OTHER = '_OTHER' as const;

// --- MCP (experimental) ---
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name' as const;
export const ATTR_MCP_SESSION_ID = 'mcp.session.id' as const;
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version' as const;
export const ATTR_MCP_RESOURCE_URI = 'mcp.resource.uri' as const;
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id' as const;
/** Release candidate: the JSON-RPC error code of an error response, as a string. */
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code' as const;
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name' as const;

export const MCP_METHOD_NAME_VALUE_TOOLS_CALL = 'tools/call' as const;
export const MCP_METHOD_NAME_VALUE_TOOLS_LIST = 'tools/list' as const;
export const MCP_METHOD_NAME_VALUE_PROMPTS_GET = 'prompts/get' as const;
export const MCP_METHOD_NAME_VALUE_PROMPTS_LIST = 'prompts/list' as const;
export const MCP_METHOD_NAME_VALUE_INITIALIZE = 'initialize' as const;
/** The notification a peer sends to cancel one of its requests. */
export const MCP_METHOD_NAME_VALUE_NOTIFICATIONS_CANCELLED = 'notifications/cancelled' as const;
/** The first MCP revision of the stateless era: no `initialize`, no sessions (spec 2026-07-28). */
export const MCP_PROTOCOL_VERSION_FIRST_STATELESS = '2026-07-28' as const;
/** JSON-RPC "Internal error": what the MCP SDK answers for a thrown value without a code. */
export const JSONRPC_ERROR_CODE_INTERNAL = -32603;
/**
 * The JSON-RPC error codes JSON-RPC 2.0 and MCP define (parse error, invalid request, method
 * not found, invalid params, internal error; MCP's connection closed, request timeout,
 * resource not found, missing client capability, unsupported protocol version, URL
 * elicitation required). Metrics keep these as `error.type` / `rpc.response.status_code`; any
 * other code a peer answers with is `_OTHER` there (spans keep it).
 */
export const JSONRPC_ERROR_CODES_KNOWN: ReadonlySet<string> = new Set([
  '-32700',
  '-32600',
  '-32601',
  '-32602',
  '-32603',
  '-32000',
  '-32001',
  '-32002',
  '-32021',
  '-32022',
  '-32042',
]);
/** `error.type` of a `tools/call` whose result has `isError: true` (MCP convention). */
export const ERROR_TYPE_VALUE_TOOL_ERROR = 'tool_error' as const;
/** `error.type` of a call the model made to a tool the framework does not have. */
export const ERROR_TYPE_VALUE_TOOL_NOT_FOUND = 'tool_not_found' as const;
/**
 * Span event of a tool call or agent run ended by a framework's control-flow signal that is
 * not a failure (a LangGraph interrupt, a command for the parent graph), with its class in
 * `toolscope.bubble_up.type`.
 */
export const EVENT_TOOLSCOPE_BUBBLE_UP = 'toolscope.bubble_up' as const;
export const ATTR_TOOLSCOPE_BUBBLE_UP_TYPE = 'toolscope.bubble_up.type' as const;

// --- MCP `_meta` keys reserved for trace context (SEP-414, MCP spec 2026-07-28) ---
export const META_KEY_TRACEPARENT = 'traceparent' as const;
export const META_KEY_TRACESTATE = 'tracestate' as const;
export const META_KEY_BAGGAGE = 'baggage' as const;
/** Stateless-MCP `_meta` key carrying the protocol version of a request (spec 2026-07-28). */
export const META_KEY_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion' as const;

// --- Stable HTTP, URL, network and server attributes ---
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method' as const;
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code' as const;
export const ATTR_SERVER_ADDRESS = 'server.address' as const;
export const ATTR_SERVER_PORT = 'server.port' as const;
export const ATTR_URL_FULL = 'url.full' as const;
export const ATTR_NETWORK_TRANSPORT = 'network.transport' as const;
export const ATTR_NETWORK_PROTOCOL_NAME = 'network.protocol.name' as const;
export const ATTR_NETWORK_PROTOCOL_VERSION = 'network.protocol.version' as const;
export const ATTR_USER_AGENT_SYNTHETIC_TYPE = 'user_agent.synthetic.type' as const;

// --- toolscope: tools ---
export const ATTR_TOOLSCOPE_TOOL_RETRY_COUNT = 'toolscope.tool.retry_count' as const;
export const ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR = 'toolscope.tool.fallback_for' as const;
export const ATTR_TOOLSCOPE_TOOL_INPUT_SIZE = 'toolscope.tool.input.size' as const;
export const ATTR_TOOLSCOPE_TOOL_OUTPUT_SIZE = 'toolscope.tool.output.size' as const;
export const ATTR_TOOLSCOPE_TOOL_EXPECTED_PERFORMANCE =
  'toolscope.tool.expected_performance_ms' as const;
/**
 * `true` on another library's tool span that toolscope adopted and recorded: the call is
 * counted in `gen_ai.execute_tool.duration` by the SDK. A collector that derives that histogram
 * from spans (collector-config/gateway) skips these and every span of toolscope's own scopes
 * (`@toolscope/…`: the spans it opens itself, which it always records), so no call is counted
 * twice. Own spans carry no mark: their scope says it, and the span costs one attribute less.
 */
export const ATTR_TOOLSCOPE_TOOL_RECORDED = 'toolscope.tool.recorded' as const;
export const ATTR_TOOLSCOPE_SELECTION_CONFIDENCE = 'toolscope.selection.confidence' as const;
export const ATTR_TOOLSCOPE_PAYLOAD_DIRECTION = 'toolscope.payload.direction' as const;

// --- toolscope: agents ---
/** `error.type` of a tool call a person (or an approval policy) rejected before it ran. */
export const ERROR_TYPE_VALUE_TOOL_REJECTED = 'tool_rejected' as const;
/**
 * Span event on the `invoke_agent` span of an agent that handed the conversation to another
 * agent; the receiving agent's `invoke_agent` span links back to it (link attribute
 * `toolscope.handoff.from_agent`).
 */
export const EVENT_TOOLSCOPE_AGENT_HANDOFF = 'toolscope.agent.handoff' as const;
export const ATTR_TOOLSCOPE_HANDOFF_FROM_AGENT = 'toolscope.handoff.from_agent' as const;
export const ATTR_TOOLSCOPE_HANDOFF_TO_AGENT = 'toolscope.handoff.to_agent' as const;
/** The name an agent framework gives the MCP server a tool came from (span attribute only). */
export const ATTR_TOOLSCOPE_MCP_SERVER_NAME = 'toolscope.mcp.server.name' as const;

// --- toolscope: workflows ---
export const ATTR_TOOLSCOPE_WORKFLOW_STEPS_TOTAL = 'toolscope.workflow.steps.total' as const;
export const ATTR_TOOLSCOPE_WORKFLOW_STEPS_COMPLETED =
  'toolscope.workflow.steps.completed' as const;
export const ATTR_TOOLSCOPE_WORKFLOW_TOOLS = 'toolscope.workflow.tools' as const;
export const ATTR_TOOLSCOPE_WORKFLOW_OUTCOME = 'toolscope.workflow.outcome' as const;

// --- toolscope: correlation ---
/** Baggage key and span attribute carrying the correlation ID. Never a metric attribute. */
export const TOOLSCOPE_CORRELATION_ID = 'toolscope.correlation_id' as const;

// --- toolscope: health ---
export const ATTR_TOOLSCOPE_HEALTH_CHECK_ID = 'toolscope.health.check.id' as const;
export const ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE = 'toolscope.health.check.type' as const;
export const ATTR_TOOLSCOPE_HEALTH_STATE = 'toolscope.health.state' as const;
export const ATTR_TOOLSCOPE_HEALTH_STATE_PREVIOUS = 'toolscope.health.state.previous' as const;
/** Span attribute only (never on metrics): consecutive failures after this check. */
export const ATTR_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES =
  'toolscope.health.consecutive_failures' as const;

// --- toolscope: probe shards ---
/** Which shard of the checks a probe instance runs, `i/n` (`toolscope probe --shard i/n`). */
export const ATTR_TOOLSCOPE_PROBE_SHARD = 'toolscope.probe.shard' as const;

// --- toolscope: bounds ---
/** Where a value from outside was cut (see `shared/bound.ts`): a small, fixed set. */
export const ATTR_TOOLSCOPE_TRUNCATION_SITE = 'toolscope.truncation.site' as const;

// --- toolscope: alerts ---
export const ATTR_TOOLSCOPE_ALERT_ID = 'toolscope.alert.id' as const;
export const ATTR_TOOLSCOPE_ALERT_SEVERITY = 'toolscope.alert.severity' as const;
export const ATTR_TOOLSCOPE_ALERT_KIND = 'toolscope.alert.kind' as const;
export const ATTR_TOOLSCOPE_ALERT_MESSAGE = 'toolscope.alert.message' as const;
export const EVENT_TOOLSCOPE_ALERT_FIRED = 'toolscope.alert.fired' as const;
export const EVENT_TOOLSCOPE_ALERT_RESOLVED = 'toolscope.alert.resolved' as const;

// --- Metric instruments (see `metrics/catalogue.ts` for units, buckets and descriptions) ---
export const METRIC_GEN_AI_EXECUTE_TOOL_DURATION = 'gen_ai.execute_tool.duration' as const;
export const METRIC_GEN_AI_WORKFLOW_DURATION = 'gen_ai.workflow.duration' as const;
export const METRIC_GEN_AI_INVOKE_AGENT_DURATION = 'gen_ai.invoke_agent.duration' as const;
export const METRIC_MCP_CLIENT_OPERATION_DURATION = 'mcp.client.operation.duration' as const;
export const METRIC_MCP_SERVER_OPERATION_DURATION = 'mcp.server.operation.duration' as const;
export const METRIC_MCP_CLIENT_SESSION_DURATION = 'mcp.client.session.duration' as const;
export const METRIC_MCP_SERVER_SESSION_DURATION = 'mcp.server.session.duration' as const;
export const METRIC_TOOLSCOPE_WORKFLOW_EXECUTIONS = 'toolscope.workflow.executions' as const;
export const METRIC_TOOLSCOPE_TOOL_RETRIES = 'toolscope.tool.retries' as const;
export const METRIC_TOOLSCOPE_TOOL_FALLBACKS = 'toolscope.tool.fallbacks' as const;
export const METRIC_TOOLSCOPE_TOOL_PAYLOAD_SIZE = 'toolscope.tool.payload.size' as const;
export const METRIC_TOOLSCOPE_HEALTH_STATUS = 'toolscope.health.status' as const;
export const METRIC_TOOLSCOPE_HEALTH_CHECK_DURATION = 'toolscope.health.check.duration' as const;
export const METRIC_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES =
  'toolscope.health.consecutive_failures' as const;
export const METRIC_TOOLSCOPE_ALERTS_ACTIVE = 'toolscope.alerts.active' as const;
export const METRIC_TOOLSCOPE_PROBE_LAST_CHECK = 'toolscope.probe.last_check' as const;
export const METRIC_TOOLSCOPE_PROBE_CHECK_INTERVAL = 'toolscope.probe.check_interval' as const;
export const METRIC_TOOLSCOPE_PROBE_SHARDS = 'toolscope.probe.shards' as const;
export const METRIC_TOOLSCOPE_VALUES_TRUNCATED = 'toolscope.values.truncated' as const;

/** The instrumentation scope name of the core's tracer and meter (tools, workflows, alerts). */
export const INSTRUMENTATION_SCOPE = '@toolscope/instrumentation' as const;
/**
 * The instrumentation scope of each toolscope package that starts spans or records metrics of
 * its own (the version is `TOOLSCOPE_VERSION` for all of them).
 */
export const SCOPE_NAMES = {
  core: INSTRUMENTATION_SCOPE,
  healthProbe: '@toolscope/health-probe',
  objectives: '@toolscope/objectives',
  mcp: '@toolscope/instrumentation-mcp',
  aiSdk: '@toolscope/instrumentation-ai-sdk',
  openaiAgents: '@toolscope/instrumentation-openai-agents',
  langchain: '@toolscope/instrumentation-langchain',
} as const;

// --- Span names ---
/** Span of one alert change raised by the objective monitor (INTERNAL, ended at once). */
export const SPAN_NAME_OBJECTIVE_CHECK = 'objective_check' as const;
/** Span of one health check run (CLIENT). */
export const SPAN_NAME_HEALTH_CHECK = 'health_check' as const;

/**
 * Explicit histogram boundaries, in seconds, for every duration histogram toolscope records:
 * 0.5 ms, then 1 ms to 100 s with 28 boundaries per decade, neighbours at most 11% apart
 * (mantissas 1, 1.1, …, 1.9, 2, 2.2, …, 2.8, 3, 3.3, 3.6, 4, 4.4, 4.8, 5.3, 5.8, 6.4, 7,
 * 7.7, 8.5, 9.3). Prometheus' `histogram_quantile` interpolates linearly inside a bucket, so
 * the width of a bucket bounds its error: at this width percentiles read from Prometheus land
 * within a few percent (the GenAI convention's doubling boundaries are far too coarse, and a
 * 25%-wide layout missed 5% on uniform latencies in the end-to-end test).
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = (() => {
  const mantissas = [
    1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.2, 2.4, 2.6, 2.8, 3, 3.3, 3.6, 4, 4.4, 4.8,
    5.3, 5.8, 6.4, 7, 7.7, 8.5, 9.3,
  ];
  const out: number[] = [0.0005];
  for (let exp = -3; exp <= 1; exp++) {
    for (const m of mantissas) out.push(Number((m * 10 ** exp).toPrecision(6)));
  }
  out.push(100);
  return out;
})();

/**
 * Bucket boundaries, in seconds, the MCP semantic conventions recommend for the
 * `mcp.*.operation.duration` and `mcp.*.session.duration` histograms.
 */
export const MCP_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
];

/** Explicit boundaries, in bytes, for payload size histograms (powers of 2 from 64 B to 16 MiB). */
export const PAYLOAD_BUCKETS_BYTES: readonly number[] = Array.from(
  { length: 19 },
  (_, i) => 64 * 2 ** i,
);
