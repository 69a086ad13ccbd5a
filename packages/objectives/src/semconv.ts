/**
 * Names from the telemetry contract (`design/telemetry-contract.md`), copied as constants.
 * The GenAI conventions are experimental (Development stability).
 */

export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name' as const;
export const ATTR_GEN_AI_WORKFLOW_NAME = 'gen_ai.workflow.name' as const;

/** Span of one alert change raised by the objective monitor (INTERNAL, ended at once). */
export const SPAN_NAME_OBJECTIVE_CHECK = 'objective_check' as const;

// Prometheus names of the contract's metrics (collector `prometheus` exporter, suffixes on).
export const PROM_TOOL_DURATION = 'gen_ai_execute_tool_duration_seconds' as const;
export const PROM_WORKFLOW_DURATION = 'gen_ai_workflow_duration_seconds' as const;
export const PROM_TOOL_RETRIES = 'toolscope_tool_retries_total' as const;
export const PROM_TOOL_FALLBACKS = 'toolscope_tool_fallbacks_total' as const;
export const PROM_LABEL_TOOL_NAME = 'gen_ai_tool_name' as const;
export const PROM_LABEL_WORKFLOW_NAME = 'gen_ai_workflow_name' as const;
export const PROM_LABEL_ERROR_TYPE = 'error_type' as const;
export const PROM_LABEL_FALLBACK_FOR = 'toolscope_tool_fallback_for' as const;
