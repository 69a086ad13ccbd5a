/**
 * The one table of Prometheus alert names: the rules toolscope ships
 * (`collector-config/alert-rules.yml`) and the rules `@toolscope/objectives` generates
 * (`renderPrometheusRules`), each with the toolscope alert kind it stands for, so the report
 * shows alerts from Prometheus under the same kinds as alerts raised in process.
 */
import type { AlertKind } from '../types.ts';

/** What an objective judges (`toolscope.alert.kind` of its alerts). */
export type ObjectiveAlertKind =
  | 'latency_threshold'
  | 'error_rate_threshold'
  | 'retry_rate_threshold'
  | 'fallback_rate_threshold';

/** Names of the alert rules `renderPrometheusRules` generates, by subject and kind. */
export const OBJECTIVE_ALERT_NAMES: {
  readonly tool: Readonly<Record<ObjectiveAlertKind, string>>;
  readonly workflow: Readonly<Partial<Record<ObjectiveAlertKind, string>>>;
} = Object.freeze({
  tool: Object.freeze({
    latency_threshold: 'ToolLatencyObjective',
    error_rate_threshold: 'ToolSuccessRateObjective',
    retry_rate_threshold: 'ToolRetryRateObjective',
    fallback_rate_threshold: 'ToolFallbackRateObjective',
  }),
  workflow: Object.freeze({
    latency_threshold: 'WorkflowLatencyObjective',
    error_rate_threshold: 'WorkflowSuccessRateObjective',
  }),
});

/** Names of the alert rules in `collector-config/alert-rules.yml`, with their kinds. */
export const BUNDLED_ALERT_KINDS: Readonly<Record<string, AlertKind>> = Object.freeze({
  ToolUnhealthy: 'tool_unhealthy',
  ToolDegraded: 'tool_degraded',
  ToolLatencyP95High: 'latency_threshold',
  ToolErrorRateHigh: 'error_rate_threshold',
  ToolErrorBudgetBurnFast: 'error_rate_threshold',
  ToolErrorBudgetBurnSlow: 'error_rate_threshold',
  ProbeShardAbsent: 'probe_absent',
});

/** The label every generated and bundled rule may carry with its kind. */
export const ALERT_KIND_LABEL = 'toolscope_alert_kind' as const;

const OBJECTIVE_KINDS: ReadonlyMap<string, AlertKind> = new Map(
  (['tool', 'workflow'] as const).flatMap((subject) =>
    Object.entries(OBJECTIVE_ALERT_NAMES[subject]).map(
      ([kind, name]) => [name, kind as AlertKind] as const,
    ),
  ),
);

/**
 * The toolscope alert kind of a Prometheus alert: its `toolscope_alert_kind` label when set,
 * else the kind its name stands for, else `undefined` (a rule toolscope does not know).
 *
 * @example alertKindOf('ToolSuccessRateObjective', {}) === 'error_rate_threshold'
 */
export function alertKindOf(
  alertname: string,
  labels: Readonly<Record<string, string | undefined>>,
): AlertKind | undefined {
  const label = labels[ALERT_KIND_LABEL];
  if (typeof label === 'string' && label !== '') return label as AlertKind;
  return BUNDLED_ALERT_KINDS[alertname] ?? OBJECTIVE_KINDS.get(alertname);
}
