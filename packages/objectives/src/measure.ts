import type { ToolWindowStats, WorkflowWindowStats } from '@toolscope/instrumentation';
import type { ObjectiveKind, ResolvedObjective } from './types.ts';

/** One value to judge: what was measured against which bound. */
export interface Reading {
  readonly kind: ObjectiveKind;
  /** Latency in ms, or a rate. NaN when nothing was measured. */
  readonly value: number;
  readonly bound: number;
}

/** The latency reading (ms at the objective's percentile), when the objective has one. */
function latencyReading(
  duration: ToolWindowStats['duration'],
  objective: ResolvedObjective,
): Reading[] {
  if (objective.latency === undefined) return [];
  return [
    {
      kind: 'latency_threshold',
      value: duration.quantile(objective.latency.percentile / 100) * 1000,
      bound: objective.latency.maxMs,
    },
  ];
}

/** The success-rate reading, when the objective has one; NaN without calls. */
function successReading(total: number, failed: number, objective: ResolvedObjective): Reading[] {
  if (objective.minSuccessRate === undefined) return [];
  return [
    {
      kind: 'error_rate_threshold',
      value: total > 0 ? (total - failed) / total : Number.NaN,
      bound: objective.minSuccessRate,
    },
  ];
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
  const out: Reading[] = [
    ...latencyReading(stats.duration, objective),
    ...successReading(calls, stats.errors, objective),
  ];
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
  return [
    ...latencyReading(stats.duration, objective),
    ...successReading(stats.executions, stats.outcomes.failed, objective),
  ];
}
