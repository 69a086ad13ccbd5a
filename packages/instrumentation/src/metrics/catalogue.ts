/**
 * The one metric catalogue: every metric toolscope records, with its name, kind, unit,
 * description, value type, bucket advice and attributes. The core's instruments (SDK and
 * pre-aggregated), the health probe's, the MCP instrumentation's, the Prometheus names
 * (`prometheus-names.ts`) and `docs/telemetry.md` all come from these entries.
 */
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ATTR_TOOLSCOPE_ALERT_SEVERITY,
  ATTR_TOOLSCOPE_HEALTH_CHECK_ID,
  ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE,
  ATTR_TOOLSCOPE_HEALTH_STATE,
  ATTR_TOOLSCOPE_PAYLOAD_DIRECTION,
  ATTR_TOOLSCOPE_PROBE_SHARD,
  ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR,
  ATTR_TOOLSCOPE_TRUNCATION_SITE,
  ATTR_TOOLSCOPE_WORKFLOW_OUTCOME,
  DURATION_BUCKETS_SECONDS,
  MCP_DURATION_BUCKETS_SECONDS,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_MCP_CLIENT_OPERATION_DURATION,
  METRIC_MCP_CLIENT_SESSION_DURATION,
  METRIC_MCP_SERVER_OPERATION_DURATION,
  METRIC_MCP_SERVER_SESSION_DURATION,
  METRIC_TOOLSCOPE_ALERTS_ACTIVE,
  METRIC_TOOLSCOPE_HEALTH_CHECK_DURATION,
  METRIC_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES,
  METRIC_TOOLSCOPE_HEALTH_STATUS,
  METRIC_TOOLSCOPE_PROBE_CHECK_INTERVAL,
  METRIC_TOOLSCOPE_PROBE_LAST_CHECK,
  METRIC_TOOLSCOPE_PROBE_SHARDS,
  METRIC_TOOLSCOPE_TOOL_FALLBACKS,
  METRIC_TOOLSCOPE_TOOL_PAYLOAD_SIZE,
  METRIC_TOOLSCOPE_TOOL_RETRIES,
  METRIC_TOOLSCOPE_VALUES_TRUNCATED,
  METRIC_TOOLSCOPE_WORKFLOW_EXECUTIONS,
  PAYLOAD_BUCKETS_BYTES,
} from '../semconv.ts';

/** One metric of the catalogue. */
export interface MetricDefinition {
  /** The OpenTelemetry instrument name. */
  readonly name: string;
  readonly kind: 'histogram' | 'counter' | 'gauge';
  /** UCUM unit: `s`, `By`, or an annotation such as `{retry}`. */
  readonly unit: string;
  readonly description: string;
  /** Integer values (counts, sizes, states). */
  readonly integer: boolean;
  /** Explicit bucket boundaries (histograms). */
  readonly buckets?: readonly number[];
  /** The attributes it may carry; never IDs or content. */
  readonly attributes: readonly string[];
}

function define(d: MetricDefinition): MetricDefinition {
  return Object.freeze(d);
}

export const TOOL_DURATION = define({
  name: METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  kind: 'histogram',
  unit: 's',
  description: 'Duration of tool executions',
  integer: false,
  buckets: DURATION_BUCKETS_SECONDS,
  attributes: [ATTR_GEN_AI_TOOL_NAME, ATTR_GEN_AI_TOOL_TYPE, ATTR_ERROR_TYPE],
});

export const WORKFLOW_DURATION = define({
  name: METRIC_GEN_AI_WORKFLOW_DURATION,
  kind: 'histogram',
  unit: 's',
  description: 'Duration of workflow runs',
  integer: false,
  buckets: DURATION_BUCKETS_SECONDS,
  attributes: [ATTR_GEN_AI_WORKFLOW_NAME, ATTR_ERROR_TYPE],
});

export const AGENT_DURATION = define({
  name: METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  kind: 'histogram',
  unit: 's',
  description: 'Duration of agent invocations',
  integer: false,
  buckets: DURATION_BUCKETS_SECONDS,
  attributes: [ATTR_GEN_AI_AGENT_NAME, ATTR_ERROR_TYPE],
});

export const WORKFLOW_EXECUTIONS = define({
  name: METRIC_TOOLSCOPE_WORKFLOW_EXECUTIONS,
  kind: 'counter',
  unit: '{execution}',
  description: 'Workflow runs by outcome',
  integer: true,
  attributes: [ATTR_GEN_AI_WORKFLOW_NAME, ATTR_TOOLSCOPE_WORKFLOW_OUTCOME],
});

export const TOOL_RETRIES = define({
  name: METRIC_TOOLSCOPE_TOOL_RETRIES,
  kind: 'counter',
  unit: '{retry}',
  description: 'Retry attempts of tool calls',
  integer: true,
  attributes: [ATTR_GEN_AI_TOOL_NAME],
});

export const TOOL_FALLBACKS = define({
  name: METRIC_TOOLSCOPE_TOOL_FALLBACKS,
  kind: 'counter',
  unit: '{fallback}',
  description: 'Tool calls made as a fallback for another tool',
  integer: true,
  attributes: [ATTR_GEN_AI_TOOL_NAME, ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR],
});

export const PAYLOAD_SIZE = define({
  name: METRIC_TOOLSCOPE_TOOL_PAYLOAD_SIZE,
  kind: 'histogram',
  unit: 'By',
  description: 'Size of tool inputs and outputs',
  integer: true,
  buckets: PAYLOAD_BUCKETS_BYTES,
  attributes: [ATTR_GEN_AI_TOOL_NAME, ATTR_TOOLSCOPE_PAYLOAD_DIRECTION],
});

export const HEALTH_STATUS = define({
  name: METRIC_TOOLSCOPE_HEALTH_STATUS,
  kind: 'gauge',
  // `{state}`, not `1`: the collector's Prometheus translation appends `_ratio` to gauges of
  // unit `1`, while an annotation adds no suffix, so the series keeps the name
  // `toolscope_health_status` that the alert rules and dashboards query.
  unit: '{state}',
  description:
    'Health status of each check as a state set: 1 for the current state, 0 for the others',
  integer: true,
  attributes: [ATTR_TOOLSCOPE_HEALTH_CHECK_ID, ATTR_GEN_AI_TOOL_NAME, ATTR_TOOLSCOPE_HEALTH_STATE],
});

export const HEALTH_CHECK_DURATION = define({
  name: METRIC_TOOLSCOPE_HEALTH_CHECK_DURATION,
  kind: 'histogram',
  unit: 's',
  description: 'Duration of health check runs',
  integer: false,
  buckets: DURATION_BUCKETS_SECONDS,
  attributes: [
    ATTR_TOOLSCOPE_HEALTH_CHECK_ID,
    ATTR_GEN_AI_TOOL_NAME,
    ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE,
    ATTR_ERROR_TYPE,
  ],
});

export const HEALTH_CONSECUTIVE_FAILURES = define({
  name: METRIC_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES,
  kind: 'gauge',
  unit: '{failure}',
  description: 'Consecutive failed runs of each check',
  integer: true,
  attributes: [ATTR_TOOLSCOPE_HEALTH_CHECK_ID, ATTR_GEN_AI_TOOL_NAME],
});

export const PROBE_LAST_CHECK = define({
  name: METRIC_TOOLSCOPE_PROBE_LAST_CHECK,
  kind: 'gauge',
  unit: 's',
  description:
    'Unix time of the latest check run this probe instance completed (the time of reading when it owns no check)',
  integer: false,
  attributes: [ATTR_TOOLSCOPE_PROBE_SHARD],
});

export const PROBE_CHECK_INTERVAL = define({
  name: METRIC_TOOLSCOPE_PROBE_CHECK_INTERVAL,
  kind: 'gauge',
  unit: 's',
  description: 'Longest interval between two runs of a check of this probe instance',
  integer: false,
  attributes: [ATTR_TOOLSCOPE_PROBE_SHARD],
});

export const PROBE_SHARDS = define({
  name: METRIC_TOOLSCOPE_PROBE_SHARDS,
  kind: 'gauge',
  unit: '{shard}',
  description: 'Number of shards the checks are split into (toolscope probe --shard i/n)',
  integer: true,
  attributes: [ATTR_TOOLSCOPE_PROBE_SHARD],
});

export const ALERTS_ACTIVE = define({
  name: METRIC_TOOLSCOPE_ALERTS_ACTIVE,
  kind: 'gauge',
  unit: '{alert}',
  description: 'Open toolscope alerts by severity',
  integer: true,
  attributes: [ATTR_TOOLSCOPE_ALERT_SEVERITY],
});

export const VALUES_TRUNCATED = define({
  name: METRIC_TOOLSCOPE_VALUES_TRUNCATED,
  kind: 'counter',
  unit: '{value}',
  description: 'Values from outside the process cut to their bound before recording',
  integer: true,
  attributes: [ATTR_TOOLSCOPE_TRUNCATION_SITE],
});

const MCP_OPERATION_ATTRIBUTES = [
  ATTR_MCP_METHOD_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_ERROR_TYPE,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  ATTR_NETWORK_PROTOCOL_NAME,
] as const;

export const MCP_CLIENT_OPERATION_DURATION = define({
  name: METRIC_MCP_CLIENT_OPERATION_DURATION,
  kind: 'histogram',
  unit: 's',
  description: 'Duration of MCP requests as the client sees them',
  integer: false,
  buckets: MCP_DURATION_BUCKETS_SECONDS,
  attributes: MCP_OPERATION_ATTRIBUTES,
});

export const MCP_SERVER_OPERATION_DURATION = define({
  name: METRIC_MCP_SERVER_OPERATION_DURATION,
  kind: 'histogram',
  unit: 's',
  description: 'Duration of MCP requests as the server sees them',
  integer: false,
  buckets: MCP_DURATION_BUCKETS_SECONDS,
  attributes: MCP_OPERATION_ATTRIBUTES,
});

const MCP_SESSION_ATTRIBUTES = [
  ATTR_ERROR_TYPE,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  ATTR_NETWORK_PROTOCOL_NAME,
] as const;

export const MCP_CLIENT_SESSION_DURATION = define({
  name: METRIC_MCP_CLIENT_SESSION_DURATION,
  kind: 'histogram',
  unit: 's',
  description: 'Duration of MCP sessions as the client sees them',
  integer: false,
  buckets: MCP_DURATION_BUCKETS_SECONDS,
  attributes: MCP_SESSION_ATTRIBUTES,
});

export const MCP_SERVER_SESSION_DURATION = define({
  name: METRIC_MCP_SERVER_SESSION_DURATION,
  kind: 'histogram',
  unit: 's',
  description: 'Duration of MCP sessions as the server sees them',
  integer: false,
  buckets: MCP_DURATION_BUCKETS_SECONDS,
  attributes: MCP_SESSION_ATTRIBUTES,
});

/** Every metric, in the order of `docs/telemetry.md`. */
export const METRIC_CATALOGUE: readonly MetricDefinition[] = [
  TOOL_DURATION,
  WORKFLOW_DURATION,
  AGENT_DURATION,
  WORKFLOW_EXECUTIONS,
  TOOL_RETRIES,
  TOOL_FALLBACKS,
  PAYLOAD_SIZE,
  HEALTH_STATUS,
  HEALTH_CHECK_DURATION,
  HEALTH_CONSECUTIVE_FAILURES,
  PROBE_LAST_CHECK,
  PROBE_CHECK_INTERVAL,
  PROBE_SHARDS,
  ALERTS_ACTIVE,
  VALUES_TRUNCATED,
  MCP_CLIENT_OPERATION_DURATION,
  MCP_SERVER_OPERATION_DURATION,
  MCP_CLIENT_SESSION_DURATION,
  MCP_SERVER_SESSION_DURATION,
];
