import { afterAll, beforeEach, expect, it } from 'vitest';
import { points, setupTestOtel } from '../../../test/support/otel.ts';
import {
  configureInstrumentation,
  InvocationStore,
  resetInstrumentation,
  traceTool,
  withWorkflow,
} from '../src/index.ts';
import { disablePreAggregatedMetrics, enablePreAggregatedMetrics } from '../src/internal.ts';

const otel = setupTestOtel();
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(() => otel.shutdown());

it('folds tool names past maxToolNames into _OTHER on metrics, never on spans', async () => {
  configureInstrumentation({ maxToolNames: 3 });
  for (let i = 0; i < 10; i++) {
    await traceTool(async () => i, { name: `dyn_${i}` })();
  }
  const names = points(await otel.metric('gen_ai.execute_tool.duration')).map(
    (p) => p.attributes['gen_ai.tool.name'],
  );
  expect(names.sort()).toEqual(['_OTHER', 'dyn_0', 'dyn_1', 'dyn_2']);
  expect(otel.spans().map((s) => s.attributes['gen_ai.tool.name'])).toContain('dyn_9');
});

it('bounds error.type values per tool', async () => {
  const t = traceTool(
    async (i: number) => {
      throw Object.assign(new Error('x'), { code: `E${i}` });
    },
    { name: 'many_errors' },
  );
  for (let i = 0; i < 120; i++) await t(i).catch(() => undefined);
  const types = new Set(
    points(await otel.metric('gen_ai.execute_tool.duration'))
      .filter((p) => p.attributes['gen_ai.tool.name'] === 'many_errors')
      .map((p) => p.attributes['error.type']),
  );
  expect(types.size).toBeLessThanOrEqual(51);
  expect(types.has('_OTHER')).toBe(true);
});

it('keeps one series per folded name on the pre-aggregated path, and bounded memory', async () => {
  configureInstrumentation({ maxToolNames: 3 });
  const pre = enablePreAggregatedMetrics();
  try {
    for (let i = 0; i < 1000; i++) {
      await traceTool(async () => i, { name: `many_${i}`, fallbackFor: `primary_${i}` })();
      await withWorkflow({ name: `wf_${i}` }, async () => {
        throw Object.assign(new Error('x'), { code: `W${i}` });
      }).catch(() => undefined);
    }
    const snap = pre.snapshot();
    const cells = (name: string) => {
      const m = snap.find((x) => x.name === name)!;
      const attrs = m.cells.map((c) => JSON.stringify(c.attributes));
      expect(new Set(attrs).size, `${name}: one cell per distinct attribute set`).toBe(
        attrs.length,
      );
      return attrs.length;
    };
    expect(cells('gen_ai.execute_tool.duration')).toBeLessThanOrEqual(4);
    expect(cells('gen_ai.workflow.duration')).toBeLessThanOrEqual(4 * 51);
    expect(cells('toolscope.tool.fallbacks')).toBeLessThanOrEqual(4 * 51);
  } finally {
    disablePreAggregatedMetrics();
  }
});

it('folds names in the in-process store the same way', async () => {
  configureInstrumentation({ maxToolNames: 2 });
  const store = new InvocationStore().attach();
  try {
    for (let i = 0; i < 50; i++) await traceTool(async () => i, { name: `s_${i}` })();
    expect(store.tools().map((t) => [t.tool, t.calls])).toEqual([
      ['_OTHER', 48],
      ['s_0', 1],
      ['s_1', 1],
    ]);
  } finally {
    store.close();
  }
});
