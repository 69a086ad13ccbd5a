import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../src/rules/thresholds.ts';
import { computeTrend } from '../src/trends.ts';

const T = DEFAULT_THRESHOLDS;

describe('computeTrend', () => {
  it('the documented worked example', () => {
    const t = computeTrend(
      'tool',
      'search',
      { calls: 150, errorRate: 0.09, p95Ms: 260 },
      { calls: 120, errorRate: 0.02, p95Ms: 200 },
      T,
    );
    expect(t.change).toEqual({ p95Pct: 30, errorRatePts: 7, volumePct: 25 });
    expect(t.degraded).toBe(true);
    expect(t.reasons).toEqual(['p95 +30% (200 ms → 260 ms)', 'error rate +7 pts (2% → 9%)']);
  });

  it('too few calls on either side: no p95 or error comparison, volume still compared', () => {
    const t = computeTrend(
      'tool',
      'x',
      { calls: 19, errorRate: 0.5, p95Ms: 900 },
      { calls: 100, errorRate: 0, p95Ms: 100 },
      T,
    );
    expect(t.change).toEqual({ p95Pct: null, errorRatePts: null, volumePct: -81 });
    expect(t.degraded).toBe(false);
  });

  it('an error-rate rise that did not double is not a spike; a p95 rise under 25% is fine', () => {
    const t = computeTrend(
      'tool',
      'x',
      { calls: 100, errorRate: 0.16, p95Ms: 124 },
      { calls: 100, errorRate: 0.1, p95Ms: 100 },
      T,
    );
    expect(t.change.errorRatePts).toBe(6);
    expect(t.change.p95Pct).toBe(24);
    expect(t.degraded).toBe(false);
  });

  it('no previous window: every change is null', () => {
    const t = computeTrend('workflow', 'w', { calls: 50, errorRate: 0.1, p95Ms: 10 }, null, T);
    expect(t.previous).toBeNull();
    expect(t.change).toEqual({ p95Pct: null, errorRatePts: null, volumePct: null });
  });
});
