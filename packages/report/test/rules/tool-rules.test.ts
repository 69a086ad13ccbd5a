import { describe, expect, it } from 'vitest';
import {
  errorRateSpike,
  flappingTool,
  heavyFallback,
  heavyRetry,
  highErrorRate,
  lowVolume,
  openAlerts,
  p95Regression,
  slowerThanExpected,
  unhealthyTool,
} from '../../src/rules/tool-rules.ts';
import type { AlertEntry, HealthEntry } from '../../src/types.ts';
import { toolCtx, toolReport, trend, WINDOW } from '../helpers/contexts.ts';

function health(state: HealthEntry['state']): HealthEntry {
  return {
    tool: 'search',
    state,
    since: '2026-01-15T11:55:00.000Z',
    updatedAt: '2026-01-15T11:59:50.000Z',
    latencyMs: 12,
    errorType: state === 'unhealthy' ? 'ECONNREFUSED' : null,
  };
}

function alert(kind: string, severity: AlertEntry['severity']): AlertEntry {
  return {
    id: `alert-${kind}`,
    kind,
    severity,
    subject: 'search',
    message: `${kind} fired`,
    firedAt: '2026-01-15T11:57:00.000Z',
  };
}

describe('lowVolume', () => {
  it('7 calls (< 20) → info with the numbers and the window', () => {
    const r = lowVolume(toolCtx({ tool: toolReport({ calls: 7 }) }))!;
    expect(r).toMatchObject({ rule: 'low_volume', severity: 'info', subject: 'search' });
    expect(r.evidence).toEqual({
      window: WINDOW,
      previousWindow: expect.objectContaining({ label: '15m' }),
      values: { calls: 7, minCalls: 20 },
    });
    expect(r.message).toContain('Only 7 calls in 15m');
  });
  it('20 calls → nothing', () => {
    expect(lowVolume(toolCtx({ tool: toolReport({ calls: 20 }) }))).toBeUndefined();
  });
});

describe('p95Regression', () => {
  const at = (before: number, now: number, pct: number) =>
    p95Regression(
      toolCtx({
        trend: trend(
          { calls: 200, errorRate: 0, p95Ms: now },
          { calls: 200, errorRate: 0, p95Ms: before },
          { p95Pct: pct },
        ),
      }),
    );
  it('200 → 260 ms (+30%) → warning', () => {
    const r = at(200, 260, 30)!;
    expect(r.severity).toBe('warning');
    expect(r.evidence.values).toEqual({ p95Ms: 260, previousP95Ms: 200, changePct: 30 });
    expect(r.message).toBe('p95 rose 30% (200 ms → 260 ms) against the previous 15m.');
  });
  it('200 → 450 ms (+125%) → error', () => {
    expect(at(200, 450, 125)!.severity).toBe('error');
  });
  it('+24% or no comparison → nothing', () => {
    expect(at(200, 248, 24)).toBeUndefined();
    expect(p95Regression(toolCtx())).toBeUndefined();
  });
});

describe('errorRateSpike and highErrorRate', () => {
  const ctxAt = (before: number, now: number, calls = 200) =>
    toolCtx({
      tool: toolReport({
        calls,
        errors: Math.round(now * calls),
        errorTypes: { Timeout: Math.round(now * calls) },
      }),
      trend: trend(
        { calls, errorRate: now, p95Ms: 300 },
        { calls, errorRate: before, p95Ms: 300 },
        { errorRatePts: Math.round((now - before) * 1000) / 10 },
      ),
    });
  it('2% → 9% (+7 pts, doubled) → spike warning, no high-error duplicate', () => {
    const ctx = ctxAt(0.02, 0.09);
    const r = errorRateSpike(ctx)!;
    expect(r).toMatchObject({ rule: 'error_rate_spike', severity: 'warning' });
    expect(r.evidence.values).toMatchObject({
      errorRate: 0.09,
      previousErrorRate: 0.02,
      changePts: 7,
      errors: 18,
    });
    expect(r.message).toContain('Timeout ×18');
    expect(highErrorRate(ctx)).toBeUndefined();
  });
  it('2% → 20% (+18 pts) → spike error', () => {
    expect(errorRateSpike(ctxAt(0.02, 0.2))!.severity).toBe('error');
  });
  it('10% → 16% (+6 pts, not doubled) → no spike, but a high error rate warning', () => {
    const ctx = ctxAt(0.1, 0.16);
    expect(errorRateSpike(ctx)).toBeUndefined();
    const r = highErrorRate(ctx)!;
    expect(r).toMatchObject({ rule: 'high_error_rate', severity: 'warning' });
    expect(r.evidence.values).toEqual({ errorRate: 0.16, errors: 32, calls: 200 });
  });
  it('steady 7% → warning, 25% → error, 4.5% → nothing, 19 calls → nothing', () => {
    expect(highErrorRate(toolCtx({ tool: toolReport({ calls: 200, errors: 14 }) }))!.severity).toBe(
      'warning',
    );
    expect(highErrorRate(toolCtx({ tool: toolReport({ calls: 200, errors: 50 }) }))!.severity).toBe(
      'error',
    );
    expect(highErrorRate(toolCtx({ tool: toolReport({ calls: 200, errors: 9 }) }))).toBeUndefined();
    expect(highErrorRate(toolCtx({ tool: toolReport({ calls: 19, errors: 10 }) }))).toBeUndefined();
  });
});

describe('slowerThanExpected', () => {
  const at = (p50: number, p95: number, expected: number | null) =>
    slowerThanExpected(
      toolCtx({
        tool: toolReport({
          expectedPerformanceMs: expected,
          durationMs: { min: 1, max: 5000, mean: p50, p50, p95, p99: p95 * 1.5 },
        }),
      }),
    );
  it('expected 1000, p50 640, p95 1450 → warning, 45% over', () => {
    const r = at(640, 1450, 1000)!;
    expect(r.severity).toBe('warning');
    expect(r.evidence.values).toEqual({ p50Ms: 640, p95Ms: 1450, expectedMs: 1000, overPct: 45 });
    expect(r.message).toBe('p95 1450 ms is 45% over the expected 1000 ms (p50 640 ms).');
  });
  it('p50 above expected → error; p95 at expected or no expectation → nothing', () => {
    expect(at(1200, 2000, 1000)!.severity).toBe('error');
    expect(at(640, 1000, 1000)).toBeUndefined();
    expect(at(640, 1450, null)).toBeUndefined();
  });
});

describe('heavyFallback and heavyRetry', () => {
  it('120 calls, 18 fallbacks received (0.15) → warning; 40 (0.33) → error; 11 (0.09) → nothing', () => {
    const r = heavyFallback(toolCtx({ tool: toolReport({ calls: 120, fallbacksReceived: 18 }) }))!;
    expect(r).toMatchObject({ rule: 'heavy_fallback', severity: 'warning' });
    expect(r.evidence.values).toEqual({ fallbacksReceived: 18, calls: 120, rate: 0.15 });
    expect(
      heavyFallback(toolCtx({ tool: toolReport({ calls: 120, fallbacksReceived: 40 }) }))!.severity,
    ).toBe('error');
    expect(
      heavyFallback(toolCtx({ tool: toolReport({ calls: 120, fallbacksReceived: 11 }) })),
    ).toBeUndefined();
  });
  it('200 calls, 36 retries (0.18) → warning; 100 (0.5) → error; 19 (0.095) → nothing', () => {
    const ctx = (retries: number) =>
      toolCtx({
        tool: toolReport({
          calls: 200,
          retries,
          retryRate: retries / 200,
          retriedCalls: Math.min(retries, 30),
        }),
      });
    const r = heavyRetry(ctx(36))!;
    expect(r).toMatchObject({ rule: 'heavy_retry', severity: 'warning' });
    expect(r.evidence.values).toEqual({
      retries: 36,
      calls: 200,
      retryRate: 0.18,
      retriedCalls: 30,
    });
    expect(heavyRetry(ctx(100))!.severity).toBe('error');
    expect(heavyRetry(ctx(19))).toBeUndefined();
  });
});

describe('unhealthyTool, flappingTool, openAlerts', () => {
  it('unhealthy → error; with a critical health alert → critical; degraded → warning; maintenance → info', () => {
    const r = unhealthyTool(toolCtx({ tool: toolReport({ health: health('unhealthy') }) }))!;
    expect(r).toMatchObject({ rule: 'unhealthy_tool', severity: 'error' });
    expect(r.message).toContain('since 2026-01-15T11:55:00.000Z (last error ECONNREFUSED)');
    expect(
      unhealthyTool(
        toolCtx({
          tool: toolReport({ health: health('unhealthy') }),
          alerts: [alert('tool_unhealthy', 'critical')],
        }),
      )!.severity,
    ).toBe('critical');
    expect(
      unhealthyTool(toolCtx({ tool: toolReport({ health: health('degraded') }) }))!.severity,
    ).toBe('warning');
    expect(
      unhealthyTool(toolCtx({ tool: toolReport({ health: health('maintenance') }) }))!.severity,
    ).toBe('info');
    expect(
      unhealthyTool(toolCtx({ tool: toolReport({ health: health('healthy') }) })),
    ).toBeUndefined();
  });
  it('without a probe state, an open tool_unhealthy alert (Prometheus ALERTS) counts', () => {
    const r = unhealthyTool(toolCtx({ alerts: [alert('tool_unhealthy', 'critical')] }))!;
    expect(r.severity).toBe('critical');
    expect(r.evidence.values.state).toBe('unhealthy');
  });
  it('4 state changes in the window → flapping warning; 3 → nothing', () => {
    const states = ['healthy', 'unhealthy', 'healthy', 'unhealthy', 'healthy'] as const;
    const history = states.map((state, i) => ({ tool: 'search', state, atMs: i * 60_000 }));
    const r = flappingTool(toolCtx({ history }))!;
    expect(r).toMatchObject({ rule: 'flapping_tool', severity: 'warning' });
    expect(r.evidence.values).toEqual({ changes: 4, flapChanges: 4 });
    expect(flappingTool(toolCtx({ history: history.slice(0, 4) }))).toBeUndefined();
  });
  it('latency_threshold warning + error_rate_threshold error → one error recommendation', () => {
    const r = openAlerts(
      toolCtx({
        alerts: [
          alert('latency_threshold', 'warning'),
          alert('error_rate_threshold', 'error'),
          alert('tool_unhealthy', 'critical'),
        ],
      }),
    )!;
    expect(r).toMatchObject({ rule: 'open_alert', severity: 'error' });
    expect(r.evidence.values).toEqual({
      alerts: 2,
      kinds: 'latency_threshold,error_rate_threshold',
      highestSeverity: 'error',
    });
    expect(openAlerts(toolCtx())).toBeUndefined();
  });
});
