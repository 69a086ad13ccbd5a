import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag } from '../../../test/support/diag.ts';
import { points, setupTestOtel } from '../../../test/support/otel.ts';
import {
  type InvocationRecord,
  resetInstrumentation,
  subscribeInvocations,
  trackToolInvocation,
  trackWorkflowExecution,
} from '../src/index.ts';

const otel = setupTestOtel();
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(() => otel.shutdown());

describe('manual API', () => {
  it('trackToolInvocation produces the wrapper span with the given times, and metrics', async () => {
    const seen: InvocationRecord[] = [];
    const off = subscribeInvocations((r) => seen.push(r));
    const end = Date.UTC(2026, 10, 26, 12, 0, 0);
    trackToolInvocation({
      tool: 'geocode',
      correlationId: 'm-1',
      responseTimeMs: 250,
      success: false,
      errorType: 'timeout',
      inputSize: 10,
      outputSize: 20,
      retryCount: 2,
      fallbackFor: 'maps',
      endTime: end,
    });
    off();
    const span = otel.spans()[0]!;
    expect(span.name).toBe('execute_tool geocode');
    expect(span.startTime[0] * 1000 + span.startTime[1] / 1e6).toBeCloseTo(end - 250, 3);
    expect(span.endTime[0] * 1000 + span.endTime[1] / 1e6).toBeCloseTo(end, 3);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      'gen_ai.tool.name': 'geocode',
      'error.type': 'timeout',
      'toolscope.correlation_id': 'm-1',
      'toolscope.tool.retry_count': 2,
      'toolscope.tool.fallback_for': 'maps',
      'toolscope.tool.input.size': 10,
      'toolscope.tool.output.size': 20,
    });
    const d = points(await otel.metric('gen_ai.execute_tool.duration')).find(
      (p) => p.attributes['gen_ai.tool.name'] === 'geocode',
    )!;
    expect(d.attributes).toEqual({
      'gen_ai.tool.name': 'geocode',
      'gen_ai.tool.type': 'function',
      'error.type': 'timeout',
    });
    expect((d.value as { sum: number }).sum).toBeCloseTo(0.25, 9);
    expect(points(await otel.metric('toolscope.tool.retries'))).toContainEqual({
      attributes: { 'gen_ai.tool.name': 'geocode' },
      value: 2,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      kind: 'tool',
      name: 'geocode',
      durationS: 0.25,
      endTimeMs: end,
    });
  });

  it('trackWorkflowExecution derives the outcome', async () => {
    trackWorkflowExecution({
      workflowId: 'search_and_recommend',
      executionTimeMs: 1200,
      toolsUsed: ['a', 'b'],
      success: true,
      stepsCompleted: 1,
      totalSteps: 2,
    });
    trackWorkflowExecution({
      workflowId: 'search_and_recommend',
      executionTimeMs: 5,
      success: false,
    });
    const spans = otel.spans();
    expect(spans.map((s) => s.attributes['toolscope.workflow.outcome'])).toEqual([
      'partial',
      'failed',
    ]);
    expect(spans[0]!.attributes['toolscope.workflow.tools']).toEqual(['a', 'b']);
    const exec = points(await otel.metric('toolscope.workflow.executions'))
      .map((p) => [p.attributes['toolscope.workflow.outcome'], p.value])
      .sort();
    expect(exec).toEqual([
      ['failed', 1],
      ['partial', 1],
    ]);
  });

  it.each([
    [{ tool: '', responseTimeMs: 1, success: true }, /tool: must be a non-empty string/],
    [
      { tool: 'x', responseTimeMs: -1, success: true },
      /responseTimeMs: must be a finite number >= 0/,
    ],
    [{ tool: 'x', success: true }, /responseTimeMs: is required/],
    [{ tool: 'x', responseTimeMs: 1, success: 'yes' }, /success: must be true or false/],
    [{ tool: 'x', responseTimeMs: 1, success: true, inputSize: -3 }, /inputSize/],
    [{ tool: 'x', responseTimeMs: 1, success: true, endTime: Number.NaN }, /endTime/],
  ])('records nothing for %j, never throws, and logs the field', (input, message) => {
    const logged = captureDiag();
    try {
      expect(() => trackToolInvocation(input as never)).not.toThrow();
      expect(otel.spans()).toHaveLength(0);
      expect(logged.messages.join('\n')).toMatch(message);
      expect(logged.messages.join('\n')).toMatch(/trackToolInvocation: .*nothing was recorded/);
    } finally {
      logged.restore();
    }
  });

  it('gives a failed manual call an exception event', () => {
    trackToolInvocation({ tool: 'exc', responseTimeMs: 5, success: false, errorType: 'E_X' });
    const events = otel.spans()[0]!.events;
    expect(events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([
      ['exception', 'E_X'],
    ]);
  });
});
