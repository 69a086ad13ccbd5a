import { PROM_LABELS, PROM_METRICS } from '@toolscope/instrumentation/internal';

const L = PROM_LABELS;
const M = PROM_METRICS;

/**
 * The health state set, read under both spellings (`toolscope_health_status(_ratio)?`): the
 * collector's translator appends `_ratio` to a gauge whose unit is `1`, which series written
 * before the catalogue's `{state}` unit carry.
 */
export const HEALTH_STATUS_PATTERN = `${M.healthStatus.replace(/_ratio$/, '')}(_ratio)?`;

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
    toolBuckets: by([L.toolName, L.le], inc(`${M.toolDuration}_bucket`)),
    toolCounts: by([L.toolName, L.toolType, L.errorType], inc(`${M.toolDuration}_count`)),
    toolSums: by([L.toolName], inc(`${M.toolDuration}_sum`)),
    toolRetries: by([L.toolName], inc(M.toolRetries)),
    toolFallbacks: by([L.toolName, L.fallbackFor], inc(M.toolFallbacks)),
    payloadBuckets: by([L.toolName, L.payloadDirection, L.le], inc(`${M.payloadSize}_bucket`)),
    payloadSums: by([L.toolName, L.payloadDirection], inc(`${M.payloadSize}_sum`)),
    workflowBuckets: by([L.workflowName, L.le], inc(`${M.workflowDuration}_bucket`)),
    workflowCounts: by([L.workflowName, L.errorType], inc(`${M.workflowDuration}_count`)),
    workflowSums: by([L.workflowName], inc(`${M.workflowDuration}_sum`)),
    workflowExecutions: by([L.workflowName, L.workflowOutcome], inc(M.workflowExecutions)),
    health: `max by (${L.healthCheckId}, ${L.healthState}) (${selectorOf('', matchers, `__name__=~"${HEALTH_STATUS_PATTERN}"`)}) == 1`,
  };
}

/** Firing alerts of the Prometheus rules (`collector-config/alert-rules.yml`). */
export const FIRING_ALERTS_QUERY = 'ALERTS{alertstate="firing"}';

/** Metric names whose presence means "toolscope exports here". */
export function isToolscopeMetricName(name: string): boolean {
  return (
    name.startsWith(M.toolDuration) ||
    name.startsWith(M.workflowDuration) ||
    name.startsWith('toolscope_')
  );
}
