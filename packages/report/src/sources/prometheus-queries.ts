import { PROM_LABELS, PROM_METRICS } from '@toolscope/instrumentation/internal';

const L = PROM_LABELS;
const M = PROM_METRICS;

/**
 * The health state set, read under both spellings (`toolscope_health_status(_ratio)?`): the
 * collector's translator appends `_ratio` to a gauge whose unit is `1`, which series written
 * before the catalogue's `{state}` unit carry.
 */
export const HEALTH_STATUS_PATTERN = `${M.healthStatus.replace(/_ratio$/, '')}(_ratio)?`;

/**
 * The PromQL a `PrometheusSource` sends for one window, by purpose. Every histogram query reads
 * both kinds a histogram can have in Prometheus, per group (tool, tool and direction, or
 * workflow): the native histogram (`<name>`, exponential histograms pushed over OTLP) when the
 * server holds one for the group in the window, else the classic series (`<name>_bucket`,
 * `_count`, `_sum`). Never both: a group whose metric holds both kinds (the SDK was switched,
 * or both paths feed this Prometheus) is read from the native histogram only.
 */
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
  /** Tools whose duration metric holds both kinds in the window (the classic side is unread). */
  readonly toolsWithBothKinds: string;
  /** Workflows whose duration metric holds both kinds in the window. */
  readonly workflowsWithBothKinds: string;
  /**
   * How many toolscope series Prometheus held at the window's start (`offset`, default
   * lookback), over every toolscope metric and without the user's matchers: empty or 0 means
   * Prometheus had no toolscope data then (it started, was wiped, or lost data around that
   * time), so `windowIncrease` cannot tell a series born in the window from one Prometheus
   * first saw in it. See `windowStartCaveat`.
   */
  readonly seriesAtStart: string;
}

/**
 * The names of toolscope's metrics as one `__name__` regex (Prometheus anchors it): the same
 * set `isToolscopeMetricName` recognises.
 */
export const TOOLSCOPE_NAME_PATTERN = `${M.toolDuration}.*|${M.workflowDuration}.*|toolscope_.*`;

/**
 * The increase of a counter (or of each histogram bucket) over the `seconds` before the
 * evaluation time: `increase()` for series that existed when the window began, and the
 * series' last value for series born inside the window (which `increase()` would undercount:
 * it only sees the difference between the samples it has, so a series first scraped at 12
 * calls reports ~0 for those 12):
 *
 *   (increase(m[900s]) and m offset 900s) or (last_over_time(m[900s]) unless m offset 900s)
 *
 * "Born inside the window" means "no sample within the lookback (5m) before the window's
 * start". From counters alone that cannot be told apart from a series Prometheus first saw
 * inside the window although the process had counted before (Prometheus started or lost data
 * then, the scrape target was added then): such a series is counted whole, too high. The
 * source says so when Prometheus held no toolscope series at all at the window's start
 * (`seriesAtStart`, `windowStartCaveat`); a target added while Prometheus held others is not
 * detected.
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
  /** Native histograms of `name` for each group, else its classic series. */
  const histogram = (name: string, group: string[]) => {
    const either = (native: string, classic: string) =>
      `${native} or on (${group.join(', ')}) ${classic}`;
    return {
      buckets: either(by(group, inc(name)), by([...group, L.le], inc(`${name}_bucket`))),
      counts: (labels: string[]) =>
        either(by(labels, `histogram_count(${inc(name)})`), by(labels, inc(`${name}_count`))),
      sums: either(by(group, `histogram_sum(${inc(name)})`), by(group, inc(`${name}_sum`))),
      bothKinds: `group by (${group.join(', ')}) (last_over_time(${selectorOf(name, matchers)}[${seconds}s])) and on (${group.join(', ')}) group by (${group.join(', ')}) (last_over_time(${selectorOf(`${name}_count`, matchers)}[${seconds}s]))`,
    };
  };
  const tool = histogram(M.toolDuration, [L.toolName]);
  const payload = histogram(M.payloadSize, [L.toolName, L.payloadDirection]);
  const workflow = histogram(M.workflowDuration, [L.workflowName]);
  return {
    toolBuckets: tool.buckets,
    toolCounts: tool.counts([L.toolName, L.toolType, L.errorType]),
    toolSums: tool.sums,
    toolRetries: by([L.toolName], inc(M.toolRetries)),
    toolFallbacks: by([L.toolName, L.fallbackFor], inc(M.toolFallbacks)),
    payloadBuckets: payload.buckets,
    payloadSums: payload.sums,
    workflowBuckets: workflow.buckets,
    workflowCounts: workflow.counts([L.workflowName, L.errorType]),
    workflowSums: workflow.sums,
    workflowExecutions: by([L.workflowName, L.workflowOutcome], inc(M.workflowExecutions)),
    // The tool label joins a check to its tool (series of older probes have the check id only).
    health: `max by (${L.healthCheckId}, ${L.toolName}, ${L.healthState}) (${selectorOf('', matchers, `__name__=~"${HEALTH_STATUS_PATTERN}"`)}) == 1`,
    toolsWithBothKinds: tool.bothKinds,
    workflowsWithBothKinds: workflow.bothKinds,
    seriesAtStart: `count({__name__=~"${TOOLSCOPE_NAME_PATTERN}"} offset ${seconds}s)`,
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
