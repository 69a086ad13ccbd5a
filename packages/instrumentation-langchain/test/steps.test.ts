import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import { fakeModel } from '@langchain/core/testing';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { SpanStatusCode } from '@opentelemetry/api';
import { withWorkflow } from '@toolscope/instrumentation';
import { createAgent } from 'langchain';
import { describe, expect, it } from 'vitest';
import { named, one, parentOf, toolSpans, useHarness } from './helpers/setup.ts';
import { add, boom, search } from './helpers/tools.ts';

/** The example: two steps, three tool calls (one, then two in parallel). */
function twoStepsThreeCalls() {
  return RunnableSequence.from([
    RunnableLambda.from(async (x: number) => ({ s: await add.invoke({ a: x, b: 1 }) })).withConfig({
      runName: 'step1',
    }),
    RunnableLambda.from(async ({ s }: { s: string }) =>
      Promise.all([search.invoke({ q: s }), add.invoke({ a: Number(s), b: 10 })]),
    ).withConfig({ runName: 'step2' }),
  ]);
}

describe('workflow steps', () => {
  const h = useHarness();

  const workflowSpan = (name: string) => one(h.otel, `invoke_workflow ${name}`);

  it('counts the 2 steps of a sequence that made 3 tool calls (steps.completed ≤ 2)', async () => {
    const out = await withWorkflow({ name: 'seq', totalSteps: 2 }, () =>
      twoStepsThreeCalls().invoke(1),
    );
    expect(out).toEqual(['results for 2', '12']);
    const wf = workflowSpan('seq');
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(2);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('completed');
    // The user's workflow stays the parent; LangChain does not add a second workflow.
    expect(named(h.otel, 'invoke_workflow seq')).toHaveLength(1);
    expect(h.otel.spans().filter((s) => s.name.startsWith('invoke_workflow'))).toHaveLength(1);
    const tools = toolSpans(h.otel);
    expect(tools).toHaveLength(3);
    for (const span of tools) expect(parentOf(h.otel, span)).toBe(wf);
  });

  it('counts steps, not tool calls, when more steps were declared', async () => {
    await withWorkflow({ name: 'seq5', totalSteps: 5 }, () => twoStepsThreeCalls().invoke(1));
    const wf = workflowSpan('seq5');
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(2);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('partial');
  });

  it('counts the steps of a streamed sequence', async () => {
    await withWorkflow({ name: 'streamed', totalSteps: 5 }, async () => {
      for await (const _chunk of await twoStepsThreeCalls().stream(1)) {
        // drain
      }
    });
    expect(workflowSpan('streamed').attributes['toolscope.workflow.steps.completed']).toBe(2);
  });

  it('counts each step once for a batch', async () => {
    const out = await withWorkflow({ name: 'batched', totalSteps: 5 }, () =>
      twoStepsThreeCalls().batch([1, 2]),
    );
    expect(out).toEqual([
      ['results for 2', '12'],
      ['results for 3', '13'],
    ]);
    expect(workflowSpan('batched').attributes['toolscope.workflow.steps.completed']).toBe(2);
    expect(toolSpans(h.otel)).toHaveLength(6);
  });

  it('works beside callback handlers and streamEvents, which see the sequence unchanged', async () => {
    const started: string[] = [];
    const handler = BaseCallbackHandler.fromMethods({
      handleChainStart(_chain, _inputs, _runId, _parentRunId, tags) {
        started.push(tags?.find((t) => t.startsWith('seq:step:')) ?? 'sequence');
      },
    });
    handler.awaitHandlers = true;
    await withWorkflow({ name: 'observed', totalSteps: 5 }, async () => {
      await twoStepsThreeCalls().invoke(1, { callbacks: [handler] });
      for await (const _event of twoStepsThreeCalls().streamEvents(1, { version: 'v2' })) {
        // drain
      }
    });
    expect(started).toEqual(['sequence', 'seq:step:1', 'seq:step:2']);
    expect(workflowSpan('observed').attributes['toolscope.workflow.steps.completed']).toBe(4);
  });

  it('does not count a step that threw', async () => {
    const failing = RunnableSequence.from([
      RunnableLambda.from(async (x: number) => add.invoke({ a: x, b: 1 })),
      RunnableLambda.from(async () => {
        throw new Error('step 2 failed');
      }),
    ]);
    await withWorkflow({ name: 'failing', totalSteps: 2 }, () => failing.invoke(1)).catch(() => {});
    const wf = workflowSpan('failing');
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(1);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('failed');
    expect(wf.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('counts only the outermost sequence: nested sequences and graphs are inside its steps', async () => {
    const innerSeq = RunnableSequence.from([
      RunnableLambda.from((x: number) => x + 1),
      RunnableLambda.from((x: number) => x * 2),
      RunnableLambda.from((x: number) => x - 1),
    ]);
    const model = fakeModel()
      .respondWithTools([{ name: 'add', args: { a: 1, b: 2 }, id: 'call_n1' }])
      .respond(new AIMessage('done'));
    const agent = createAgent({ model, tools: [add] });
    const outer = RunnableSequence.from([
      RunnableLambda.from(async (x: number) => innerSeq.invoke(x)),
      RunnableLambda.from(async (x: number) =>
        agent.invoke({ messages: [new HumanMessage(String(x))] }),
      ),
    ]);
    await withWorkflow({ name: 'nested', totalSteps: 10 }, () => outer.invoke(1));
    expect(workflowSpan('nested').attributes['toolscope.workflow.steps.completed']).toBe(2);
  });

  it('counts the node runs of a graph: model, each tool call, model', async () => {
    const model = fakeModel()
      .respondWithTools([
        { name: 'add', args: { a: 1, b: 2 }, id: 'call_g1' },
        { name: 'add', args: { a: 3, b: 4 }, id: 'call_g2' },
      ])
      .respond(new AIMessage('done'));
    const agent = createAgent({ model, tools: [add], name: 'calc' });
    await withWorkflow({ name: 'agentic', totalSteps: 10 }, () =>
      agent.invoke({ messages: [new HumanMessage('go')] }),
    );
    const wf = workflowSpan('agentic');
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(4);
    expect(parentOf(h.otel, one(h.otel, 'invoke_agent calc'))).toBe(wf);
  });

  it('a node run in which a tool call failed is not a completed step (createAgent: one run per call)', async () => {
    const model = fakeModel()
      .respondWithTools([
        { name: 'add', args: { a: 2, b: 3 }, id: 'call_f1' },
        { name: 'add', args: { a: 'bad' }, id: 'call_f2' },
        { name: 'nope', args: {}, id: 'call_f3' },
        { name: 'boom', args: {}, id: 'call_f4' },
      ])
      .respond(new AIMessage('done despite failures'));
    const agent = createAgent({ model, tools: [add, boom], name: 'failing' });
    // Six node runs: model, four tool runs (one per call), model.
    const out = await withWorkflow({ name: 'failing-agent', totalSteps: 6 }, () =>
      agent.invoke({ messages: [new HumanMessage('go')] }),
    );
    expect(out.messages.at(-1)?.content).toBe('done despite failures');
    expect(toolSpans(h.otel).filter((s) => s.status.code === SpanStatusCode.ERROR)).toHaveLength(3);
    // The three tool runs whose call failed (schema, unknown tool, throw) did not complete.
    const wf = workflowSpan('failing-agent');
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(3);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('partial');
  });

  it('a ToolNode run with several calls fails as one node run when any of them failed', async () => {
    const model = fakeModel()
      .respondWithTools([
        { name: 'add', args: { a: 1, b: 1 }, id: 'call_r1' },
        { name: 'boom', args: {}, id: 'call_r2' },
      ])
      .respondWithTools([{ name: 'add', args: { a: 2, b: 2 }, id: 'call_r3' }])
      .respond(new AIMessage('done'));
    // LangGraph's prebuilt agent: one tools-node run for all the calls of a model turn.
    const agent = createReactAgent({ llm: model, tools: [add, boom], name: 'react' });
    await withWorkflow({ name: 'react-failing', totalSteps: 5 }, () =>
      agent.invoke({ messages: [new HumanMessage('go')] }),
    );
    // agent, tools (one of two calls failed), agent, tools, agent.
    const wf = workflowSpan('react-failing');
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(4);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('partial');
  });

  it('a sequence step in which a tool call failed (caught by the step) is not completed', async () => {
    const chain = RunnableSequence.from([
      RunnableLambda.from(async (x: number) => {
        const fallback = await boom.invoke({}).catch(() => 'fallback');
        return `${fallback}:${await add.invoke({ a: x, b: 1 })}`;
      }),
      RunnableLambda.from(async (s: string) => search.invoke({ q: s })),
    ]);
    const out = await withWorkflow({ name: 'seq-failing', totalSteps: 2 }, () => chain.invoke(1));
    expect(out).toBe('results for fallback:2');
    const wf = workflowSpan('seq-failing');
    expect(wf.attributes['toolscope.workflow.steps.completed']).toBe(1);
    expect(wf.attributes['toolscope.workflow.outcome']).toBe('partial');
  });

  it('changes nothing outside a workflow: no workflow span for a chain', async () => {
    await twoStepsThreeCalls().invoke(1);
    expect(h.otel.spans().filter((s) => s.name.startsWith('invoke_workflow'))).toEqual([]);
    expect(toolSpans(h.otel)).toHaveLength(3);
  });

  it('counts tool calls as before when workflowSteps is off', async () => {
    h.instrumentation.setConfig({ workflowSteps: false });
    try {
      await withWorkflow({ name: 'plain', totalSteps: 5 }, () => twoStepsThreeCalls().invoke(1));
    } finally {
      h.instrumentation.setConfig({});
    }
    expect(workflowSpan('plain').attributes['toolscope.workflow.steps.completed']).toBe(3);
  });
});
