import { describe, expect, it } from 'vitest';
import { toolRecord } from '../../../../test/support/records.ts';
import {
  AlertCenter,
  type HealthState,
  InvocationStore,
  type SelectorStats,
  type ToolHealth,
  ToolSelector,
  ToolscopeConfigError,
} from '../../src/index.ts';

function fixed(stats: Record<string, SelectorStats>, health: Record<string, HealthState> = {}) {
  const alerts = new AlertCenter();
  const selector = new ToolSelector({
    stats: () => new Map(Object.entries(stats)),
    health: (tool) =>
      health[tool] === undefined
        ? undefined
        : ({ tool, state: health[tool], updatedAtMs: 0, sinceMs: 0 } as ToolHealth),
    alerts,
  });
  return { selector, alerts };
}

const EXAMPLE = {
  search_a: { calls: 90, errors: 9, p95Ms: 1200, expectedPerformanceMs: 1000 },
  search_b: { calls: 30, errors: 0, p95Ms: 400, expectedPerformanceMs: undefined },
};

describe('ToolSelector scoring: the documented worked example', () => {
  it('a 0.75, c 0.675, b 0.5625', () => {
    const { selector } = fixed(EXAMPLE, { search_a: 'healthy', search_b: 'degraded' });
    const ranked = selector.rank(['search_a', 'search_b', 'search_c']);
    expect(ranked.map((r) => [r.tool, r.score])).toEqual([
      ['search_a', 0.75],
      ['search_c', 0.675],
      ['search_b', 0.5625],
    ]);
    expect(ranked[0]!.components).toEqual({
      reliability: 0.9,
      speed: 0.8333,
      evidence: 0.9,
      health: 1,
      alerts: 1,
      confidence: 1,
    });
    expect(ranked[2]!.reasons).toContain('health degraded');
  });

  it('an open warning alert (latency_threshold) demotes search_a to 0.6', () => {
    const { selector, alerts } = fixed(EXAMPLE, { search_a: 'healthy', search_b: 'degraded' });
    alerts.fire({
      key: 'latency_threshold:search_a',
      kind: 'latency_threshold',
      severity: 'warning',
      subject: 'search_a',
      message: 'p95 over objective',
    });
    const ranked = selector.rank(['search_a', 'search_b', 'search_c']);
    expect(ranked.map((r) => [r.tool, r.score])).toEqual([
      ['search_c', 0.675],
      ['search_a', 0.6],
      ['search_b', 0.5625],
    ]);
    expect(ranked[1]!.reasons).toContain('open latency_threshold alert (warning)');
  });

  it('declared confidence scales the score', () => {
    const { selector } = fixed(EXAMPLE, { search_a: 'healthy' });
    const [only] = selector.rank([{ name: 'search_a', confidence: 0.5 }]);
    expect(only!.score).toBe(0.375);
  });
});

describe('ToolSelector with live data and health', () => {
  const NOW = Date.UTC(2026, 0, 15, 12);
  function setup() {
    const store = new InvocationStore({ now: () => NOW });
    const health = new Map<string, HealthState>();
    const selector = new ToolSelector({
      store,
      window: '5m',
      health: (tool) => {
        const state = health.get(tool);
        return state === undefined ? undefined : { tool, state, updatedAtMs: NOW, sinceMs: NOW };
      },
      alerts: new AlertCenter(),
    });
    for (let i = 0; i < 50; i++) {
      store.record(toolRecord('primary', 0.1, NOW - 1000 - i, { expectedPerformanceMs: 200 }));
      store.record(
        toolRecord('backup', 0.15, NOW - 1000 - i, {
          expectedPerformanceMs: 200,
          errorType: i % 10 === 0 ? 'Timeout' : undefined,
        }),
      );
    }
    health.set('primary', 'healthy');
    health.set('backup', 'healthy');
    return { store, health, selector };
  }

  it('prefers the more reliable tool, avoids it while unhealthy, brings it back on recovery', () => {
    const { health, selector } = setup();
    expect(selector.select(['backup', 'primary'])!.tool).toBe('primary');
    health.set('primary', 'unhealthy');
    const down = selector.rank(['primary', 'backup']);
    expect(down.map((r) => r.tool)).toEqual(['backup', 'primary']);
    expect(down[1]).toMatchObject({ avoided: true, score: 0 });
    health.set('primary', 'maintenance');
    expect(selector.select(['primary', 'backup'])!.tool).toBe('backup');
    health.set('primary', 'healthy');
    expect(selector.select(['backup', 'primary'])!.tool).toBe('primary');
  });

  it('when every candidate is avoided they are still ranked, by performance', () => {
    const { health, selector } = setup();
    health.set('primary', 'unhealthy');
    health.set('backup', 'unhealthy');
    const ranked = selector.rank(['backup', 'primary']);
    expect(ranked.map((r) => r.tool)).toEqual(['primary', 'backup']);
    expect(ranked.every((r) => r.avoided && r.score > 0)).toBe(true);
    expect(ranked[0]!.reasons).toContain('every candidate is avoided');
  });

  it('a failing tool loses to a healthy one as failures accumulate', () => {
    const { store, selector } = setup();
    for (let i = 0; i < 100; i++) {
      store.record(toolRecord('primary', 0.1, NOW - 500, { errorType: 'HTTP_503' }));
    }
    expect(selector.select(['primary', 'backup'])!.tool).toBe('backup');
  });

  it('bad options and candidates fail with the field named', () => {
    expect(() => new ToolSelector({})).toThrow(/store: ToolSelector needs/);
    expect(() => new ToolSelector({ store: new InvocationStore(), window: 'soon' })).toThrow(
      /^window:/,
    );
    const { selector } = setup();
    expect(() => selector.rank([''])).toThrow(ToolscopeConfigError);
    expect(() => selector.rank([{ name: 'x', confidence: 2 }])).toThrow(
      /candidates\[0\].confidence/,
    );
    expect(selector.select([])).toBeUndefined();
  });
});
