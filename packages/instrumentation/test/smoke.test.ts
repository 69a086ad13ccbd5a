import { afterAll, beforeEach, expect, it } from 'vitest';
import { histogramCount, setupTestOtel } from '../../../test/support/otel.ts';
import { traceTool, withCorrelationId, withWorkflow } from '../src/index.ts';

const otel = setupTestOtel();
beforeEach(() => otel.reset());
afterAll(() => otel.shutdown());

it('records a tool span under a workflow with correlation', async () => {
  const search = traceTool(async (q: string) => `r:${q}`, { name: 'search' });
  const out = await withCorrelationId('corr-1', () =>
    withWorkflow({ name: 'wf', totalSteps: 2 }, async () => {
      await search('a');
      return search('b');
    }),
  );
  expect(out).toBe('r:b');
  const spans = otel.spans();
  expect(spans.map((s) => s.name).sort()).toEqual(['execute_tool search', 'execute_tool search', 'invoke_workflow wf']);
  const wf = spans.find((s) => s.name === 'invoke_workflow wf')!;
  expect(wf.attributes['toolscope.workflow.outcome']).toBe('completed');
  expect(wf.attributes['toolscope.correlation_id']).toBe('corr-1');
  const m = await otel.metric('gen_ai.execute_tool.duration');
  expect(histogramCount(m)).toBe(2);
});
