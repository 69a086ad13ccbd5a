import type { AlertEntry, ToolRule, ToolRuleContext } from '../types.ts';
import { ms, pct, r3, recommend, SEVERITY_RANK } from './recommendation.ts';

/**
 * Too few calls to conclude anything: INFO. The statistical rules below stay silent under
 * `minCalls`.
 *
 * Example (minCalls 20): 7 calls in 15m → info "only 7 calls in 15m".
 */
export const lowVolume: ToolRule = (ctx) => {
  const { tool, thresholds: t } = ctx;
  if (tool.calls >= t.minCalls) return undefined;
  return recommend(ctx, {
    rule: 'low_volume',
    severity: 'info',
    title: `Too little data on ${tool.tool}`,
    message: `Only ${tool.calls} calls in ${ctx.window.label}; below ${t.minCalls} calls the percentiles and rates are not conclusive.`,
    action: 'Widen the window or wait for more traffic before acting on these numbers.',
    values: { calls: tool.calls, minCalls: t.minCalls },
  });
};

/**
 * p95 grew against the previous window: WARNING from `p95RegressionPct` (25%), ERROR from
 * `p95RegressionSeverePct` (100%). Both windows need `minCalls`.
 *
 * Example: previous p95 200 ms → 260 ms (+30%) → warning; 200 → 450 ms (+125%) → error.
 */
export const p95Regression: ToolRule = (ctx) => {
  const { trend, thresholds: t, tool } = ctx;
  const change = trend?.change.p95Pct ?? null;
  if (change === null || change < t.p95RegressionPct) return undefined;
  const before = trend!.previous!.p95Ms;
  const now = trend!.current.p95Ms;
  return recommend(ctx, {
    rule: 'p95_regression',
    severity: change >= t.p95RegressionSeverePct ? 'error' : 'warning',
    title: `${tool.tool} got slower`,
    message: `p95 rose ${change}% (${ms(before)} → ${ms(now)}) against the previous ${ctx.window.label}.`,
    action:
      'Look at the slow traces of this tool (exemplars in Grafana, or Jaeger sorted by duration) and at recent changes of the tool or its backend.',
    values: { p95Ms: now, previousP95Ms: before, changePct: change },
  });
};

/** The spike condition shared by `errorRateSpike` and `highErrorRate`. */
function isSpike(ctx: ToolRuleContext): boolean {
  const { trend, thresholds: t } = ctx;
  const pts = trend?.change.errorRatePts ?? null;
  return (
    pts !== null &&
    pts >= t.errorRateSpikePts &&
    trend!.current.errorRate! >= 2 * trend!.previous!.errorRate!
  );
}

/**
 * The error rate jumped against the previous window: it rose `errorRateSpikePts` (5) points
 * or more and at least doubled → WARNING; a rise of `errorRateSpikeSeverePts` (15) points or
 * more → ERROR.
 *
 * Example: 2% → 9% (+7 pts, and 9 ≥ 2 × 2) → warning; 2% → 20% (+18 pts) → error; 10% → 16%
 * (+6 pts but not doubled) → nothing.
 */
export const errorRateSpike: ToolRule = (ctx) => {
  if (!isSpike(ctx)) return undefined;
  const { trend, thresholds: t, tool } = ctx;
  const pts = trend!.change.errorRatePts!;
  return recommend(ctx, {
    rule: 'error_rate_spike',
    severity: pts >= t.errorRateSpikeSeverePts ? 'error' : 'warning',
    title: `${tool.tool} fails more often`,
    message: `Error rate rose ${pts} points (${pct(trend!.previous!.errorRate)} → ${pct(trend!.current.errorRate)}) against the previous ${ctx.window.label}; top error types: ${topErrors(tool.errorTypes)}.`,
    action:
      'Check the failing calls (error.type on the tool spans) and the health of the service behind the tool; consider routing to a fallback.',
    values: {
      errorRate: r3(trend!.current.errorRate),
      previousErrorRate: r3(trend!.previous!.errorRate),
      changePts: pts,
      errors: tool.errors,
      calls: tool.calls,
    },
  });
};

/**
 * A steadily high error rate (not a spike): `highErrorRate` (5%) or more → WARNING,
 * `highErrorRateSevere` (25%) or more → ERROR. Needs `minCalls`.
 *
 * Example: 200 calls, 14 failed (7%), previous window 6% → warning.
 */
export const highErrorRate: ToolRule = (ctx) => {
  const { tool, thresholds: t } = ctx;
  if (tool.calls < t.minCalls || tool.errorRate === null || tool.errorRate < t.highErrorRate) {
    return undefined;
  }
  if (isSpike(ctx)) return undefined;
  return recommend(ctx, {
    rule: 'high_error_rate',
    severity: tool.errorRate >= t.highErrorRateSevere ? 'error' : 'warning',
    title: `${tool.tool} fails ${pct(tool.errorRate)} of its calls`,
    message: `${tool.errors} of ${tool.calls} calls failed in ${ctx.window.label} (success rate ${pct(tool.successRate)}); top error types: ${topErrors(tool.errorTypes)}.`,
    action:
      'Fix the dominant error type, add retries for transient errors, or prefer a more reliable alternative in the tool selector.',
    values: { errorRate: r3(tool.errorRate), errors: tool.errors, calls: tool.calls },
  });
};

/**
 * Slower than the declared expected performance (`expectedPerformanceMs`): p95 above
 * expected × `expectedFactor` (1) → WARNING; even the median above expected → ERROR.
 * Needs `minCalls`.
 *
 * Example: expected 1000 ms, p50 640 ms, p95 1450 ms → warning "p95 45% over"; p50 1200 ms
 * → error.
 */
export const slowerThanExpected: ToolRule = (ctx) => {
  const { tool, thresholds: t } = ctx;
  const expected = tool.expectedPerformanceMs;
  const p95 = tool.durationMs.p95;
  const p50 = tool.durationMs.p50;
  if (expected === null || p95 === null || tool.calls < t.minCalls) return undefined;
  if (p95 <= expected * t.expectedFactor) return undefined;
  const over = Math.round((p95 / expected - 1) * 100);
  return recommend(ctx, {
    rule: 'slower_than_expected',
    severity: p50 !== null && p50 > expected ? 'error' : 'warning',
    title: `${tool.tool} is slower than expected`,
    message: `p95 ${ms(p95)} is ${over}% over the expected ${ms(expected)} (p50 ${ms(p50)}).`,
    action:
      'Revise the expectation if it is outdated, or move latency-sensitive work to a faster tool; the selector already scores this tool lower.',
    values: { p50Ms: p50, p95Ms: p95, expectedMs: expected, overPct: over },
  });
};

/**
 * Other tools often stand in for this one: fallback calls received per own call
 * `heavyFallbackRate` (0.1) or more → WARNING, `heavyFallbackRateSevere` (0.3) → ERROR.
 * Needs `minCalls` own calls.
 *
 * Example: 120 calls of `search`, 18 fallback calls made for it → 0.15 → warning.
 */
export const heavyFallback: ToolRule = (ctx) => {
  const { tool, thresholds: t } = ctx;
  if (tool.calls < t.minCalls || tool.fallbacksReceived === 0) return undefined;
  const rate = tool.fallbacksReceived / tool.calls;
  if (rate < t.heavyFallbackRate) return undefined;
  return recommend(ctx, {
    rule: 'heavy_fallback',
    severity: rate >= t.heavyFallbackRateSevere ? 'error' : 'warning',
    title: `Fallbacks often replace ${tool.tool}`,
    message: `${tool.fallbacksReceived} fallback calls stood in for ${tool.tool} against ${tool.calls} own calls (${pct(rate)}) in ${ctx.window.label}.`,
    action:
      'Make the fallback the primary choice while this tool is unreliable, or fix what makes it fail.',
    values: { fallbacksReceived: tool.fallbacksReceived, calls: tool.calls, rate: r3(rate) },
  });
};

/**
 * Many retries: retry attempts per call `heavyRetryRate` (0.1) or more → WARNING,
 * `heavyRetryRateSevere` (0.5) → ERROR. Needs `minCalls`.
 *
 * Example: 200 calls, 36 retries → 0.18 → warning.
 */
export const heavyRetry: ToolRule = (ctx) => {
  const { tool, thresholds: t } = ctx;
  if (tool.calls < t.minCalls || tool.retryRate === null || tool.retryRate < t.heavyRetryRate) {
    return undefined;
  }
  return recommend(ctx, {
    rule: 'heavy_retry',
    severity: tool.retryRate >= t.heavyRetryRateSevere ? 'error' : 'warning',
    title: `${tool.tool} needs many retries`,
    message: `${tool.retries} retries for ${tool.calls} calls (${tool.retryRate.toFixed(2)} per call)${tool.retriedCalls === null ? '' : `; ${tool.retriedCalls} calls needed at least one`} in ${ctx.window.label}.`,
    action:
      'Retries hide failures and add latency: find the transient error behind them, tune timeouts, or back off harder.',
    values: {
      retries: tool.retries,
      calls: tool.calls,
      retryRate: r3(tool.retryRate),
      retriedCalls: tool.retriedCalls,
    },
  });
};

const HEALTH_ALERT_KINDS = new Set(['tool_unhealthy', 'tool_degraded']);

/**
 * The tool's current health is bad, from the probe's state or open health alerts:
 * unhealthy → ERROR (CRITICAL when a critical alert is open on it), degraded → WARNING,
 * maintenance → INFO.
 *
 * Example: state unhealthy since 12:00:05 and an open `tool_unhealthy` alert of severity
 * error → error; the same with a critical alert → critical.
 */
export const unhealthyTool: ToolRule = (ctx) => {
  const { tool, alerts } = ctx;
  const healthAlerts = alerts.filter((a) => HEALTH_ALERT_KINDS.has(a.kind));
  const state =
    tool.health?.state ??
    (healthAlerts.some((a) => a.kind === 'tool_unhealthy')
      ? 'unhealthy'
      : healthAlerts.length > 0
        ? 'degraded'
        : undefined);
  if (state !== 'unhealthy' && state !== 'degraded' && state !== 'maintenance') return undefined;
  const critical = healthAlerts.some((a) => a.severity === 'critical');
  const severity =
    state === 'unhealthy'
      ? critical
        ? 'critical'
        : 'error'
      : state === 'degraded'
        ? 'warning'
        : 'info';
  const since = tool.health?.since;
  return recommend(ctx, {
    rule: 'unhealthy_tool',
    severity,
    title: `${tool.tool} is ${state}`,
    message: `The health probe reports ${state}${since === undefined ? '' : ` since ${since}`}${tool.health?.errorType ? ` (last error ${tool.health.errorType})` : ''}${healthAlerts.length > 0 ? `; open alerts: ${healthAlerts.map((a) => `${a.kind} (${a.severity})`).join(', ')}` : ''}.`,
    action:
      state === 'maintenance'
        ? 'Expected while maintenance lasts; the selector avoids the tool meanwhile.'
        : 'Route around it (the selector avoids unhealthy tools) and check the service behind it.',
    values: {
      state,
      since: since ?? null,
      openAlerts: healthAlerts.length,
      errorRate: r3(tool.errorRate),
    },
  });
};

/**
 * Health flapping: `flapChanges` (4) or more state changes in the window → WARNING.
 *
 * Example: healthy → unhealthy → healthy → unhealthy → healthy within 15m = 4 changes →
 * warning.
 */
export const flappingTool: ToolRule = (ctx) => {
  const { history, thresholds: t, tool } = ctx;
  let changes = 0;
  for (let i = 1; i < history.length; i++) {
    if (history[i]!.state !== history[i - 1]!.state) changes++;
  }
  if (changes < t.flapChanges) return undefined;
  return recommend(ctx, {
    rule: 'flapping_tool',
    severity: 'warning',
    title: `${tool.tool} is flapping`,
    message: `Its health changed state ${changes} times in ${ctx.window.label} (${history.map((h) => h.state).join(' → ')}).`,
    action:
      'Flapping usually means a check threshold sits at the edge of normal behaviour or a dependency fails intermittently: widen the probe thresholds or fix the intermittent failure.',
    values: { changes, flapChanges: t.flapChanges },
  });
};

/**
 * Other open alerts about the tool (for example `latency_threshold` from an objective):
 * one recommendation with the highest alert severity.
 *
 * Example: open `latency_threshold` (warning) and `error_rate_threshold` (error) → error,
 * listing both.
 */
export const openAlerts: ToolRule = (ctx) => {
  const others = ctx.alerts.filter((a) => !HEALTH_ALERT_KINDS.has(a.kind));
  if (others.length === 0) return undefined;
  const top = highest(others);
  return recommend(ctx, {
    rule: 'open_alert',
    severity: top.severity,
    title: `${ctx.tool.tool} has ${others.length} open alert${others.length > 1 ? 's' : ''}`,
    message: others.map((a) => `${a.kind} (${a.severity}): ${a.message}`).join('; '),
    action:
      'Resolve the condition behind the alert; the selector demotes the tool while it is open.',
    values: {
      alerts: others.length,
      kinds: others.map((a) => a.kind).join(','),
      highestSeverity: top.severity,
    },
  });
};

function highest(alerts: readonly AlertEntry[]): AlertEntry {
  return alerts.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
}

function topErrors(errorTypes: Readonly<Record<string, number>>): string {
  const entries = Object.entries(errorTypes).slice(0, 3);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ×${v}`).join(', ');
}

/** Every tool rule, in report order within one severity. */
export const TOOL_RULES: readonly ToolRule[] = [
  unhealthyTool,
  errorRateSpike,
  highErrorRate,
  p95Regression,
  slowerThanExpected,
  heavyFallback,
  heavyRetry,
  flappingTool,
  openAlerts,
  lowVolume,
];
