import { metrics, trace } from '@opentelemetry/api';
import { afterAll, expect, it } from 'vitest';
import { histogramCount, setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { traceTool } from '../src/index.ts';

let otel: TestOtel | undefined;
afterAll(() => otel?.shutdown());

it('works when the tool is wrapped, even called, before the SDK is set up', async () => {
  trace.disable();
  metrics.disable();
  const early = traceTool(async (x: number) => x + 1, { name: 'early_tool' });
  // Called with no SDK: plain behaviour, nothing recorded, nothing thrown.
  await expect(early(1)).resolves.toBe(2);

  otel = setupTestOtel();
  await expect(early(2)).resolves.toBe(3);
  expect(otel.spans().map((s) => s.name)).toEqual(['execute_tool early_tool']);
  expect(histogramCount(await otel.metric('gen_ai.execute_tool.duration'))).toBe(1);
});
