import { describe, expect, it } from 'vitest';
import { workflowCompletion, workflowDegraded } from '../../src/rules/workflow-rules.ts';
import { workflowCtx, workflowReport } from '../helpers/contexts.ts';

describe('workflow rules', () => {
  it('40 of 50 completed (80%) → warning; 20 of 50 (40%) → error; 45 of 50 → nothing', () => {
    const at = (completed: number, partial: number, failed: number) =>
      workflowCompletion(
        workflowCtx({ workflow: workflowReport({ outcomes: { completed, partial, failed } }) }),
      );
    const r = at(40, 6, 4)!;
    expect(r).toMatchObject({
      rule: 'workflow_completion',
      severity: 'warning',
      kind: 'workflow',
      subject: 'plan',
    });
    expect(r.evidence.values).toEqual({
      completionRate: 0.8,
      completed: 40,
      partial: 6,
      failed: 4,
      executions: 50,
    });
    expect(at(20, 10, 20)!.severity).toBe('error');
    expect(at(45, 5, 0)).toBeUndefined();
    expect(at(5, 5, 5)).toBeUndefined(); // 15 executions < minCalls
  });
  it('a degraded trend → warning with the reasons', () => {
    const r = workflowDegraded(
      workflowCtx({
        trend: {
          kind: 'workflow',
          subject: 'plan',
          current: { calls: 50, errorRate: 0, p95Ms: 2800 },
          previous: { calls: 50, errorRate: 0, p95Ms: 2000 },
          change: { p95Pct: 40, errorRatePts: 0, volumePct: 0 },
          degraded: true,
          reasons: ['p95 +40% (2000 ms → 2800 ms)'],
        },
      }),
    )!;
    expect(r.severity).toBe('warning');
    expect(r.message).toContain('p95 +40% (2000 ms → 2800 ms)');
    expect(workflowDegraded(workflowCtx())).toBeUndefined();
  });
});
