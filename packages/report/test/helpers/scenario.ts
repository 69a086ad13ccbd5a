import {
  AlertCenter,
  type HealthState,
  InvocationStore,
  type ToolHealth,
} from '@toolscope/instrumentation';
import { toolRecord, workflowRecord } from '../../../../test/support/records.ts';
import { HealthHistory } from '../../src/health-history.ts';
import { InProcessSource } from '../../src/sources/in-process.ts';
import { lognormal, seeded } from './random.ts';

/** End of the scenario's current window: a slot-aligned instant. */
export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIN = 60_000;

/**
 * A travel-planner-like scenario over two 15-minute windows, with known numbers:
 * - `restaurant_search`: healthy, 300 calls now (p95 regression: ~2× slower than before),
 *   3% errors, 30 retries, expected 400 ms.
 * - `restaurant_reasoning`: 200 calls, errors spike 1% → 12%; an open latency alert.
 * - `geo_lookup`: 8 calls (low volume), unhealthy since 11:55 and flapping.
 * - `cached_search`: stands in for restaurant_search 45 times.
 * - workflow `search_and_recommend`: 100 runs, 80 completed, 12 partial, 8 failed.
 */
export function travelScenario() {
  const rand = seeded(42);
  const store = new InvocationStore({ now: () => NOW, retentionSeconds: 7200 });
  const alerts = new AlertCenter({ now: () => NOW - 3 * MIN });
  const history = new HealthHistory();
  const health = new Map<string, ToolHealth>();
  const setHealth = (tool: string, state: HealthState, atMs: number) => {
    const prev = health.get(tool);
    health.set(tool, {
      tool,
      state,
      updatedAtMs: atMs,
      sinceMs: prev?.state === state ? prev.sinceMs : atMs,
      latencyMs: 12,
      ...(state === 'unhealthy' ? { errorType: 'ECONNREFUSED' } : {}),
    });
    history.record(tool, state, atMs);
  };
  const spread = (i: number, n: number, from: number) =>
    from + Math.floor(((i + 0.5) * 15 * MIN) / n);
  const prevFrom = NOW - 30 * MIN;
  const curFrom = NOW - 15 * MIN;

  // restaurant_search: previous 250 calls median 120 ms; current 300 calls median 240 ms.
  for (const [i, d] of lognormal(rand, 0.12, 0.5, 250).entries()) {
    store.record(
      toolRecord('restaurant_search', d, spread(i, 250, prevFrom), {
        expectedPerformanceMs: 400,
        errorType: i % 50 === 0 ? 'Timeout' : undefined,
        inputSize: 120,
        outputSize: 2048,
      }),
    );
  }
  for (const [i, d] of lognormal(rand, 0.24, 0.5, 300).entries()) {
    store.record(
      toolRecord('restaurant_search', d, spread(i, 300, curFrom), {
        expectedPerformanceMs: 400,
        errorType: i % 100 < 3 ? (i % 2 === 0 ? 'Timeout' : 'HTTP_503') : undefined,
        retryCount: i % 10 === 0 ? 1 : 0,
        inputSize: 120,
        outputSize: 2048,
      }),
    );
  }
  // restaurant_reasoning: 200 calls in each window; errors 2 → 24.
  for (const [i, d] of lognormal(rand, 0.6, 0.4, 200).entries()) {
    store.record(
      toolRecord('restaurant_reasoning', d, spread(i, 200, prevFrom), {
        errorType: i % 100 === 0 ? 'ModelError' : undefined,
      }),
    );
  }
  for (const [i, d] of lognormal(rand, 0.6, 0.4, 200).entries()) {
    store.record(
      toolRecord('restaurant_reasoning', d, spread(i, 200, curFrom), {
        errorType: i % 25 < 3 ? 'ModelError' : undefined,
        inputSize: 4096,
        outputSize: 800,
      }),
    );
  }
  // geo_lookup: 8 calls now.
  for (const [i, d] of lognormal(rand, 0.05, 0.3, 8).entries()) {
    store.record(toolRecord('geo_lookup', d, spread(i, 8, curFrom), { toolType: 'extension' }));
  }
  // cached_search stands in for restaurant_search 45 times.
  for (const [i, d] of lognormal(rand, 0.02, 0.3, 45).entries()) {
    store.record(
      toolRecord('cached_search', d, spread(i, 45, curFrom), {
        toolType: 'datastore',
        fallbackFor: 'restaurant_search',
      }),
    );
  }
  // Workflow: 100 runs now.
  lognormal(rand, 1.2, 0.4, 100).forEach((d, i) => {
    const outcome = i < 80 ? 'completed' : i < 92 ? 'partial' : 'failed';
    const steps = outcome === 'completed' ? 3 : outcome === 'partial' ? 2 : 0;
    store.record(
      workflowRecord('search_and_recommend', d, spread(i, 100, curFrom), outcome, steps, [
        'restaurant_search',
        'restaurant_reasoning',
      ]),
    );
  });

  setHealth('restaurant_search', 'healthy', NOW - 40 * MIN);
  setHealth('restaurant_reasoning', 'healthy', NOW - 40 * MIN);
  setHealth('cached_search', 'healthy', NOW - 40 * MIN);
  setHealth('geo_lookup', 'healthy', NOW - 40 * MIN);
  setHealth('geo_lookup', 'unhealthy', NOW - 12 * MIN);
  setHealth('geo_lookup', 'healthy', NOW - 10 * MIN);
  setHealth('geo_lookup', 'degraded', NOW - 8 * MIN);
  setHealth('geo_lookup', 'unhealthy', NOW - 5 * MIN);
  alerts.fire({
    key: 'latency_threshold:restaurant_reasoning',
    kind: 'latency_threshold',
    severity: 'warning',
    subject: 'restaurant_reasoning',
    message: 'p95 over 1 s for 5 minutes',
  });
  alerts.fire({
    key: 'health:geo_lookup',
    kind: 'tool_unhealthy',
    severity: 'critical',
    subject: 'geo_lookup',
    message: 'geo_lookup is unhealthy (ECONNREFUSED)',
    state: 'unhealthy',
    previousState: 'degraded',
  });
  const source = new InProcessSource({
    store,
    health: () => [...health.values()],
    alerts,
    history,
  });
  return { store, alerts, history, source, health, now: NOW };
}
