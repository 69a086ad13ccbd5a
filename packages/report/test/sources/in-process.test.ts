import { AlertCenter, InvocationStore } from '@toolscope/instrumentation';
import { describe, expect, it } from 'vitest';
import { toolRecord, workflowRecord } from '../../../../test/support/records.ts';
import { ReportConfigError } from '../../src/errors.ts';
import { InProcessSource } from '../../src/sources/in-process.ts';
import { exactQuantile, lognormal, seeded } from '../helpers/random.ts';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

function source(store: InvocationStore) {
  return new InProcessSource({ store, health: () => [], alerts: new AlertCenter() });
}

describe('InProcessSource', () => {
  for (const sigma of [0.5, 1, 1.5]) {
    it(`lognormal σ ${sigma}: p50/p95/p99 within 1% of the exact percentiles`, async () => {
      const store = new InvocationStore({ now: () => NOW });
      const values = lognormal(seeded(100 + sigma * 10), 0.2, sigma, 50_000);
      for (const [i, d] of values.entries()) {
        store.record(toolRecord('search', d, NOW - 1 - (i % 600) * 1000));
      }
      const snap = await source(store).snapshot({ fromMs: NOW - 15 * 60_000, toMs: NOW + 1 });
      const d = snap.tools[0]!.duration;
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of [0.5, 0.95, 0.99]) {
        const exact = exactQuantile(sorted, q);
        expect(Math.abs(d.quantile(q) - exact) / exact, `p${q * 100}`).toBeLessThanOrEqual(0.01);
      }
      expect(d.min).toBe(sorted[0]);
      expect(d.max).toBe(sorted[sorted.length - 1]);
      expect(snap.accuracy).toMatchObject({ method: 'ddsketch', relativeErrorBound: 0.005 });
    });
  }

  it('copies counts, error types, retries, fallbacks, sizes and workflow aggregates', async () => {
    const store = new InvocationStore({ now: () => NOW });
    const t = NOW - 5000;
    store.record(toolRecord('a', 0.1, t, { retryCount: 2, inputSize: 10, outputSize: 100 }));
    store.record(toolRecord('a', 0.2, t, { errorType: 'Timeout', expectedPerformanceMs: 150 }));
    store.record(toolRecord('b', 0.3, t, { fallbackFor: 'a', toolType: 'datastore' }));
    store.record(workflowRecord('w', 1, t, 'partial', 2, ['a', 'b']));
    const snap = await source(store).snapshot({ fromMs: NOW - 60_000, toMs: NOW + 1 });
    expect(snap.tools.map((x) => x.tool)).toEqual(['a', 'b']);
    expect(snap.tools[0]).toMatchObject({
      calls: 2,
      errors: 1,
      errorTypes: { Timeout: 1 },
      retries: 2,
      retriedCalls: 1,
      expectedPerformanceMs: 150,
      lastCallMs: t,
    });
    expect(snap.tools[0]!.inputBytes.count).toBe(1);
    expect(snap.tools[1]).toMatchObject({ toolType: 'datastore', fallbacks: { a: 1 } });
    expect(snap.workflows[0]).toMatchObject({
      workflow: 'w',
      executions: 1,
      outcomes: { completed: 0, partial: 1, failed: 0 },
      stepsCompleted: 2,
      tools: { a: 1, b: 1 },
    });
  });

  it('aligns the window start to a slot, so consecutive windows never share a slot', async () => {
    const store = new InvocationStore({ now: () => NOW, slotSeconds: 10 });
    // One call in the slot [NOW-60s, NOW-50s), at NOW-55s.
    store.record(toolRecord('a', 0.1, NOW - 55_000));
    const src = source(store);
    const current = await src.snapshot({ fromMs: NOW - 52_000, toMs: NOW });
    expect(current.window.fromMs).toBe(NOW - 60_000);
    expect(current.tools[0]?.calls).toBe(1);
    const previous = await src.snapshot({
      fromMs: current.window.fromMs - 52_000,
      toMs: current.window.fromMs,
    });
    expect(previous.tools).toEqual([]);
  });

  it('rejects a missing store', () => {
    expect(() => new InProcessSource({} as never)).toThrow(ReportConfigError);
    expect(() => new InProcessSource({} as never)).toThrow(/store: must be an InvocationStore/);
  });
});
