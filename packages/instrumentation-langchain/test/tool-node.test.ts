import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { SpanStatusCode } from '@opentelemetry/api';
import { withWorkflow } from '@toolscope/instrumentation';
import { createAgent } from 'langchain';
import { describe, expect, it } from 'vitest';
import { newPoints, one, parentOf, toolSpans, useHarness } from './helpers/setup.ts';
import { add, boom, slow } from './helpers/tools.ts';

const TOOL_DURATION = 'gen_ai.execute_tool.duration';

function aiCalls(calls: { id: string; name: string; args: Record<string, unknown> }[]): AIMessage {
  return new AIMessage({ content: '', tool_calls: calls });
}

function statuses(messages: BaseMessage[]): string[] {
  return messages.map((m) =>
    ToolMessage.isInstance(m) ? `${m.tool_call_id}:${m.status}` : m.type,
  );
}

describe('LangGraph ToolNode', () => {
  const h = useHarness();

  it('makes one span per parallel call, each with its call id and its own nested work', async () => {
    const calls = await newPoints(h.otel, TOOL_DURATION);
    await withWorkflow({ name: 'node' }, () =>
      new ToolNode([add, slow]).invoke({
        messages: [
          aiCalls([
            { id: 'call_1', name: 'slow', args: { ms: 20 } },
            { id: 'call_2', name: 'add', args: { a: 1, b: 2 } },
            { id: 'call_3', name: 'slow', args: { ms: 5 } },
          ]),
        ],
      }),
    );
    const spans = toolSpans(h.otel);
    expect(spans.map((s) => s.attributes['gen_ai.tool.call.id']).sort()).toEqual([
      'call_1',
      'call_2',
      'call_3',
    ]);
    for (const span of spans) expect(parentOf(h.otel, span)?.name).toBe('invoke_workflow node');
    // Each inner span nests under its own call (ids tell the parallel calls apart).
    for (const innerSpan of h.otel.spans().filter((s) => s.name.startsWith('inner('))) {
      const parent = parentOf(h.otel, innerSpan);
      expect(parent?.attributes['gen_ai.operation.name']).toBe('execute_tool');
    }
    const slowSpans = spans.filter((s) => s.name === 'execute_tool slow');
    const [longer] = slowSpans.sort((a, b) => b.duration[1] - a.duration[1]);
    expect(longer?.attributes['gen_ai.tool.call.id']).toBe('call_1');
    expect(await calls()).toBe(3);
  });

  it('records a throwing tool, invalid input and an unknown tool as failed calls', async () => {
    const calls = await newPoints(h.otel, TOOL_DURATION);
    const out = (await new ToolNode([add, boom]).invoke({
      messages: [
        aiCalls([
          { id: 'call_b', name: 'boom', args: {} },
          { id: 'call_i', name: 'add', args: { a: 'x' } },
          { id: 'call_u', name: 'nope', args: {} },
        ]),
      ],
    })) as { messages: BaseMessage[] };
    expect(statuses(out.messages)).toEqual(['call_b:error', 'call_i:error', 'call_u:error']);
    const byId = Object.fromEntries(
      toolSpans(h.otel).map((s) => [s.attributes['gen_ai.tool.call.id'], s]),
    );
    expect(byId.call_b?.name).toBe('execute_tool boom');
    expect(byId.call_b?.attributes['error.type']).toBe('TypeError');
    expect(byId.call_i?.name).toBe('execute_tool add');
    expect(byId.call_i?.attributes['error.type']).toBe('ToolInputParsingException');
    expect(byId.call_u?.name).toBe('execute_tool nope');
    expect(byId.call_u?.attributes['error.type']).toBe('tool_not_found');
    expect(byId.call_u?.status.code).toBe(SpanStatusCode.ERROR);
    expect(toolSpans(h.otel)).toHaveLength(3);
    expect(await calls()).toBe(3);
  });

  it('records an unknown tool once when the node rethrows (handleToolErrors: false)', async () => {
    const err = await new ToolNode([add], { handleToolErrors: false })
      .invoke({ messages: [aiCalls([{ id: 'call_u2', name: 'nope', args: {} }])] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(one(h.otel, 'execute_tool nope').attributes['error.type']).toBe('tool_not_found');
  });
});

describe('langchain createAgent ToolNode', () => {
  const h = useHarness();

  it('records every call the model made, including invalid input and an unknown tool', async () => {
    const calls = await newPoints(h.otel, TOOL_DURATION);
    const model = fakeModel()
      .respondWithTools([
        { name: 'add', args: { a: 2, b: 3 }, id: 'call_e1' },
        { name: 'add', args: { a: 'bad' }, id: 'call_e2' },
        { name: 'boom', args: {}, id: 'call_e3' },
        { name: 'nope', args: {}, id: 'call_e4' },
      ])
      .respond(new AIMessage('done'));
    const agent = createAgent({ model, tools: [add, boom] });
    const out = await agent.invoke({ messages: [new HumanMessage('go')] });
    expect(statuses(out.messages)).toEqual([
      'human',
      'ai',
      'call_e1:success',
      'call_e2:error',
      'call_e3:error',
      'call_e4:error',
      'ai',
    ]);
    const types = Object.fromEntries(
      toolSpans(h.otel).map((s) => [
        s.attributes['gen_ai.tool.call.id'],
        s.attributes['error.type'],
      ]),
    );
    expect(types).toEqual({
      call_e1: undefined,
      call_e2: 'ToolInputParsingException',
      call_e3: 'TypeError',
      call_e4: 'tool_not_found',
    });
    expect(await calls()).toBe(4);
  });
});
