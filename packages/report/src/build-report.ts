import type { Alert, TimeWindow } from '@toolscope/instrumentation';
import { formatDuration, parseDuration } from '@toolscope/instrumentation/internal';
import { logger } from './diag.ts';
import { EmptyWindowError, ReportConfigError, reportConfigError } from './errors.ts';
import { sortRecommendations } from './rules/recommendation.ts';
import { resolveThresholds } from './rules/thresholds.ts';
import { TOOL_RULES } from './rules/tool-rules.ts';
import { WORKFLOW_RULES } from './rules/workflow-rules.ts';
import { healthEntry, ratio, toolReport, workflowReport } from './stats/summaries.ts';
import { computeTrend } from './trends.ts';
import type {
  AlertEntry,
  HealthEntry,
  HealthTransition,
  Recommendation,
  RecommendationSeverity,
  Report,
  ReportOptions,
  ReportSource,
  SourceSnapshot,
  ToolReport,
  Trend,
  WindowInfo,
  WorkflowReport,
} from './types.ts';

/** The JSON shape version of `Report`. Bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1 as const;

/**
 * Builds a report from a source: the window ending `now`, the previous window of the same
 * length (trends), per-tool and per-workflow statistics, current health, open alerts and the
 * recommendations of every rule, ordered by severity.
 *
 * Throws `ReportConfigError` on bad options, `EmptyWindowError` when the window holds no
 * calls and no executions (unless `allowEmpty`), and whatever typed error the source throws
 * (`PrometheusUnreachableError`, `NoToolscopeMetricsError`, ...).
 */
export async function buildReport(
  source: ReportSource,
  options: ReportOptions = {},
): Promise<Report> {
  if (source === null || typeof source?.snapshot !== 'function') {
    throw new ReportConfigError(
      'source',
      'must be a ReportSource (InProcessSource or PrometheusSource)',
    );
  }
  const durationMs = parseDuration('window', options.window ?? '15m', { make: reportConfigError });
  const now = options.now ?? Date.now();
  if (!Number.isFinite(now)) throw new ReportConfigError('now', `must be epoch ms (got ${now})`);
  const thresholds = resolveThresholds(options.thresholds);
  const toolRules = options.rules?.tool ?? TOOL_RULES;
  const workflowRules = options.rules?.workflow ?? WORKFLOW_RULES;
  const label = formatDuration(durationMs);

  const current = await source.snapshot({ fromMs: now - durationMs, toMs: now });
  const previousRange: TimeWindow = {
    fromMs: current.window.fromMs - durationMs,
    toMs: current.window.fromMs,
  };
  const previous = options.compare === false ? undefined : await source.snapshot(previousRange);

  const calls = current.tools.reduce((a, t) => a + t.calls, 0);
  const executions = current.workflows.reduce((a, w) => a + w.executions, 0);
  if (calls === 0 && executions === 0 && options.allowEmpty !== true) {
    throw new EmptyWindowError(
      source.description,
      current.window.fromMs,
      current.window.toMs,
      label,
    );
  }

  const window = windowInfo(current.window, label);
  const previousWindow = previous === undefined ? null : windowInfo(previous.window, label);
  const health = current.health.map(healthEntry).sort((a, b) => a.tool.localeCompare(b.tool));
  const healthByTool = new Map(health.map((h) => [h.tool, h]));
  const alerts = current.alerts.map(alertEntry);
  const expected = options.expectedPerformanceMs ?? {};
  const tools = toolReports(current, healthByTool, expected);
  const prevTools = previous === undefined ? [] : toolReports(previous, new Map(), expected);
  const workflows = current.workflows.map(workflowReport);
  const prevWorkflows = previous?.workflows.map(workflowReport) ?? [];

  const trends: Trend[] = [
    ...tools.map((t) => {
      const p = prevTools.find((x) => x.tool === t.tool);
      return computeTrend(
        'tool',
        t.tool,
        toolPoint(t),
        p === undefined ? (previous === undefined ? null : emptyPoint()) : toolPoint(p),
        thresholds,
      );
    }),
    ...workflows.map((w) => {
      const p = prevWorkflows.find((x) => x.workflow === w.workflow);
      return computeTrend(
        'workflow',
        w.workflow,
        workflowPoint(w),
        p === undefined ? (previous === undefined ? null : emptyPoint()) : workflowPoint(p),
        thresholds,
      );
    }),
  ];

  const historyAll: readonly HealthTransition[] =
    current.healthHistory ?? options.healthHistory ?? [];
  const recs: Recommendation[] = [];
  const order = new Map<Recommendation, number>();
  for (const t of tools) {
    const ctx = {
      tool: t,
      previous: prevTools.find((x) => x.tool === t.tool),
      trend: trends.find((x) => x.kind === 'tool' && x.subject === t.tool),
      alerts: alerts.filter((a) => a.subject === t.tool),
      history: historyAll.filter((h) => h.tool === t.tool && h.atMs < current.window.toMs),
      thresholds,
      window,
      previousWindow,
    };
    for (const [i, rule] of toolRules.entries()) pushGuarded(recs, order, i, rule, ctx);
  }
  for (const w of workflows) {
    const ctx = {
      workflow: w,
      previous: prevWorkflows.find((x) => x.workflow === w.workflow),
      trend: trends.find((x) => x.kind === 'workflow' && x.subject === w.workflow),
      thresholds,
      window,
      previousWindow,
    };
    for (const [i, rule] of workflowRules.entries()) {
      pushGuarded(recs, order, toolRules.length + i, rule, ctx);
    }
  }
  const recommendations = sortRecommendations(recs, (r) => order.get(r) ?? 0);

  const errors = tools.reduce((a, t) => a + t.errors, 0);
  const bySeverity: Record<RecommendationSeverity, number> = {
    critical: 0,
    error: 0,
    warning: 0,
    info: 0,
  };
  for (const r of recommendations) bySeverity[r.severity]++;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: new Date(now).toISOString(),
    source: {
      kind: source.kind,
      description: source.description,
      accuracy: {
        ...current.accuracy,
        caveats: [
          ...(current.accuracy.caveats ?? []),
          ...(previous?.accuracy.caveats ?? []).map((c) => `Previous window (trends): ${c}`),
        ],
      },
    },
    window,
    previousWindow,
    summary: {
      tools: tools.length,
      calls,
      errors,
      successRate: ratio(calls - errors, calls),
      workflows: workflows.length,
      executions,
      unhealthyTools: health.filter((h) => h.state === 'unhealthy').map((h) => h.tool),
      degradedTools: health.filter((h) => h.state === 'degraded').map((h) => h.tool),
      recommendations: bySeverity,
    },
    tools,
    workflows,
    trends,
    recommendations,
    health,
    alerts,
    healthHistory: historyAll
      .filter((h) => h.atMs < current.window.toMs)
      .map((h) => ({ tool: h.tool, state: h.state, at: new Date(h.atMs).toISOString() })),
  };
}

function toolReports(
  snap: SourceSnapshot,
  healthByTool: Map<string, HealthEntry>,
  expected: Readonly<Record<string, number>>,
): ToolReport[] {
  const received = new Map<string, number>();
  for (const t of snap.tools) {
    for (const [primary, n] of Object.entries(t.fallbacks)) {
      received.set(primary, (received.get(primary) ?? 0) + n);
    }
  }
  return snap.tools.map((s) =>
    toolReport(s, healthByTool.get(s.tool) ?? null, received.get(s.tool) ?? 0, expected[s.tool]),
  );
}

function toolPoint(t: ToolReport) {
  return { calls: t.calls, errorRate: t.errorRate, p95Ms: t.durationMs.p95 };
}

function workflowPoint(w: WorkflowReport) {
  return {
    calls: w.executions,
    errorRate: w.completionRate === null ? null : 1 - w.completionRate,
    p95Ms: w.durationMs.p95,
  };
}

function emptyPoint() {
  return { calls: 0, errorRate: null, p95Ms: null };
}

function windowInfo(w: TimeWindow, label: string): WindowInfo {
  return {
    from: new Date(w.fromMs).toISOString(),
    to: new Date(w.toMs).toISOString(),
    durationMs: w.toMs - w.fromMs,
    label,
  };
}

function alertEntry(a: Alert): AlertEntry {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    subject: a.subject,
    message: a.message,
    firedAt: new Date(a.firedAtMs).toISOString(),
  };
}

function pushGuarded<C>(
  into: Recommendation[],
  order: Map<Recommendation, number>,
  position: number,
  rule: (ctx: C) => Recommendation | undefined,
  ctx: C,
): void {
  try {
    const r = rule(ctx);
    if (r !== undefined) {
      into.push(r);
      order.set(r, position);
    }
  } catch (err) {
    logger.warn(`recommendation rule ${rule.name || '(anonymous)'} threw; skipped`, err);
  }
}
