/**
 * Attack class: cardinality floods into metrics and the in-process store (defect 9 of issue
 * 14). A tool that fails with a new error type on every call, a flood of tool names and of
 * fallback targets: metrics and the store fold the excess into `_OTHER` by the same bounds
 * (`LIMITS.errorTypesPerTool` per tool, `maxToolNames` names), so a report built from the store
 * stays small however hostile the values.
 *
 * Bounds: at most `LIMITS.errorTypesPerTool + 1` error types per tool (the `+ 1` is `_OTHER`)
 * in both; the JSON report of 10,000 distinct error types under 64 KiB (50,000 made 11 MB).
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  configureInstrumentation,
  InvocationStore,
  resetInstrumentation,
  traceTool,
} from '../../packages/instrumentation/src/index.ts';
import { LIMITS } from '../../packages/instrumentation/src/internal.ts';
import { buildReport, InProcessSource, renderJson } from '../../packages/report/src/index.ts';
import { setupTestOtel } from '../support/otel.ts';

const otel = setupTestOtel();
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(() => otel.shutdown());

const FLOOD = 10_000;

async function errorTypesOnMetrics(tool: string): Promise<Set<string>> {
  const m = await otel.metric('gen_ai.execute_tool.duration');
  const types = new Set<string>();
  for (const p of m?.dataPoints ?? []) {
    const t = p.attributes['error.type'];
    if (p.attributes['gen_ai.tool.name'] === tool && typeof t === 'string') types.add(t);
  }
  return types;
}

describe('cardinality floods (defect 9)', () => {
  it(`${FLOOD} distinct error types of one tool: metrics and store keep ${LIMITS.errorTypesPerTool} + _OTHER`, async () => {
    const store = new InvocationStore().attach();
    const flaky = traceTool(
      (i: number) => {
        throw Object.assign(new Error('x'), { code: `E_${i}` });
      },
      { name: 'flood_errors' },
    );
    for (let i = 0; i < FLOOD; i++) {
      try {
        flaky(i);
      } catch {}
      if (i % 5000 === 0) otel.reset(); // the in-memory span exporter is not under test
    }
    store.close();
    const [stats] = store.tools();
    expect(stats?.calls).toBe(FLOOD);
    const types = Object.keys(stats!.errorTypes);
    expect(types.length).toBeLessThanOrEqual(LIMITS.errorTypesPerTool + 1);
    expect(types).toContain('_OTHER');
    expect(Object.values(stats!.errorTypes).reduce((a, b) => a + b, 0)).toBe(FLOOD);
    // The store folds exactly as the metrics do.
    expect(new Set(types)).toEqual(await errorTypesOnMetrics('flood_errors'));

    const report = await buildReport(new InProcessSource({ store, alerts: { active: () => [] } }), {
      window: '1h',
      compare: false,
    });
    expect(Buffer.byteLength(renderJson(report))).toBeLessThan(64 * 1024);
  });

  it('a flood of fallback targets folds into _OTHER in the store as on metrics', () => {
    const store = new InvocationStore().attach();
    for (let i = 0; i < 2000; i++) {
      traceTool(() => 1, { name: 'flood_backup', fallbackFor: `primary_${i}` })();
    }
    store.close();
    const [stats] = store.tools();
    expect(Object.keys(stats!.fallbacks).length).toBeLessThanOrEqual(LIMITS.errorTypesPerTool + 1);
    expect(Object.values(stats!.fallbacks).reduce((a, b) => a + b, 0)).toBe(2000);
  });

  it('a flood of tool names folds into _OTHER past maxToolNames, in the store and on metrics', async () => {
    configureInstrumentation({ maxToolNames: 20 });
    const store = new InvocationStore().attach();
    for (let i = 0; i < 5000; i++) traceTool(() => 1, { name: `flood_name_${i}` })();
    store.close();
    const names = store.tools().map((t) => t.tool);
    expect(names.length).toBeLessThanOrEqual(21);
    expect(names).toContain('_OTHER');
    const m = await otel.metric('gen_ai.execute_tool.duration');
    const onMetrics = new Set(m?.dataPoints.map((p) => p.attributes['gen_ai.tool.name']));
    expect(
      [...onMetrics].filter((n) => String(n).startsWith('flood_name_')).length,
    ).toBeLessThanOrEqual(20);
  });
});
