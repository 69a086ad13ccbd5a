/**
 * Regression: tool spans were given an explicit start time but no end time, so the
 * OpenTelemetry SDK ended them on the wall clock at millisecond precision: a fast tool lasted
 * exactly 0 or 1 ms. Spans now get both times on the performance clock, and the histogram
 * point of each call is its span's duration.
 */
import { Agent, run, tool } from '@openai/agents';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { METRIC_GEN_AI_EXECUTE_TOOL_DURATION } from '@toolscope/instrumentation/internal';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import type { TestOtel } from '../../../../test/support/otel.ts';
import { instrumentOpenAIAgents } from '../../src/index.ts';
import { call, say, scripted, setupAgentsOtel, toolSpansOf } from '../helpers/agents.ts';

let otel: TestOtel;
beforeAll(() => {
  otel = setupAgentsOtel();
  instrumentOpenAIAgents();
});
afterAll(() => otel.shutdown());

it('measures fast tools below the millisecond, and records the span’s own duration', async () => {
  const fast = tool({
    name: 'fast',
    description: 'x',
    parameters: z.object({ n: z.number() }),
    execute: async ({ n }) => n * 2,
  });
  const agent = new Agent({
    name: 'Quick',
    instructions: 'x',
    tools: [fast],
    model: scripted(
      [call('fast', { n: 1 }, 'c1'), call('fast', { n: 2 }, 'c2'), call('fast', { n: 3 }, 'c3')],
      [say('ok')],
    ),
  });
  await run(agent, 'go');
  const spans = toolSpansOf(otel, 'fast');
  expect(spans).toHaveLength(3);
  // On the wall clock, every end time would be a whole millisecond.
  expect(spans.some((s) => s.endTime[1] % 1_000_000 !== 0)).toBe(true);
  const durationsNs = spans.map((s) => s.duration[0] * 1e9 + s.duration[1]);
  const point = (await otel.metric(METRIC_GEN_AI_EXECUTE_TOOL_DURATION))?.dataPoints.find(
    (p) => p.attributes['gen_ai.tool.name'] === 'fast',
  ) as DataPoint<Histogram> | undefined;
  const spanSeconds = durationsNs.reduce((a, b) => a + b, 0) / 1e9;
  expect(point?.value.count).toBe(3);
  expect(point?.value.sum).toBeCloseTo(spanSeconds, 9);
});
