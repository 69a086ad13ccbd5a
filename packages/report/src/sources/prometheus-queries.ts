import {
  LABEL_ERROR_TYPE,
  LABEL_FALLBACK_FOR,
  LABEL_HEALTH_CHECK_ID,
  LABEL_HEALTH_STATE,
  LABEL_LE,
  LABEL_PAYLOAD_DIRECTION,
  LABEL_TOOL_NAME,
  LABEL_TOOL_TYPE,
  LABEL_WORKFLOW_NAME,
  LABEL_WORKFLOW_OUTCOME,
  PROM_HEALTH_STATUS_PATTERN,
  PROM_TOOL_DURATION,
  PROM_TOOL_FALLBACKS,
  PROM_TOOL_PAYLOAD_SIZE,
  PROM_TOOL_RETRIES,
  PROM_WORKFLOW_DURATION,
  PROM_WORKFLOW_EXECUTIONS,
} from '../semconv.ts';

/** The PromQL a `PrometheusSource` sends for one window, by purpose. */
export interface PrometheusQueries {
  readonly toolBuckets: string;
  readonly toolCounts: string;
  readonly toolSums: string;
  readonly toolRetries: string;
  readonly toolFallbacks: string;
  readonly payloadBuckets: string;
  readonly payloadSums: string;
  readonly workflowBuckets: string;
  readonly workflowCounts: string;
  readonly workflowSums: string;
  readonly workflowExecutions: string;
  readonly health: string;
}

/**
 * The increase of a counter (or of each histogram bucket) over the `seconds` before the
 * evaluation time: `increase()` for series that existed when the window began, and the
 * series' last value for series born inside the window (which `increase()` would undercount:
 * it only sees the difference between the samples it has, so a series first scraped at 12
 * calls reports ~0 for those 12):
 *
 *   (increase(m[900s]) and m offset 900s) or (last_over_time(m[900s]) unless m offset 900s)
 */
export function windowIncrease(selector: string, seconds: number): string {
  const r = `${seconds}s`;
  return `((increase(${selector}[${r}]) and ${selector} offset ${r}) or (last_over_time(${selector}[${r}]) unless ${selector} offset ${r}))`;
}

/** `name{extra, matchers}`. */
export function selectorOf(name: string, matchers: string, extra = ''): string {
  const all = [extra, matchers].map((s) => s.trim()).filter((s) => s !== '');
  return `${name}{${all.join(', ')}}`;
}

/**
 * Builds every query of one window. `matchers` are the user's extra label matchers
 * (`PrometheusSourceOptions.selector`); `seconds` the window length.
 */
export function buildQueries(matchers: string, seconds: number): PrometheusQueries {
  const inc = (name: string) => windowIncrease(selectorOf(name, matchers), seconds);
  const by = (labels: string[], expr: string) => `sum by (${labels.join(', ')}) (${expr})`;
  return {
    toolBuckets: by([LABEL_TOOL_NAME, LABEL_LE], inc(`${PROM_TOOL_DURATION}_bucket`)),
    toolCounts: by(
      [LABEL_TOOL_NAME, LABEL_TOOL_TYPE, LABEL_ERROR_TYPE],
      inc(`${PROM_TOOL_DURATION}_count`),
    ),
    toolSums: by([LABEL_TOOL_NAME], inc(`${PROM_TOOL_DURATION}_sum`)),
    toolRetries: by([LABEL_TOOL_NAME], inc(PROM_TOOL_RETRIES)),
    toolFallbacks: by([LABEL_TOOL_NAME, LABEL_FALLBACK_FOR], inc(PROM_TOOL_FALLBACKS)),
    payloadBuckets: by(
      [LABEL_TOOL_NAME, LABEL_PAYLOAD_DIRECTION, LABEL_LE],
      inc(`${PROM_TOOL_PAYLOAD_SIZE}_bucket`),
    ),
    payloadSums: by(
      [LABEL_TOOL_NAME, LABEL_PAYLOAD_DIRECTION],
      inc(`${PROM_TOOL_PAYLOAD_SIZE}_sum`),
    ),
    workflowBuckets: by([LABEL_WORKFLOW_NAME, LABEL_LE], inc(`${PROM_WORKFLOW_DURATION}_bucket`)),
    workflowCounts: by(
      [LABEL_WORKFLOW_NAME, LABEL_ERROR_TYPE],
      inc(`${PROM_WORKFLOW_DURATION}_count`),
    ),
    workflowSums: by([LABEL_WORKFLOW_NAME], inc(`${PROM_WORKFLOW_DURATION}_sum`)),
    workflowExecutions: by(
      [LABEL_WORKFLOW_NAME, LABEL_WORKFLOW_OUTCOME],
      inc(PROM_WORKFLOW_EXECUTIONS),
    ),
    health: `max by (${LABEL_HEALTH_CHECK_ID}, ${LABEL_HEALTH_STATE}) (${selectorOf('', matchers, `__name__=~"${PROM_HEALTH_STATUS_PATTERN}"`)}) == 1`,
  };
}

/** Firing alerts of the Prometheus rules (`collector-config/alert-rules.yml`). */
export const FIRING_ALERTS_QUERY = 'ALERTS{alertstate="firing"}';

/** Metric names whose presence means "toolscope exports here". */
export function isToolscopeMetricName(name: string): boolean {
  return (
    name.startsWith(PROM_TOOL_DURATION) ||
    name.startsWith(PROM_WORKFLOW_DURATION) ||
    name.startsWith('toolscope_')
  );
}
