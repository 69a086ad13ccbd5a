import { ToolInputParsingException, tool } from '@langchain/core/tools';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  configureInstrumentation,
  traceTool,
  withCorrelationId,
  withWorkflow,
} from '@toolscope/instrumentation';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { points as metricPoints } from '../../../test/support/otel.ts';
import { named, newPoints, one, parentOf, toolSpans, useHarness } from './helpers/setup.ts';
import { add, boom, inner, search, shout, slow, Weather } from './helpers/tools.ts';

const TOOL_DURATION = 'gen_ai.execute_tool.duration';

describe('tool calls', () => {
  const h = useHarness();

  it('makes one execute_tool span per call, under the workflow, active while the tool runs', async () => {
    const calls = await newPoints(h.otel, TOOL_DURATION);
    await withWorkflow({ name: 'calc' }, async () => {
      await add.invoke({ a: 1, b: 2 });
    });
    const span = one(h.otel, 'execute_tool add');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'add',
      'gen_ai.tool.type': 'function',
    });
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBeUndefined();
    expect(parentOf(h.otel, span)?.name).toBe('invoke_workflow calc');
    expect(parentOf(h.otel, one(h.otel, 'inner(add)'))).toBe(span);
    expect(await calls()).toBe(1);
  });

  it('takes gen_ai.tool.call.id from the ToolCall, given to invoke or to call', async () => {
    await add.invoke({ type: 'tool_call', id: 'call_1', name: 'add', args: { a: 1, b: 2 } });
    await add.call({ type: 'tool_call', id: 'call_2', name: 'add', args: { a: 1, b: 2 } });
    await add.invoke({ a: 1, b: 2 });
    expect(toolSpans(h.otel).map((s) => s.attributes['gen_ai.tool.call.id'])).toEqual([
      'call_1',
      'call_2',
      undefined,
    ]);
  });

  it('covers every kind of tool: tool(), DynamicStructuredTool, DynamicTool, a StructuredTool class', async () => {
    const calls = await newPoints(h.otel, TOOL_DURATION);
    await search.invoke({ q: 'otel' });
    await shout.invoke('hi');
    await new Weather().invoke({ city: 'Lyon' });
    await tool(async () => 'ok', { name: 'plain', description: 'no schema' }).invoke('x');
    expect(toolSpans(h.otel).map((s) => s.name)).toEqual([
      'execute_tool search',
      'execute_tool shout',
      'execute_tool weather',
      'execute_tool plain',
    ]);
    for (const name of ['search', 'shout', 'weather']) {
      expect(parentOf(h.otel, one(h.otel, `inner(${name})`))?.name).toBe(`execute_tool ${name}`);
    }
    expect(await calls()).toBe(4);
  });

  it('records a thrown error with its type, rethrowing the same error', async () => {
    const failed = await newPoints(h.otel, TOOL_DURATION, (a) => a['error.type'] === 'TypeError');
    const err = await boom.invoke({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    const span = one(h.otel, 'execute_tool boom');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(await failed()).toBe(1);
  });

  it('records input that fails the schema as a failed call (ToolInputParsingException), without the input', async () => {
    const failed = await newPoints(
      h.otel,
      TOOL_DURATION,
      (a) => a['error.type'] === 'ToolInputParsingException',
    );
    const secret = 'SECRET-INPUT-7';
    const errors = await Promise.all([
      add.invoke({ a: secret } as never).catch((e: unknown) => e),
      add
        .invoke({ type: 'tool_call', id: 'call_bad', name: 'add', args: { a: secret } } as never)
        .catch((e: unknown) => e),
    ]);
    for (const err of errors) expect(err).toBeInstanceOf(ToolInputParsingException);
    const spans = named(h.otel, 'execute_tool add');
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes['error.type']).toBe('ToolInputParsingException');
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(JSON.stringify({ a: span.attributes, e: span.events })).not.toContain(secret);
      // The exception event agrees with error.type (the class's `name` is only `Error`).
      const exception = span.events.find((e) => e.name === 'exception')!;
      expect(exception.attributes?.['exception.type']).toBe('ToolInputParsingException');
      expect(exception.attributes?.['exception.message']).toEqual(expect.any(String));
      expect(exception.attributes?.['exception.stacktrace']).toEqual(expect.any(String));
    }
    expect(spans.map((s) => s.attributes['gen_ai.tool.call.id']).sort()).toEqual([
      'call_bad',
      undefined,
    ]);
    expect(await failed()).toBe(2);
  });

  it('records one histogram point per call whose value is the span duration, failed calls too', async () => {
    const metricBefore = await h.otel.metric(TOOL_DURATION);
    const before = (name: string) =>
      (metricBefore?.dataPoints.find((p) => p.attributes['gen_ai.tool.name'] === name)?.value as
        | { sum: number; count: number }
        | undefined) ?? { sum: 0, count: 0 };
    const base = { slow: before('slow'), boom: before('boom') };
    await slow.invoke({ ms: 15 });
    await boom.invoke({}).catch(() => {});
    const metric = await h.otel.metric(TOOL_DURATION);
    for (const name of ['slow', 'boom'] as const) {
      const span = one(h.otel, `execute_tool ${name}`);
      const spanS = span.duration[0] + span.duration[1] / 1e9;
      const point = metric?.dataPoints.find((p) => p.attributes['gen_ai.tool.name'] === name);
      const value = point?.value as { sum: number; count: number };
      expect(value.count - base[name].count).toBe(1);
      expect(value.sum - base[name].sum).toBeCloseTo(spanS, 6);
    }
  });

  it('joins a traceTool of the same tool inside the LangChain tool: one span, one point', async () => {
    const calls = await newPoints(h.otel, TOOL_DURATION);
    const lookup = traceTool(async (q: string) => inner('lookup', async () => q), {
      name: 'lookup',
    });
    const wrapped = tool(async ({ q }) => lookup(q), {
      name: 'lookup',
      description: 'a tool whose function the user traced too',
      schema: z.object({ q: z.string() }),
    });
    await wrapped.invoke({ q: 'x' });
    expect(toolSpans(h.otel).map((s) => s.name)).toEqual(['execute_tool lookup']);
    expect(parentOf(h.otel, one(h.otel, 'inner(lookup)'))?.name).toBe('execute_tool lookup');
    expect(await calls()).toBe(1);
  });

  it('joins an enclosing traceTool of the same tool around invoke', async () => {
    const calls = await newPoints(h.otel, TOOL_DURATION);
    const traced = traceTool((a: number) => add.invoke({ a, b: 1 }), { name: 'add' });
    await traced(2);
    expect(toolSpans(h.otel)).toHaveLength(1);
    expect(await calls()).toBe(1);
  });

  it('puts the correlation ID on spans and never on metrics', async () => {
    await withCorrelationId('order-42', () => add.invoke({ a: 1, b: 2 }));
    expect(one(h.otel, 'execute_tool add').attributes['toolscope.correlation_id']).toBe('order-42');
    for (const point of metricPoints(await h.otel.metric(TOOL_DURATION))) {
      expect(Object.keys(point.attributes)).not.toContain('toolscope.correlation_id');
    }
  });

  it('captures no content by default, and arguments and result when opted in', async () => {
    await add.invoke({ a: 20, b: 22 });
    const quiet = one(h.otel, 'execute_tool add');
    expect(quiet.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    expect(quiet.attributes['gen_ai.tool.call.result']).toBeUndefined();
    h.otel.reset();
    configureInstrumentation({ captureContent: true });
    await add.invoke({ type: 'tool_call', id: 'call_c', name: 'add', args: { a: 20, b: 22 } });
    const loud = one(h.otel, 'execute_tool add');
    expect(loud.attributes['gen_ai.tool.call.arguments']).toBe('{"a":20,"b":22}');
    expect(loud.attributes['gen_ai.tool.call.result']).toBe('42');
  });

  it('never changes results: a ToolMessage for a ToolCall, the content otherwise', async () => {
    const message = await add.invoke({
      type: 'tool_call',
      id: 'call_r',
      name: 'add',
      args: { a: 1, b: 1 },
    });
    expect(message).toMatchObject({ content: '2', tool_call_id: 'call_r' });
    expect(await add.invoke({ a: 1, b: 1 })).toBe('2');
  });
});
