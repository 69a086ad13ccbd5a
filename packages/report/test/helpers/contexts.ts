import { DEFAULT_THRESHOLDS } from '../../src/rules/thresholds.ts';
import type {
  ToolReport,
  ToolRuleContext,
  Trend,
  WindowInfo,
  WorkflowReport,
  WorkflowRuleContext,
} from '../../src/types.ts';

export const WINDOW: WindowInfo = {
  from: '2026-01-15T11:45:00.000Z',
  to: '2026-01-15T12:00:00.000Z',
  durationMs: 900_000,
  label: '15m',
};
export const PREVIOUS: WindowInfo = {
  from: '2026-01-15T11:30:00.000Z',
  to: '2026-01-15T11:45:00.000Z',
  durationMs: 900_000,
  label: '15m',
};

/** A healthy, unremarkable tool: 200 calls, all fine; override what the test is about. */
export function toolReport(over: Partial<ToolReport> = {}): ToolReport {
  const calls = over.calls ?? 200;
  const errors = over.errors ?? 0;
  return {
    tool: 'search',
    toolType: 'function',
    calls,
    successes: calls - errors,
    errors,
    successRate: calls > 0 ? (calls - errors) / calls : null,
    errorRate: calls > 0 ? errors / calls : null,
    errorTypes: {},
    retries: 0,
    retriedCalls: 0,
    retryRate: 0,
    fallbacks: 0,
    fallbackFor: {},
    fallbacksReceived: 0,
    durationMs: { min: 10, max: 900, mean: 150, p50: 120, p95: 300, p99: 600 },
    payloadBytes: {
      input: { count: 0, mean: null, p95: null, max: null },
      output: { count: 0, mean: null, p95: null, max: null },
    },
    expectedPerformanceMs: null,
    health: null,
    lastCallAt: null,
    ...over,
  };
}

export function trend(
  current: Trend['current'],
  previous: Trend['previous'],
  change: Partial<Trend['change']>,
): Trend {
  return {
    kind: 'tool',
    subject: 'search',
    current,
    previous,
    change: { p95Pct: null, errorRatePts: null, volumePct: null, ...change },
    degraded: false,
    reasons: [],
  };
}

export function toolCtx(over: Partial<ToolRuleContext> = {}): ToolRuleContext {
  return {
    tool: toolReport(),
    previous: undefined,
    trend: undefined,
    alerts: [],
    history: [],
    thresholds: { ...DEFAULT_THRESHOLDS },
    window: WINDOW,
    previousWindow: PREVIOUS,
    ...over,
  };
}

export function workflowReport(over: Partial<WorkflowReport> = {}): WorkflowReport {
  const outcomes = over.outcomes ?? { completed: 50, partial: 0, failed: 0 };
  const n = outcomes.completed + outcomes.partial + outcomes.failed;
  return {
    workflow: 'plan',
    executions: n,
    outcomes,
    completionRate: outcomes.completed / n,
    partialRate: outcomes.partial / n,
    failureRate: outcomes.failed / n,
    durationMs: { min: 1000, max: 3000, mean: 1500, p50: 1400, p95: 2000, p99: 2500 },
    avgSteps: 3,
    toolsUsed: { search: n },
    lastRunAt: null,
    ...over,
  };
}

export function workflowCtx(over: Partial<WorkflowRuleContext> = {}): WorkflowRuleContext {
  return {
    workflow: workflowReport(),
    previous: undefined,
    trend: undefined,
    thresholds: { ...DEFAULT_THRESHOLDS },
    window: WINDOW,
    previousWindow: PREVIOUS,
    ...over,
  };
}
