import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { tool } from '@langchain/core/tools';
import {
  Command,
  interrupt,
  MemorySaver,
  MessagesAnnotation,
  StateGraph,
} from '@langchain/langgraph';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { SpanStatusCode } from '@opentelemetry/api';
import { withWorkflow } from '@toolscope/instrumentation';
import { createAgent } from 'langchain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { newPoints, one, parentOf, toolSpans, useHarness } from './helpers/setup.ts';
import { add } from './helpers/tools.ts';

const AGENT_DURATION = 'gen_ai.invoke_agent.duration';
const TOOL_DURATION = 'gen_ai.execute_tool.duration';

function calcAgent(name?: string) {
  const model = fakeModel()
    .respondWithTools([
      { name: 'add', args: { a: 1, b: 2 }, id: 'call_a1' },
      { name: 'add', args: { a: 3, b: 4 }, id: 'call_a2' },
    ])
    .respond(new AIMessage('done'));
  return createAgent({ model, tools: [add], ...(name === undefined ? {} : { name }) });
}

describe('graph runs', () => {
  const h = useHarness();

  it('makes an invoke_agent span per run, under the workflow, with the tool calls under it', async () => {
    const runs = await newPoints(h.otel, AGENT_DURATION, (a) => a['gen_ai.agent.name'] === 'calc');
    await withWorkflow({ name: 'plan' }, () =>
      calcAgent('calc').invoke({ messages: [new HumanMessage('go')] }),
    );
    const agent = one(h.otel, 'invoke_agent calc');
    expect(agent.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'calc',
    });
    expect(parentOf(h.otel, agent)?.name).toBe('invoke_workflow plan');
    const tools = toolSpans(h.otel);
    expect(tools).toHaveLength(2);
    for (const span of tools) expect(parentOf(h.otel, span)).toBe(agent);
    expect(await runs()).toBe(1);
  });

  it('names a graph without a name as LangGraph does, and covers createReactAgent', async () => {
    const model = fakeModel()
      .respondWithTools([{ name: 'add', args: { a: 1, b: 2 }, id: 'call_r1' }])
      .respond(new AIMessage('done'));
    await createReactAgent({ llm: model, tools: [add] }).invoke({
      messages: [new HumanMessage('go')],
    });
    const agent = one(h.otel, 'invoke_agent LangGraph');
    expect(parentOf(h.otel, one(h.otel, 'execute_tool add'))).toBe(agent);
  });

  it('covers stream() and streamEvents(): one agent span, every tool call under it', async () => {
    const calls = await newPoints(h.otel, TOOL_DURATION);
    for await (const _chunk of await calcAgent('streamed').stream({
      messages: [new HumanMessage('go')],
    })) {
      // drain
    }
    const events: string[] = [];
    for await (const event of calcAgent('evented').streamEvents(
      { messages: [new HumanMessage('go')] },
      { version: 'v2' },
    )) {
      events.push(event.event);
    }
    expect(events).toContain('on_tool_end');
    for (const name of ['streamed', 'evented']) {
      const agent = one(h.otel, `invoke_agent ${name}`);
      const tools = toolSpans(h.otel).filter((s) => parentOf(h.otel, s) === agent);
      expect(tools.map((s) => s.attributes['gen_ai.tool.call.id']).sort()).toEqual([
        'call_a1',
        'call_a2',
      ]);
    }
    expect(await calls()).toBe(4);
  });

  it('records a failed run with its error type', async () => {
    const failed = await newPoints(h.otel, AGENT_DURATION, (a) => a['error.type'] === 'RangeError');
    const model = fakeModel().alwaysThrow(new RangeError('model down'));
    const err = await createAgent({ model, tools: [add], name: 'broken' })
      .invoke({ messages: [new HumanMessage('go')] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    const agent = one(h.otel, 'invoke_agent broken');
    expect(agent.status.code).toBe(SpanStatusCode.ERROR);
    expect(agent.attributes['error.type']).toBe('RangeError');
    expect(await failed()).toBe(1);
  });

  it('does not count a human-in-the-loop interrupt as a failure, and traces the resumed call', async () => {
    const failures = await newPoints(h.otel, TOOL_DURATION, (a) => a['error.type'] !== undefined);
    const approve = tool(
      async ({ amount }) => {
        const answer = interrupt({ question: `pay ${amount}?` });
        return `paid: ${String(answer)}`;
      },
      {
        name: 'pay',
        description: 'pays, after approval',
        schema: z.object({ amount: z.number() }),
      },
    );
    const model = fakeModel()
      .respondWithTools([{ name: 'pay', args: { amount: 5 }, id: 'call_pay' }])
      .respond(new AIMessage('paid'));
    const agent = createAgent({ model, tools: [approve], checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: 'hitl-1' } };
    const first = await agent.invoke({ messages: [new HumanMessage('pay 5')] }, config);
    expect(first).toHaveProperty('__interrupt__');
    const interrupted = one(h.otel, 'execute_tool pay');
    expect(interrupted.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(interrupted.attributes['error.type']).toBeUndefined();
    expect(
      interrupted.events.map((e) => [e.name, e.attributes?.['toolscope.bubble_up.type']]),
    ).toEqual([['toolscope.bubble_up', 'GraphInterrupt']]);
    expect(one(h.otel, 'invoke_agent LangGraph').status.code).not.toBe(SpanStatusCode.ERROR);
    h.otel.reset();
    await agent.invoke(new Command({ resume: 'yes' }), config);
    const resumed = one(h.otel, 'execute_tool pay');
    expect(resumed.attributes['gen_ai.tool.call.id']).toBe('call_pay');
    expect(resumed.events).toEqual([]);
    expect(await failures()).toBe(0);
  });

  it('nests a subgraph run under the graph that runs it', async () => {
    const model = fakeModel()
      .respondWithTools([{ name: 'add', args: { a: 1, b: 2 }, id: 'call_s1' }])
      .respond(new AIMessage('done'));
    const inner = createReactAgent({ llm: model, tools: [add], name: 'worker' });
    const outer = new StateGraph(MessagesAnnotation)
      .addNode('worker', inner)
      .addEdge('__start__', 'worker')
      .compile({ name: 'supervisor' });
    await outer.invoke({ messages: [new HumanMessage('go')] });
    const top = one(h.otel, 'invoke_agent supervisor');
    const agents = h.otel.spans().filter((s) => s.name.startsWith('invoke_agent '));
    expect(agents).toHaveLength(2);
    const nested = agents.find((s) => s !== top)!;
    expect(parentOf(h.otel, nested)).toBe(top);
    for (const span of toolSpans(h.otel)) expect(parentOf(h.otel, span)).toBe(nested);
  });
});
