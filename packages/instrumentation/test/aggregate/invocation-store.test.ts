import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { setupTestOtel } from '../../../../test/support/otel.ts';
import {
  InvocationStore,
  traceTool,
  trackToolInvocation,
  trackWorkflowExecution,
  withWorkflow,
} from '../../src/index.ts';

// A context manager is needed for tool calls to find their workflow across awaits.
const otel = setupTestOtel();
afterAll(() => otel.shutdown());

let store: InvocationStore | undefined;
afterEach(() => store?.close());

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('InvocationStore', () => {
  it('aggregates wrapped and manual invocations per tool and workflow', async () => {
    store = new InvocationStore().attach();
    const t = traceTool(async (x: string) => x, { name: 'store_tool', expectedPerformanceMs: 100 });
    await withWorkflow({ name: 'store_wf', totalSteps: 2 }, async () => {
      await t('abc');
      await t('de');
    });
    trackToolInvocation({
      tool: 'store_tool',
      responseTimeMs: 40,
      success: false,
      errorType: 'timeout',
      retryCount: 2,
    });
    trackToolInvocation({
      tool: 'store_tool',
      responseTimeMs: 60,
      success: true,
      fallbackFor: 'other',
    });
    const s = store.tools().find((x) => x.tool === 'store_tool')!;
    expect(s).toMatchObject({
      calls: 4,
      errors: 1,
      errorTypes: { timeout: 1 },
      retries: 2,
      retriedCalls: 1,
      fallbacks: { other: 1 },
      expectedPerformanceMs: 100,
    });
    expect(s.duration.count).toBe(4);
    expect(s.duration.max).toBeCloseTo(0.06, 9);
    expect(s.inputBytes.sum).toBe(5);
    const w = store.workflows().find((x) => x.workflow === 'store_wf')!;
    expect(w).toMatchObject({
      executions: 1,
      outcomes: { completed: 1, partial: 0, failed: 0 },
      stepsCompleted: 2,
      tools: { store_tool: 1 },
    });
  });

  it('answers windows at slot granularity and forgets past retention', () => {
    const c = clock(1_000_000_000);
    store = new InvocationStore({ slotSeconds: 10, retentionSeconds: 60, now: c.now });
    const rec = (ms: number, errorType?: string) =>
      store!.record({
        kind: 'tool',
        name: 'w',
        toolType: 'function',
        durationS: ms / 1000,
        endTimeMs: c.now(),
        errorType,
        retryCount: 0,
        fallbackFor: undefined,
        inputSize: undefined,
        outputSize: undefined,
        expectedPerformanceMs: undefined,
        confidence: undefined,
        workflow: undefined,
      });
    for (let i = 0; i < 10; i++) rec(100);
    c.advance(30_000);
    for (let i = 0; i < 10; i++) rec(300, 'boom');
    const recent = store.tools(store.lastWindow(10_000))[0]!;
    expect(recent.calls).toBe(10);
    expect(recent.errors).toBe(10);
    expect(recent.duration.quantile(0.5)).toBeCloseTo(0.3, 2);
    const previous = store.tools({ fromMs: c.now() - 40_000, toMs: c.now() - 20_000 })[0]!;
    expect(previous.calls).toBe(10);
    expect(previous.errors).toBe(0);
    expect(store.tools()[0]!.calls).toBe(20);
    c.advance(70_000);
    rec(1);
    expect(store.tools()[0]!.calls).toBe(1);
    expect(store.slotCount).toBe(1);
  });

  it('counts workflow outcomes from the manual API', () => {
    store = new InvocationStore().attach();
    trackWorkflowExecution({ workflowId: 'wfm', executionTimeMs: 10, success: true });
    trackWorkflowExecution({ workflowId: 'wfm', executionTimeMs: 10, success: false });
    expect(store.workflows().find((w) => w.workflow === 'wfm')!.outcomes).toEqual({
      completed: 1,
      partial: 0,
      failed: 1,
    });
  });

  it('rejects bad options naming the field', () => {
    expect(() => new InvocationStore({ slotSeconds: 0 })).toThrow(/slotSeconds/);
    expect(() => new InvocationStore({ slotSeconds: 10, retentionSeconds: 5 })).toThrow(
      /retentionSeconds/,
    );
    expect(() => new InvocationStore({ relativeAccuracy: 2 })).toThrow(/relativeAccuracy/);
  });
});
