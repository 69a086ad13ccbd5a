import { AlertCenter, InvocationStore } from '@toolscope/instrumentation';
import { describe, expect, it } from 'vitest';
import { buildReport, REPORT_SCHEMA_VERSION } from '../src/build-report.ts';
import { EmptyWindowError, ReportConfigError } from '../src/errors.ts';
import { lowVolume, TOOL_RULES } from '../src/rules/tool-rules.ts';
import { InProcessSource } from '../src/sources/in-process.ts';
import type { ToolRule } from '../src/types.ts';
import { travelScenario } from './helpers/scenario.ts';

describe('buildReport on the travel scenario', () => {
  it('per-tool statistics match the injected data', async () => {
    const s = travelScenario();
    const r = await buildReport(s.source, { window: '15m', now: s.now });
    expect(r.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(r.window).toEqual({
      from: '2026-01-15T11:45:00.000Z',
      to: '2026-01-15T12:00:00.000Z',
      durationMs: 900_000,
      label: '15m',
    });
    expect(r.previousWindow?.from).toBe('2026-01-15T11:30:00.000Z');
    const search = r.tools.find((t) => t.tool === 'restaurant_search')!;
    // 300 calls; i % 100 < 3 fail → 9 (Timeout for even i: 0, 2, 100, 102, 200, 202 = 6).
    expect(search).toMatchObject({
      calls: 300,
      errors: 9,
      successes: 291,
      successRate: 0.97,
      errorTypes: { Timeout: 6, HTTP_503: 3 },
      retries: 30,
      retriedCalls: 30,
      retryRate: 0.1,
      fallbacks: 0,
      fallbacksReceived: 45,
      expectedPerformanceMs: 400,
      payloadBytes: {
        input: { count: 300, mean: 120, p95: expect.any(Number), max: 120 },
        output: { count: 300, mean: 2048, p95: expect.any(Number), max: 2048 },
      },
    });
    expect(Object.keys(search.errorTypes)).toEqual(['Timeout', 'HTTP_503']);
    expect(search.health?.state).toBe('healthy');
    const d = search.durationMs;
    expect(d.min! <= d.p50! && d.p50! <= d.p95! && d.p95! <= d.p99! && d.p99! <= d.max!).toBe(true);
    const cached = r.tools.find((t) => t.tool === 'cached_search')!;
    expect(cached).toMatchObject({
      calls: 45,
      fallbacks: 45,
      fallbackFor: { restaurant_search: 45 },
    });

    const wf = r.workflows[0]!;
    expect(wf).toMatchObject({
      workflow: 'search_and_recommend',
      executions: 100,
      outcomes: { completed: 80, partial: 12, failed: 8 },
      completionRate: 0.8,
      partialRate: 0.12,
      failureRate: 0.08,
      avgSteps: 2.64, // (80 × 3 + 12 × 2) / 100
      toolsUsed: { restaurant_reasoning: 100, restaurant_search: 100 },
    });
    expect(r.summary).toMatchObject({
      tools: 4,
      calls: 553,
      errors: 33,
      workflows: 1,
      executions: 100,
      unhealthyTools: ['geo_lookup'],
      degradedTools: [],
    });
    expect(r.summary.successRate).toBeCloseTo(520 / 553, 12);
  });

  it('trends flag the regression and the spike', async () => {
    const s = travelScenario();
    const r = await buildReport(s.source, { window: '15m', now: s.now });
    const search = r.trends.find((t) => t.subject === 'restaurant_search')!;
    expect(search.degraded).toBe(true);
    expect(search.change.volumePct).toBe(20);
    expect(search.change.p95Pct!).toBeGreaterThan(100);
    const reasoning = r.trends.find((t) => t.subject === 'restaurant_reasoning')!;
    expect(reasoning.change.errorRatePts).toBe(11);
    expect(reasoning.change.volumePct).toBe(0);
    expect(reasoning.degraded).toBe(true);
  });

  it('recommendations are ordered by severity, then rule order', async () => {
    const s = travelScenario();
    const r = await buildReport(s.source, { window: '15m', now: s.now });
    expect(r.recommendations.map((x) => `${x.severity}:${x.rule}:${x.subject}`)).toEqual([
      'critical:unhealthy_tool:geo_lookup',
      'error:p95_regression:restaurant_search',
      'warning:error_rate_spike:restaurant_reasoning',
      'warning:slower_than_expected:restaurant_search',
      'warning:heavy_fallback:restaurant_search',
      'warning:heavy_retry:restaurant_search',
      'warning:flapping_tool:geo_lookup',
      'warning:open_alert:restaurant_reasoning',
      'warning:workflow_completion:search_and_recommend',
      'info:low_volume:geo_lookup',
    ]);
    expect(r.summary.recommendations).toEqual({ critical: 1, error: 1, warning: 7, info: 1 });
    for (const rec of r.recommendations) {
      expect(rec.evidence.window.label).toBe('15m');
      expect(Object.keys(rec.evidence.values).length).toBeGreaterThan(0);
    }
  });

  it('custom thresholds and rules; a throwing rule is skipped', async () => {
    const s = travelScenario();
    const boom: ToolRule = () => {
      throw new Error('boom');
    };
    const r = await buildReport(s.source, {
      now: s.now,
      thresholds: { minCalls: 5 },
      rules: { tool: [boom, lowVolume], workflow: [] },
    });
    expect(r.recommendations).toEqual([]);
    await expect(
      buildReport(s.source, { now: s.now, thresholds: { minCals: 5 } as never }),
    ).rejects.toThrow(/thresholds.minCals: unknown threshold/);
    await expect(
      buildReport(s.source, { now: s.now, thresholds: { minCalls: -1 } }),
    ).rejects.toThrow(ReportConfigError);
    expect(TOOL_RULES).toHaveLength(10);
  });

  it('compare: false has no previous window and null changes', async () => {
    const s = travelScenario();
    const r = await buildReport(s.source, { now: s.now, compare: false });
    expect(r.previousWindow).toBeNull();
    expect(r.trends.every((t) => t.previous === null && t.change.p95Pct === null)).toBe(true);
  });

  it('an empty window throws EmptyWindowError, or gives an empty report with allowEmpty', async () => {
    const store = new InvocationStore({ now: () => 1e12 });
    const source = new InProcessSource({ store, health: () => [], alerts: new AlertCenter() });
    const err = await buildReport(source, { window: '5m', now: 1e12 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmptyWindowError);
    expect((err as Error).message).toMatch(/no tool calls or workflow executions in the last 5m/);
    const r = await buildReport(source, { window: '5m', now: 1e12, allowEmpty: true });
    expect(r.tools).toEqual([]);
    expect(r.summary.successRate).toBeNull();
    expect(r.recommendations).toEqual([]);
  });

  it('bad window syntax names the field', async () => {
    const s = travelScenario();
    await expect(buildReport(s.source, { window: '15 minutes' })).rejects.toThrow(
      /^window: must be a duration \(got "15 minutes"\); use milliseconds or a number with a unit/,
    );
    await expect(buildReport({} as never)).rejects.toThrow(/source: must be a ReportSource/);
  });
});
