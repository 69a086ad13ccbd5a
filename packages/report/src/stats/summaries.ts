import type { DistributionSummary, ToolHealth } from '@toolscope/instrumentation';
import type {
  DurationStats,
  HealthEntry,
  PayloadStats,
  ToolReport,
  ToolSample,
  WorkflowReport,
  WorkflowSample,
} from '../types.ts';

/**
 * Duration statistics in ms from a distribution in seconds. Worked example: durations 0.1,
 * 0.2, 0.3, 0.4 s (count 4, sum 1.0) give min 100, max 400, mean 250; the percentiles are
 * whatever the distribution answers for q = 0.5, 0.95, 0.99, times 1000.
 */
export function durationStats(d: DistributionSummary): DurationStats {
  if (!(d.count > 0)) return { min: null, max: null, mean: null, p50: null, p95: null, p99: null };
  return {
    min: msOrNull(d.min),
    max: msOrNull(d.max),
    mean: msOrNull(d.sum / d.count),
    p50: msOrNull(d.quantile(0.5)),
    p95: msOrNull(d.quantile(0.95)),
    p99: msOrNull(d.quantile(0.99)),
  };
}

/** Payload statistics in bytes. */
export function payloadStats(d: DistributionSummary): PayloadStats {
  if (!(d.count > 0)) return { count: 0, mean: null, p95: null, max: null };
  return {
    count: Math.round(d.count),
    mean: finiteOrNull(round(d.sum / d.count, 1)),
    p95: finiteOrNull(Math.round(d.quantile(0.95))),
    max: finiteOrNull(Math.round(d.max)),
  };
}

/** The report's view of one health entry. */
export function healthEntry(h: ToolHealth): HealthEntry {
  return {
    tool: h.tool,
    state: h.state,
    since: new Date(h.sinceMs).toISOString(),
    updatedAt: new Date(h.updatedAtMs).toISOString(),
    latencyMs: h.latencyMs ?? null,
    errorType: h.errorType ?? null,
  };
}

/**
 * One tool's section. Worked example: 200 calls, error types { Timeout: 6, HTTP_503: 4 },
 * 30 retries → successes 190, successRate 0.95, errorRate 0.05, retryRate 0.15; errorTypes
 * ordered { Timeout: 6, HTTP_503: 4 }.
 */
export function toolReport(
  s: ToolSample,
  health: HealthEntry | null,
  fallbacksReceived: number,
  expectedOverride: number | undefined,
): ToolReport {
  const calls = s.calls;
  const errors = Math.min(s.errors, calls);
  const errorTypes = Object.fromEntries(
    Object.entries(s.errorTypes).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)),
  );
  const fallbackFor = Object.fromEntries(
    Object.entries(s.fallbacks).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)),
  );
  return {
    tool: s.tool,
    toolType: s.toolType,
    calls,
    successes: calls - errors,
    errors,
    successRate: ratio(calls - errors, calls),
    errorRate: ratio(errors, calls),
    errorTypes,
    retries: s.retries,
    retriedCalls: s.retriedCalls,
    retryRate: ratio(s.retries, calls),
    fallbacks: Object.values(s.fallbacks).reduce((a, b) => a + b, 0),
    fallbackFor,
    fallbacksReceived,
    durationMs: durationStats(s.duration),
    payloadBytes: { input: payloadStats(s.inputBytes), output: payloadStats(s.outputBytes) },
    expectedPerformanceMs: expectedOverride ?? s.expectedPerformanceMs,
    health,
    lastCallAt: s.lastCallMs === null ? null : new Date(s.lastCallMs).toISOString(),
  };
}

/**
 * One workflow's section. Worked example: outcomes { completed: 45, partial: 3, failed: 2 },
 * 140 steps completed → executions 50, completionRate 0.9, partialRate 0.06, failureRate
 * 0.04, avgSteps 2.8.
 */
export function workflowReport(s: WorkflowSample): WorkflowReport {
  const n = s.executions;
  return {
    workflow: s.workflow,
    executions: n,
    outcomes: { ...s.outcomes },
    completionRate: ratio(s.outcomes.completed, n),
    partialRate: ratio(s.outcomes.partial, n),
    failureRate: ratio(s.outcomes.failed, n),
    durationMs: durationStats(s.duration),
    avgSteps: s.stepsCompleted === null || n === 0 ? null : round(s.stepsCompleted / n, 2),
    toolsUsed:
      s.tools === null
        ? null
        : Object.fromEntries(
            Object.entries(s.tools).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)),
          ),
    lastRunAt: s.lastRunMs === null ? null : new Date(s.lastRunMs).toISOString(),
  };
}

/** a / b, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

function msOrNull(seconds: number): number | null {
  return finiteOrNull(round(seconds * 1000, 3));
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
