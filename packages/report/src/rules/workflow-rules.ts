import type { WorkflowRule } from '../types.ts';
import { pct, r3, recommend } from './recommendation.ts';

/**
 * Too few workflows complete: completion rate below `workflowCompletion` (0.9) → WARNING,
 * below `workflowCompletionSevere` (0.5) → ERROR. Needs `minCalls` executions.
 *
 * Example: 50 executions, 40 completed, 6 partial, 4 failed → 80% → warning.
 */
export const workflowCompletion: WorkflowRule = (ctx) => {
  const { workflow: w, thresholds: t } = ctx;
  if (w.executions < t.minCalls || w.completionRate === null) return undefined;
  if (w.completionRate >= t.workflowCompletion) return undefined;
  return recommend(ctx, {
    rule: 'workflow_completion',
    severity: w.completionRate < t.workflowCompletionSevere ? 'error' : 'warning',
    title: `${w.workflow} often does not complete`,
    message: `${w.outcomes.completed} of ${w.executions} executions completed (${pct(w.completionRate)}); ${w.outcomes.partial} partial, ${w.outcomes.failed} failed in ${ctx.window.label}.`,
    action:
      'Find the step that fails (the tool rules above usually name it) and add a fallback for it, or accept partial results explicitly.',
    values: {
      completionRate: r3(w.completionRate),
      completed: w.outcomes.completed,
      partial: w.outcomes.partial,
      failed: w.outcomes.failed,
      executions: w.executions,
    },
  });
};

/**
 * The workflow degraded against the previous window (its trend: p95 up `p95RegressionPct`
 * or more, or the not-completed rate spiked) → WARNING.
 *
 * Example: p95 2.0 s → 2.8 s (+40%) → warning.
 */
export const workflowDegraded: WorkflowRule = (ctx) => {
  const { trend, workflow: w } = ctx;
  if (trend === undefined || !trend.degraded) return undefined;
  return recommend(ctx, {
    rule: 'workflow_degraded',
    severity: 'warning',
    title: `${w.workflow} degraded`,
    message: `Against the previous ${ctx.window.label}: ${trend.reasons.join('; ')}.`,
    action: 'Compare the tools it uses between the two windows; the slowest step dominates.',
    values: {
      p95Ms: trend.current.p95Ms,
      previousP95Ms: trend.previous?.p95Ms ?? null,
      p95ChangePct: trend.change.p95Pct,
      notCompletedChangePts: trend.change.errorRatePts,
    },
  });
};

/** Every workflow rule. */
export const WORKFLOW_RULES: readonly WorkflowRule[] = [workflowCompletion, workflowDegraded];
