/**
 * The Prometheus names of the catalogue's metrics and attributes, derived (never typed twice)
 * the way the collector's `prometheus` exporter and Prometheus' OTLP receiver translate them
 * by default (`UnderscoreEscapingWithSuffixes`): dots and other characters become `_`, the
 * unit adds a suffix (`s` → `_seconds`, `By` → `_bytes`, `1` → `_ratio` on gauges; an
 * annotation such as `{retry}` adds none), counters end in `_total`. Histograms are read as
 * `<name>_bucket`, `<name>_sum` and `<name>_count`.
 *
 * @example prometheusMetricName(TOOL_DURATION) === 'gen_ai_execute_tool_duration_seconds'
 * @example prometheusLabel('gen_ai.tool.name') === 'gen_ai_tool_name'
 */
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_MCP_METHOD_NAME,
  ATTR_TOOLSCOPE_HEALTH_CHECK_ID,
  ATTR_TOOLSCOPE_HEALTH_STATE,
  ATTR_TOOLSCOPE_PAYLOAD_DIRECTION,
  ATTR_TOOLSCOPE_PROBE_SHARD,
  ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR,
  ATTR_TOOLSCOPE_TRUNCATION_SITE,
  ATTR_TOOLSCOPE_WORKFLOW_OUTCOME,
} from '../semconv.ts';
import {
  AGENT_DURATION,
  ALERTS_ACTIVE,
  HEALTH_CHECK_DURATION,
  HEALTH_CONSECUTIVE_FAILURES,
  HEALTH_STATUS,
  MCP_CLIENT_OPERATION_DURATION,
  MCP_CLIENT_SESSION_DURATION,
  MCP_SERVER_OPERATION_DURATION,
  MCP_SERVER_SESSION_DURATION,
  type MetricDefinition,
  PAYLOAD_SIZE,
  PROBE_CHECK_INTERVAL,
  PROBE_LAST_CHECK,
  PROBE_SHARDS,
  TOOL_DURATION,
  TOOL_FALLBACKS,
  TOOL_RETRIES,
  VALUES_TRUNCATED,
  WORKFLOW_DURATION,
  WORKFLOW_EXECUTIONS,
} from './catalogue.ts';

const UNIT_SUFFIX: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
};

/** The Prometheus label of an attribute: every character outside `[a-zA-Z0-9_]` becomes `_`. */
export function prometheusLabel(attribute: string): string {
  const label = attribute.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(label) ? `key_${label}` : label;
}

/** The Prometheus metric name of a catalogue entry (without `_bucket`/`_sum`/`_count`). */
export function prometheusMetricName(metric: MetricDefinition): string {
  let name = prometheusLabel(metric.name);
  const suffix =
    UNIT_SUFFIX[metric.unit] ?? (metric.unit === '1' && metric.kind === 'gauge' ? 'ratio' : '');
  if (suffix !== '' && !name.endsWith(`_${suffix}`)) name = `${name}_${suffix}`;
  if (metric.kind === 'counter') name = `${name}_total`;
  return name;
}

/** The Prometheus names toolscope's readers query (report, objectives' rules, tests). */
export const PROM_METRICS = Object.freeze({
  toolDuration: prometheusMetricName(TOOL_DURATION),
  workflowDuration: prometheusMetricName(WORKFLOW_DURATION),
  agentDuration: prometheusMetricName(AGENT_DURATION),
  workflowExecutions: prometheusMetricName(WORKFLOW_EXECUTIONS),
  toolRetries: prometheusMetricName(TOOL_RETRIES),
  toolFallbacks: prometheusMetricName(TOOL_FALLBACKS),
  payloadSize: prometheusMetricName(PAYLOAD_SIZE),
  healthStatus: prometheusMetricName(HEALTH_STATUS),
  healthCheckDuration: prometheusMetricName(HEALTH_CHECK_DURATION),
  healthConsecutiveFailures: prometheusMetricName(HEALTH_CONSECUTIVE_FAILURES),
  alertsActive: prometheusMetricName(ALERTS_ACTIVE),
  probeLastCheck: prometheusMetricName(PROBE_LAST_CHECK),
  probeCheckInterval: prometheusMetricName(PROBE_CHECK_INTERVAL),
  probeShards: prometheusMetricName(PROBE_SHARDS),
  valuesTruncated: prometheusMetricName(VALUES_TRUNCATED),
  mcpClientOperationDuration: prometheusMetricName(MCP_CLIENT_OPERATION_DURATION),
  mcpServerOperationDuration: prometheusMetricName(MCP_SERVER_OPERATION_DURATION),
  mcpClientSessionDuration: prometheusMetricName(MCP_CLIENT_SESSION_DURATION),
  mcpServerSessionDuration: prometheusMetricName(MCP_SERVER_SESSION_DURATION),
});

/** The Prometheus labels toolscope's readers use. */
export const PROM_LABELS = Object.freeze({
  toolName: prometheusLabel(ATTR_GEN_AI_TOOL_NAME),
  toolType: prometheusLabel(ATTR_GEN_AI_TOOL_TYPE),
  errorType: prometheusLabel(ATTR_ERROR_TYPE),
  workflowName: prometheusLabel(ATTR_GEN_AI_WORKFLOW_NAME),
  workflowOutcome: prometheusLabel(ATTR_TOOLSCOPE_WORKFLOW_OUTCOME),
  agentName: prometheusLabel(ATTR_GEN_AI_AGENT_NAME),
  fallbackFor: prometheusLabel(ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR),
  payloadDirection: prometheusLabel(ATTR_TOOLSCOPE_PAYLOAD_DIRECTION),
  healthCheckId: prometheusLabel(ATTR_TOOLSCOPE_HEALTH_CHECK_ID),
  healthState: prometheusLabel(ATTR_TOOLSCOPE_HEALTH_STATE),
  probeShard: prometheusLabel(ATTR_TOOLSCOPE_PROBE_SHARD),
  mcpMethodName: prometheusLabel(ATTR_MCP_METHOD_NAME),
  truncationSite: prometheusLabel(ATTR_TOOLSCOPE_TRUNCATION_SITE),
  le: 'le',
});
