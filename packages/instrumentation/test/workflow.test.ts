import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { points, setupTestOtel } from '../../../test/support/otel.ts';
import {
  currentWorkflow,
  resetInstrumentation,
  traceTool,
  traceWorkflow,
  withTool,
  withWorkflow,
  workflow,
} from '../src/index.ts';

const otel = setupTestOtel();
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(() => otel.shutdown());

const ok = traceTool(async (x: string) => x, { name: 'ok_tool' });
const bad = traceTool(
  async () => {
    throw new Error('x');
  },
  { name: 'bad_tool' },
);

const wfSpan = () => otel.spans().find((s) => s.name.startsWith('invoke_workflow'))!;

describe('workflows', () => {
  it('nests tool spans under the workflow span and lists the tools used', async () => {
    await withWorkflow({ name: 'plan', totalSteps: 2 }, async () => {
      await ok('a');
      await withTool({ name: 'inline' }, async () => 'b');
    });
    const wf = wfSpan();
    expect(wf.name).toBe('invoke_workflow plan');
    const tools = otel.spans().filter((s) => s.name.startsWith('execute_tool'));
    expect(tools).toHaveLength(2);
    for (const t of tools) {
      expect(t.parentSpanContext?.spanId).toBe(wf.spanContext().spanId);
      expect(t.spanContext().traceId).toBe(wf.spanContext().traceId);
    }
    expect(wf.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'plan',
      'toolscope.workflow.steps.total': 2,
      'toolscope.workflow.steps.completed': 2,
      'toolscope.workflow.outcome': 'completed',
      'toolscope.workflow.tools': ['ok_tool', 'inline'],
    });
  });

  it('ends partial when fewer steps than declared succeed', async () => {
    await withWorkflow({ name: 'partial_wf', totalSteps: 3 }, async () => {
      await ok('a');
      await bad().catch(() => undefined);
    });
    expect(wfSpan().attributes).toMatchObject({
      'toolscope.workflow.steps.completed': 1,
      'toolscope.workflow.outcome': 'partial',
      'toolscope.workflow.tools': ['ok_tool', 'bad_tool'],
    });
    expect(wfSpan().attributes['error.type']).toBeUndefined();
  });

  it('ends failed and rethrows when the workflow throws', async () => {
    const err = new Error('stop');
    await expect(
      withWorkflow({ name: 'failing_wf', totalSteps: 2 }, async () => {
        await ok('a');
        throw err;
      }),
    ).rejects.toBe(err);
    const wf = wfSpan();
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('failed');
    expect(wf.attributes['error.type']).toBe('Error');
    expect(wf.status.code).toBe(SpanStatusCode.ERROR);
    const exec = points(await otel.metric('toolscope.workflow.executions')).filter(
      (p) => p.attributes['gen_ai.workflow.name'] === 'failing_wf',
    );
    expect(exec).toEqual([
      {
        attributes: {
          'gen_ai.workflow.name': 'failing_wf',
          'toolscope.workflow.outcome': 'failed',
        },
        value: 1,
      },
    ]);
  });

  it('counts explicit steps instead of tool calls when told', async () => {
    await withWorkflow({ name: 'explicit', totalSteps: 2 }, async (run) => {
      await ok('a');
      await ok('b');
      await ok('c');
      run.completeStep();
      expect(currentWorkflow()?.stepsCompleted).toBe(1);
    });
    expect(wfSpan().attributes['toolscope.workflow.outcome']).toBe('partial');
  });

  it('keeps sync workflows sync and supports traceWorkflow and the decorator', async () => {
    const syncWf = traceWorkflow((n: number) => n * 2, { name: 'sync_wf' });
    expect(syncWf(4)).toBe(8);
    class Agent {
      prefix = 'trip';
      async plan(city: string) {
        return `${this.prefix}:${city}`;
      }
    }
    Agent.prototype.plan = workflow({ totalSteps: 0 })(Agent.prototype.plan, {
      kind: 'method',
      name: 'plan',
    } as unknown as ClassMethodDecoratorContext<Agent, Agent['plan']>);
    await expect(new Agent().plan('Porto')).resolves.toBe('trip:Porto');
    expect(
      otel
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['invoke_workflow plan', 'invoke_workflow sync_wf']);
  });

  it('rejects bad workflow options', () => {
    expect(() => withWorkflow({ name: ' ' }, () => 1)).toThrow(/name: must be a non-empty string/);
    expect(() => traceWorkflow(() => 1, { name: 'x', totalSteps: -1 })).toThrow(/totalSteps/);
    expect(() => traceWorkflow(() => 1, { name: 'x', totalSteps: 1.5 })).toThrow(
      /totalSteps: must be an integer >= 0/,
    );
  });
});
