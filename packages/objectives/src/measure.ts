import type { ToolWindowStats, WorkflowWindowStats } from '@toolscope/instrumentation';
import type { ObjectiveKind, ResolvedObjective } from './types.ts';

/** One value to judge: what was measured against which bound. */
export interface Reading {
  readonly kind: ObjectiveKind;
  /** Latency in ms, or a rate. NaN when nothing was measured. */
  readonly value: number;
  readonly bound: number;
}

/**
 * The readings of a tool's objectives over a window. `fallbacksFor` is the number of calls
 * (of any tool) recorded as standing in for this tool in the same window.
 *
 * Example: 40 calls, 2 failed, 10 retry attempts, 4 fallbacks standing in for it, p95
 * 0.91 s → latency 910 ms, success 0.95, retry rate 0.25, fallback rate 0.1.
 */
export function toolReadings(
  stats: ToolWindowStats,
  fallbacksFor: number,
  objective: ResolvedObjective,
): Reading[] {
  const calls = stats.calls;
  const out: Reading[] = [];
  if (objective.latency !== undefined) {
    out.push({
      kind: 'latency_threshold',
      value: stats.duration.quantile(objective.latency.percentile / 100) * 1000,
      bound: objective.latency.maxMs,
    });
  }
  if (objective.minSuccessRate !== undefined) {
    out.push({
      kind: 'error_rate_threshold',
      value: calls > 0 ? (calls - stats.errors) / calls : Number.NaN,
      bound: objective.minSuccessRate,
    });
  }
  if (objective.maxRetryRate !== undefined) {
    out.push({
      kind: 'retry_rate_threshold',
      value: calls > 0 ? stats.retries / calls : Number.NaN,
      bound: objective.maxRetryRate,
    });
  }
  if (objective.maxFallbackRate !== undefined) {
    out.push({
      kind: 'fallback_rate_threshold',
      value: calls > 0 ? fallbacksFor / calls : Number.NaN,
      bound: objective.maxFallbackRate,
    });
  }
  return out;
}

/** The readings of a workflow's objectives: a run succeeds unless its outcome is `failed`. */
export function workflowReadings(
  stats: WorkflowWindowStats,
  objective: ResolvedObjective,
): Reading[] {
  const runs = stats.executions;
  const out: Reading[] = [];
  if (objective.latency !== undefined) {
    out.push({
      kind: 'latency_threshold',
      value: stats.duration.quantile(objective.latency.percentile / 100) * 1000,
      bound: objective.latency.maxMs,
    });
  }
  if (objective.minSuccessRate !== undefined) {
    out.push({
      kind: 'error_rate_threshold',
      value: runs > 0 ? (runs - stats.outcomes.failed) / runs : Number.NaN,
      bound: objective.minSuccessRate,
    });
  }
  return out;
}
