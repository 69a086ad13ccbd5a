import { describe, expect, it } from 'vitest';
import { Ledger, nearestRank } from '../src/ledger.ts';

describe('nearestRank', () => {
  it('is the exact nearest-rank percentile', () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(nearestRank(sorted, 0.5)).toBe(50);
    expect(nearestRank(sorted, 0.95)).toBe(100);
    expect(nearestRank(sorted, 0.1)).toBe(10);
    expect(nearestRank(sorted, 0)).toBe(10);
    expect(nearestRank([], 0.5)).toBeNaN();
  });
});

describe('Ledger', () => {
  it('totals calls, failures, attempts, retries and fallbacks per tool', () => {
    const ledger = new Ledger();
    const base = {
      refusedAttempts: 0,
      fallbackFor: undefined,
      errorType: undefined,
      observedMs: 1,
    };
    ledger.recordCall({ ...base, tool: 'weather', ok: true, attempts: 1, injectedMs: 100 });
    ledger.recordCall({ ...base, tool: 'weather', ok: true, attempts: 3, injectedMs: 400 });
    ledger.recordCall({
      ...base,
      tool: 'weather',
      ok: false,
      errorType: 'rate_limited',
      attempts: 3,
      injectedMs: 250,
    });
    ledger.recordCall({
      ...base,
      tool: 'search',
      ok: false,
      errorType: 'ECONNREFUSED',
      attempts: 1,
      refusedAttempts: 1,
      injectedMs: 0,
    });
    ledger.recordCall({
      ...base,
      tool: 'backup',
      ok: true,
      attempts: 1,
      fallbackFor: 'search',
      injectedMs: 300,
    });
    for (const ms of [400, 100, 250]) ledger.recordDuration('weather', ms);
    for (const ms of [40, 10, 30, 20]) {
      ledger.recordCall({ ...base, tool: 'timed', ok: true, attempts: 1, injectedMs: ms });
      ledger.recordDuration('timed', ms);
    }

    const tools = ledger.tools();
    expect(Object.keys(tools)).toEqual(['backup', 'search', 'timed', 'weather']);
    expect(tools.weather).toEqual({
      calls: 3,
      failedCalls: 1,
      errorTypes: { rate_limited: 1 },
      attempts: 7,
      refusedAttempts: 0,
      retries: 4,
      retriedCalls: 2,
      fallbackCalls: 0,
      injectedLatencyMs: { p50: 250, p95: 400, p99: 400, max: 400 },
      recordedLatencyMs: {
        p50: { exact: 250, lower: 100, upper: 400 },
        p95: { exact: 400, lower: 250, upper: 400 },
        p99: { exact: 400, lower: 250, upper: 400 },
      },
    });
    expect(tools.search?.refusedAttempts).toBe(1);
    expect(tools.backup?.fallbackCalls).toBe(1);
    // Sorted 10, 20, 30, 40: p50 is rank 2 (20), between ranks 1 and 3; p95 is rank 4 (40).
    expect(tools.timed?.recordedLatencyMs.p50).toEqual({ exact: 20, lower: 10, upper: 30 });
    expect(tools.timed?.recordedLatencyMs.p95).toEqual({ exact: 40, lower: 30, upper: 40 });
    expect(ledger.counts()).toEqual({
      calls: 9,
      failedCalls: 2,
      workflows: { completed: 0, partial: 0, failed: 0 },
    });
  });

  it('counts workflow outcomes', () => {
    const ledger = new Ledger();
    ledger.recordWorkflow('plan_trip', 'completed');
    ledger.recordWorkflow('plan_trip', 'partial');
    ledger.recordWorkflow('search_and_recommend', 'failed');
    expect(ledger.workflows()).toEqual({
      plan_trip: { executions: 2, outcomes: { completed: 1, partial: 1, failed: 0 } },
      search_and_recommend: { executions: 1, outcomes: { completed: 0, partial: 0, failed: 1 } },
    });
    expect(ledger.counts().workflows).toEqual({ completed: 1, partial: 1, failed: 1 });
  });
});
