/*
 * Names the report reads, copied from the telemetry contract (`design/telemetry-contract.md`)
 * as the collector's `prometheus` exporter renders them (dots → `_`, unit suffixes `_seconds`
 * and `_bytes`, counters `_total`). The GenAI names are experimental semantic conventions.
 */

// --- Prometheus metric names ---
export const PROM_TOOL_DURATION = 'gen_ai_execute_tool_duration_seconds' as const;
export const PROM_WORKFLOW_DURATION = 'gen_ai_workflow_duration_seconds' as const;
export const PROM_WORKFLOW_EXECUTIONS = 'toolscope_workflow_executions_total' as const;
export const PROM_TOOL_RETRIES = 'toolscope_tool_retries_total' as const;
export const PROM_TOOL_FALLBACKS = 'toolscope_tool_fallbacks_total' as const;
export const PROM_TOOL_PAYLOAD_SIZE = 'toolscope_tool_payload_size_bytes' as const;
/**
 * The health state set. The collector's translator appends `_ratio` to a gauge whose unit is
 * `1`, so both spellings are read (`{__name__=~"toolscope_health_status(_ratio)?"}`).
 */
export const PROM_HEALTH_STATUS_PATTERN = 'toolscope_health_status(_ratio)?' as const;

// --- Prometheus label names ---
export const LABEL_TOOL_NAME = 'gen_ai_tool_name' as const;
export const LABEL_TOOL_TYPE = 'gen_ai_tool_type' as const;
export const LABEL_ERROR_TYPE = 'error_type' as const;
export const LABEL_WORKFLOW_NAME = 'gen_ai_workflow_name' as const;
export const LABEL_WORKFLOW_OUTCOME = 'toolscope_workflow_outcome' as const;
export const LABEL_FALLBACK_FOR = 'toolscope_tool_fallback_for' as const;
export const LABEL_PAYLOAD_DIRECTION = 'toolscope_payload_direction' as const;
export const LABEL_HEALTH_CHECK_ID = 'toolscope_health_check_id' as const;
export const LABEL_HEALTH_STATE = 'toolscope_health_state' as const;
export const LABEL_LE = 'le' as const;
