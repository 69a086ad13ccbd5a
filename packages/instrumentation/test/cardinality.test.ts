import { afterAll, beforeEach, expect, it } from 'vitest';
import { points, setupTestOtel } from '../../../test/support/otel.ts';
import { configureInstrumentation, resetInstrumentation, traceTool } from '../src/index.ts';

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
