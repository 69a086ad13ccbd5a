import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';

type HistogramDataPoint = DataPoint<Histogram>;

import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { histogramCount, setupTestOtel } from '../../../test/support/otel.ts';
import {
  currentToolInvocation,
  resetInstrumentation,
  traceTool,
  withCorrelationId,
  withTool,
  withWorkflow,
} from '../src/index.ts';
import {
  frameworkStepOf,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  noteFrameworkStep,
  startAgentRun,
  startFrameworkStep,
  startToolCall,
  toolCallSpec,
} from '../src/internal.ts';

const otel = setupTestOtel();
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(() => otel.shutdown());

const toolSpans = () => otel.spans().filter((s) => s.name.startsWith('execute_tool'));
/** The duration points of one tool (metrics are cumulative across the tests of this file). */
const durationPoints = async (tool: string) =>
  (
    ((await otel.metric(METRIC_GEN_AI_EXECUTE_TOOL_DURATION))?.dataPoints ??
      []) as HistogramDataPoint[]
  ).filter((p) => p.attributes['gen_ai.tool.name'] === tool);
const callsOf = async (tool: string) =>
  histogramCount(
    await otel.metric(METRIC_GEN_AI_EXECUTE_TOOL_DURATION),
    (a) => a['gen_ai.tool.name'] === tool,
  );

/** Another library's tool span (as the AI SDK's OpenTelemetry integration opens it). */
function foreignToolSpan(name: string, callId?: string) {
  return trace.getTracer('other-library').startSpan(`execute_tool ${name}`, {
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': name,
      ...(callId !== undefined ? { 'gen_ai.tool.call.id': callId } : {}),
    },
  });
}

describe('adopt, do not duplicate', () => {
  it('a traceTool inside another library’s execute_tool span for the same tool records on that span', async () => {
    const search = traceTool(
      async (q: string) => {
        if (q === 'bad') throw Object.assign(new Error('nope'), { code: 'E_BAD' });
        return 'hits';
      },
      { name: 'search', type: 'extension' },
    );
    for (const q of ['ok', 'bad']) {
      const foreign = foreignToolSpan('search');
      await context
        .with(trace.setSpan(context.active(), foreign), () => search(q))
        .catch(() => undefined);
      foreign.end();
    }
    const spans = toolSpans();
    expect(spans).toHaveLength(2);
    expect(spans.every((s) => s.instrumentationScope.name === 'other-library')).toBe(true);
    expect(spans[0]!.attributes['gen_ai.tool.type']).toBe('extension');
    expect(spans[1]!.attributes['error.type']).toBe('E_BAD');
    expect(spans[1]!.status.code).toBe(SpanStatusCode.ERROR);
    // The owner records the exception; toolscope adds no second exception event.
    expect(spans[1]!.events.filter((e) => e.name === 'exception')).toHaveLength(0);
    const points = await durationPoints('search');
    expect(await callsOf('search')).toBe(2);
    // One duration: the adopted span's own duration is the histogram point.
    const failed = points!.find((p) => p.attributes['error.type'] === 'E_BAD')!;
    const spanSeconds = spans[1]!.duration[0] + spans[1]!.duration[1] / 1e9;
    expect(failed.value.sum).toBeCloseTo(spanSeconds, 9);
  });

  it('adopts by call id even when the names differ, and not another call’s span', async () => {
    const foreign = foreignToolSpan('lookup', 'call-1');
    await context.with(trace.setSpan(context.active(), foreign), async () => {
      await withTool({ name: 'lookup_v2', callId: 'call-1' }, async () => 'x');
      await withTool({ name: 'lookup', callId: 'call-2' }, async () => 'y');
    });
    foreign.end();
    const spans = toolSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['execute_tool lookup', 'execute_tool lookup']);
    const own = spans.find((s) => s.instrumentationScope.name !== 'other-library')!;
    expect(own.attributes['gen_ai.tool.call.id']).toBe('call-2');
    expect(own.parentSpanContext?.spanId).toBe(foreign.spanContext().spanId);
  });

  it('marks the foreign spans it records, no span it left alone; its own spans by their scope', async () => {
    const foreign = foreignToolSpan('lookup', 'call-1');
    const untouched = foreignToolSpan('other', 'call-9');
    await context.with(trace.setSpan(context.active(), foreign), async () => {
      await withTool({ name: 'lookup', callId: 'call-1' }, async () => 'x');
      await withTool({ name: 'lookup', callId: 'call-2' }, async () => 'y');
    });
    foreign.end();
    untouched.end();
    const marked = (s: { attributes: Record<string, unknown> }) =>
      s.attributes['toolscope.tool.recorded'];
    const spans = toolSpans();
    const byCall = (id: string) => spans.find((s) => s.attributes['gen_ai.tool.call.id'] === id)!;
    // call-1 adopted the foreign span: marked. call-2 opened its own: toolscope's scope says it.
    expect(marked(byCall('call-1'))).toBe(true);
    expect(byCall('call-1').instrumentationScope.name).not.toMatch(/^@toolscope\//);
    expect(marked(byCall('call-2'))).toBeUndefined();
    expect(byCall('call-2').instrumentationScope.name).toBe('@toolscope/instrumentation');
    expect(marked(byCall('call-9'))).toBeUndefined();
  });

  it('a leaf call runs its work with its span active but no invocation to join', async () => {
    const spec = toolCallSpec({ name: 'remote', type: 'extension' });
    const leaf = startToolCall(spec, { leaf: true })!;
    const nested = startToolCall(spec)!;
    expect(trace.getSpan(leaf.context)).toBe(leaf.span);
    expect(context.with(leaf.context, () => currentToolInvocation())).toBeUndefined();
    expect(context.with(nested.context, () => currentToolInvocation())).toBe(nested.invocation);
    // The same tool inside the leaf's context (an in-process server's own code) is a call of its
    // own: neither joined nor adopted, so counted once each.
    const before = await callsOf('remote');
    const inner = context.with(leaf.context, () => startToolCall(spec))!;
    expect(inner.mode).toBe('own');
    inner.end();
    nested.end();
    leaf.end();
    expect(toolSpans().filter((s) => s.name === 'execute_tool remote')).toHaveLength(3);
    expect(await callsOf('remote')).toBe(before + 3);
  });

  it('an adopted span keeps the invocation in the context even for a leaf call', async () => {
    const foreign = foreignToolSpan('lookup');
    const call = context.with(trace.setSpan(context.active(), foreign), () =>
      startToolCall(toolCallSpec({ name: 'lookup' }), { leaf: true }),
    )!;
    expect(call.mode).toBe('span');
    expect(context.with(call.context, () => currentToolInvocation())).toBe(call.invocation);
    call.end();
    foreign.end();
  });

  it('never adopts a span that is not a tool span, or a tool span of another tool', async () => {
    const parent = trace.getTracer('other-library').startSpan('chat model');
    const other = foreignToolSpan('weather');
    await context.with(trace.setSpan(context.active(), parent), () =>
      withTool({ name: 'weather' }, async () => 1),
    );
    await context.with(trace.setSpan(context.active(), other), () =>
      withTool({ name: 'geocode' }, async () => 1),
    );
    parent.end();
    other.end();
    expect(toolSpans().filter((s) => s.instrumentationScope.name !== 'other-library')).toHaveLength(
      2,
    );
  });

  it('a wrapper inside a wrapper of the same tool joins it: one span, one point, shared handle', async () => {
    const inner = traceTool(
      async () => {
        currentToolInvocation()?.recordRetry('ETIMEDOUT');
        return 'r';
      },
      { name: 'reverse_geocode' },
    );
    const outer = traceTool(async () => inner(), { name: 'reverse_geocode' });
    await outer();
    expect(toolSpans()).toHaveLength(1);
    expect(toolSpans()[0]!.attributes['toolscope.tool.retry_count']).toBe(1);
    expect(await callsOf('reverse_geocode')).toBe(1);
  });

  it('an observed call (startToolCall) is joined by a traceTool with the same call id, active or not', async () => {
    const spec = toolCallSpec({ name: 'fetch_page' });
    const call = startToolCall(spec, { callId: 'c-9' })!;
    // The framework runs the tool outside the call's context (an observe-only integration).
    const user = traceTool(async () => 'page', { name: 'fetch_page', callId: () => 'c-9' });
    await user();
    call.end({ result: 'page' });
    expect(toolSpans()).toHaveLength(1);
    expect(await callsOf('reverse_geocode')).toBe(1);
  });

  it('an observed call carries the correlation id on its span and never on metrics', async () => {
    await withCorrelationId('req-42', async () => {
      const call = startToolCall(toolCallSpec({ name: 'book' }), { callId: 'x' })!;
      call.end({ error: new TypeError('bad input') });
    });
    const [span] = toolSpans();
    expect(span!.attributes['toolscope.correlation_id']).toBe('req-42');
    expect(span!.attributes['error.type']).toBe('TypeError');
    const points = await durationPoints('book');
    expect(points).toHaveLength(1);
    expect(points.every((p) => !JSON.stringify(p.attributes).includes('req-42'))).toBe(true);
    expect(points.every((p) => p.attributes['gen_ai.tool.call.id'] === undefined)).toBe(true);
  });
  it('an observed call ended with a thrown value and an errorType takes that type', async () => {
    // A framework exception whose name is plain `Error` (LangChain's ToolInputParsingException).
    class ToolInputParsingException extends Error {}
    const call = startToolCall(toolCallSpec({ name: 'parse' }))!;
    call.end({
      error: new ToolInputParsingException('bad'),
      errorType: 'ToolInputParsingException',
    });
    const [span] = toolSpans();
    expect(span!.attributes['error.type']).toBe('ToolInputParsingException');
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    const [point] = await durationPoints('parse');
    expect(point!.attributes['error.type']).toBe('ToolInputParsingException');
    // The exception event says the same type, with the thrown value's message.
    const exception = span!.events.find((e) => e.name === 'exception')!;
    expect(exception.attributes?.['exception.type']).toBe('ToolInputParsingException');
    expect(exception.attributes?.['exception.message']).toBe('bad');
  });

  it('an agent run ended with a thrown value and an errorType: error.type and exception.type agree', () => {
    const run = startAgentRun({ name: 'typed' })!;
    run.end({ error: Object.assign(new Error('nope'), { code: 'E_RAW' }), errorType: 'Refused' });
    const agent = otel.spans().find((s) => s.name === 'invoke_agent typed')!;
    expect(agent.attributes['error.type']).toBe('Refused');
    const exception = agent.events.find((e) => e.name === 'exception')!;
    expect(exception.attributes?.['exception.type']).toBe('Refused');
    expect(exception.attributes?.['exception.message']).toBe('nope');
  });
});

describe('one duration', () => {
  it('the histogram point of a failed call equals its span’s duration', async () => {
    const slow = traceTool(
      async () => {
        await new Promise((r) => setImmediate(r));
        throw new Error('late');
      },
      { name: 'slow_fail' },
    );
    await slow().catch(() => undefined);
    const [span] = toolSpans();
    const [point] = await durationPoints('slow_fail');
    expect(point!.value.sum).toBeCloseTo(span!.duration[0] + span!.duration[1] / 1e9, 9);
  });

  it('a call observed after the fact has the duration its start and end times give', async () => {
    const call = startToolCall(toolCallSpec({ name: 'replayed' }), {
      startTime: 1_700_000_000_000,
    })!;
    call.end({ result: 'ok', endTime: 1_700_000_000_250 });
    const [point] = await durationPoints('replayed');
    expect(point!.value.sum).toBeCloseTo(0.25, 6);
  });
});

describe('workflow steps', () => {
  it('never reports more completed steps than declared', async () => {
    await withWorkflow({ name: 'three_calls', totalSteps: 2 }, async () => {
      for (let i = 0; i < 3; i++) await withTool({ name: `t${i}` }, async () => i);
    });
    const wf = otel.spans().find((s) => s.name === 'invoke_workflow three_calls')!;
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(2);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('completed');
  });

  it('counts only calls made directly in the workflow, not calls inside a tool', async () => {
    const inner = traceTool(async () => 1, { name: 'inner' });
    await withWorkflow({ name: 'nested', totalSteps: 2 }, async () => {
      await withTool({ name: 'outer' }, async () => {
        await inner();
        await inner();
      });
    });
    const wf = otel.spans().find((s) => s.name === 'invoke_workflow nested')!;
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(1);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('partial');
    expect(wf.attributes['toolscope.workflow.tools']).toEqual(['inner', 'outer']);
  });

  it('counts a framework’s steps instead of tool calls once an integration reports them', async () => {
    await withWorkflow({ name: 'chain', totalSteps: 2 }, async () => {
      // One chain step that made three tool calls.
      for (let i = 0; i < 3; i++) await withTool({ name: 'search' }, async () => i);
      noteFrameworkStep(context.active(), true);
    });
    const wf = otel.spans().find((s) => s.name === 'invoke_workflow chain')!;
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(1);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('partial');
  });

  it('a framework step in which a tool call failed did not complete (the one rule)', async () => {
    const failing = traceTool(
      async () => {
        throw new Error('down');
      },
      { name: 'failing' },
    );
    await withWorkflow({ name: 'rule', totalSteps: 2 }, async () => {
      // Step 1: one call succeeds, one fails (the step's code catches it and goes on).
      const first = startFrameworkStep(context.active())!;
      await context.with(first.context, async () => {
        await withTool({ name: 'search' }, async () => 1);
        await failing().catch(() => undefined);
      });
      expect(first.toolFailed).toBe(true);
      first.end(true);
      // Step 2: its calls succeed.
      const second = startFrameworkStep(context.active())!;
      await context.with(second.context, () => withTool({ name: 'search' }, async () => 2));
      expect(second.toolFailed).toBe(false);
      second.end(true);
    });
    const wf = otel.spans().find((s) => s.name === 'invoke_workflow rule')!;
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(1);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('partial');
  });

  it('a failed call inside another tool call of the step is that call’s, not the step’s', async () => {
    const inner = traceTool(
      async () => {
        throw new Error('down');
      },
      { name: 'inner' },
    );
    await withWorkflow({ name: 'nested-step', totalSteps: 1 }, async () => {
      const step = startFrameworkStep(context.active())!;
      await context.with(step.context, () =>
        withTool({ name: 'outer' }, async () => inner().catch(() => 'fallback')),
      );
      expect(step.toolFailed).toBe(false);
      step.end(true);
    });
    const wf = otel.spans().find((s) => s.name === 'invoke_workflow nested-step')!;
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(1);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('completed');
  });

  it('steps: reported failures, unreported collectors, the enclosing step, outside a workflow', async () => {
    expect(startFrameworkStep(context.active())).toBeUndefined();
    await withWorkflow({ name: 'collect', totalSteps: 3 }, async () => {
      // A failure the integration saw itself (its tool call ran elsewhere).
      const reported = startFrameworkStep(context.active())!;
      reported.noteToolFailure();
      reported.end(true);
      reported.end(true); // once
      // A collector inside a step: not a step of its own, its failures fail the step.
      const outer = startFrameworkStep(context.active())!;
      const part = startFrameworkStep(outer.context, { report: false })!;
      expect(frameworkStepOf(part.context)).toBe(part);
      await context.with(part.context, () =>
        withTool({ name: 'broken' }, async () => {
          throw new Error('down');
        }).catch(() => undefined),
      );
      part.end(true);
      expect(outer.toolFailed).toBe(true);
      outer.end(true);
      // A step that failed by itself.
      startFrameworkStep(context.active())!.end(false);
    });
    const wf = otel.spans().find((s) => s.name === 'invoke_workflow collect')!;
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(0);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('partial');
  });

  it('completeStep() stays the explicit override', async () => {
    await withWorkflow({ name: 'explicit', totalSteps: 2 }, async (run) => {
      noteFrameworkStep(context.active(), true);
      run.completeStep(2);
    });
    const wf = otel.spans().find((s) => s.name === 'invoke_workflow explicit')!;
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(2);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('completed');
  });
});

describe('agent runs', () => {
  it('open invoke_agent spans tool calls nest under, with the agent duration histogram', async () => {
    const run = startAgentRun({ name: 'planner' })!;
    await context.with(run.context, () => withTool({ name: 'geocode' }, async () => 1));
    run.end({ error: Object.assign(new Error('model refused'), { name: 'ModelBehaviorError' }) });
    const agent = otel.spans().find((s) => s.name === 'invoke_agent planner')!;
    expect(agent.attributes['gen_ai.operation.name']).toBe('invoke_agent');
    expect(agent.attributes['error.type']).toBe('ModelBehaviorError');
    expect(toolSpans()[0]!.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
    const metric = await otel.metric(METRIC_GEN_AI_INVOKE_AGENT_DURATION);
    expect(histogramCount(metric, (a) => a['gen_ai.agent.name'] === 'planner')).toBe(1);
    const point = (metric!.dataPoints as HistogramDataPoint[]).find(
      (p) => p.attributes['gen_ai.agent.name'] === 'planner',
    );
    expect(point!.value.sum).toBeCloseTo(agent.duration[0] + agent.duration[1] / 1e9, 9);
  });

  it('a run adopted by span context only (not recording) records its own measured duration at once', async () => {
    const foreign = trace.wrapSpanContext({
      traceId: '1'.repeat(32),
      spanId: '2'.repeat(16),
      traceFlags: 1,
    });
    const run = startAgentRun({ name: 'context-only', adopt: foreign, startTime: 1_000 })!;
    run.end({ endTime: 1_250 });
    const metric = await otel.metric(METRIC_GEN_AI_INVOKE_AGENT_DURATION);
    const points = (metric!.dataPoints as HistogramDataPoint[]).filter(
      (p) => p.attributes['gen_ai.agent.name'] === 'context-only',
    );
    expect(points).toHaveLength(1);
    expect(points[0]!.value.count).toBe(1);
    expect(points[0]!.value.sum).toBeCloseTo(0.25, 9);
    expect(otel.spans().filter((s) => s.name.startsWith('invoke_agent'))).toHaveLength(0);
  });
});

describe('calls and runs observed after the fact', () => {
  it('end on the clock of their start time, to sub-millisecond precision, when no end time is given', async () => {
    const start = performance.timeOrigin + performance.now();
    const call = startToolCall(toolCallSpec({ name: 'observed_no_end' }), { startTime: start })!;
    await new Promise((r) => setImmediate(r));
    call.end({ result: 'ok' });
    const run = startAgentRun({ name: 'observed_agent', startTime: start })!;
    run.end();
    const [span] = toolSpans().filter((s) => s.name === 'execute_tool observed_no_end');
    const seconds = span!.duration[0] + span!.duration[1] / 1e9;
    // Date.now() would give whole milliseconds, often 0 for a call this short.
    expect(seconds).toBeGreaterThan(0);
    expect(span!.duration[1] % 1_000_000).not.toBe(0);
    const [point] = await durationPoints('observed_no_end');
    expect(point!.value.sum).toBeCloseTo(seconds, 9);
  });
});
