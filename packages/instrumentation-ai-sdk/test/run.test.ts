/**
 * Runs: each generateText / streamText run is one agent invocation (toolscope's `invoke_agent`
 * span, or `@ai-sdk/otel`'s adopted) with `gen_ai.invoke_agent.duration`; each AI SDK step a
 * framework step of the caller's workflow; failures named; results untouched.
 */
import { OpenTelemetry } from '@ai-sdk/otel';
import { SpanStatusCode } from '@opentelemetry/api';
import { withWorkflow } from '@toolscope/instrumentation';
import { generateText, registerTelemetry, streamText } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { toolscopeTelemetry } from '../src/index.ts';
import {
  FIVE_CALLS,
  generateModel,
  MODES,
  runAiSdk,
  streamModel,
  tools,
} from './helpers/fixtures.ts';
import {
  agentSpans,
  clearIntegrations,
  OTEL_SETUPS,
  recording,
  setUp,
  spanNamed,
  toolSpans,
  useTestEnv,
  withOtel,
} from './helpers/observe.ts';

const otel = useTestEnv();

const OK_CALLS = [
  { toolCallId: 'c-1', toolName: 'ok', input: '{"q":"1"}' },
  { toolCallId: 'c-2', toolName: 'ok', input: '{"q":"2"}' },
  { toolCallId: 'c-3', toolName: 'ok', input: '{"q":"3"}' },
];

function workflowSpan() {
  return spanNamed(otel, 'invoke_workflow plan')!;
}

describe.each(OTEL_SETUPS)('%s', (setup) => {
  describe.each(MODES)('%s', (mode) => {
    it('AI SDK steps are the workflow’s steps: 2 steps with 3 tool calls complete 2 of 2', async () => {
      setUp(setup);
      await withWorkflow({ name: 'plan', totalSteps: 2 }, () =>
        runAiSdk(mode, { calls: OK_CALLS }),
      );
      expect(toolSpans(otel)).toHaveLength(3);
      expect(workflowSpan().attributes['toolscope.workflow.steps.completed']).toBe(2);
      expect(workflowSpan().attributes['toolscope.workflow.outcome']).toBe('completed');
    });

    it('a step whose tool calls failed is not completed', async () => {
      setUp(setup);
      await withWorkflow({ name: 'plan', totalSteps: 2 }, () => runAiSdk(mode));
      expect(workflowSpan().attributes['toolscope.workflow.steps.completed']).toBe(1);
      expect(workflowSpan().attributes['toolscope.workflow.outcome']).toBe('partial');
    });

    it('the agent is named by functionId when given', async () => {
      setUp(setup);
      const recorded = await recording(otel, () =>
        runAiSdk(mode, { calls: OK_CALLS.slice(0, 1), functionId: 'trip-planner' }),
      );
      const [agent] = agentSpans(otel);
      expect(agent!.attributes['gen_ai.agent.name']).toBe('trip-planner');
      expect(recorded.agents.count((a) => a['gen_ai.agent.name'] === 'trip-planner')).toBe(1);
      if (!withOtel(setup)) expect(agent!.name).toBe('invoke_agent trip-planner');
    });

    it('results and tool errors reach the caller unchanged', async () => {
      const instrumentation = setUp(setup);
      const run = async () => {
        if (mode === 'generateText') {
          const r = await generateText({
            model: generateModel(),
            tools,
            prompt: 'hi',
            stopWhen: () => false,
          });
          return r.steps[0]!.content;
        }
        const r = streamText({ model: streamModel(), tools, prompt: 'hi', stopWhen: () => false });
        return (await r.steps)[0]!.content;
      };
      const instrumented = await run();
      instrumentation.disable();
      clearIntegrations();
      const bare = await run();
      const shape = (parts: typeof bare) =>
        parts.map((p) =>
          p.type === 'tool-result'
            ? [p.toolCallId, p.output]
            : p.type === 'tool-error'
              ? [p.toolCallId, p.error instanceof Error ? p.error.name : p.error]
              : [p.type],
        );
      expect(shape(instrumented)).toEqual(shape(bare));
    });

    it('a failed model call fails the run: error.type from the model’s error, same error to the caller', async () => {
      setUp(setup);
      const failure = Object.assign(new Error('model down'), { name: 'ModelDownError' });
      const model = new MockLanguageModelV4({
        modelId: 'mock-model',
        doGenerate: async () => {
          throw failure;
        },
        doStream: async () => {
          throw failure;
        },
      });
      const recorded = await recording(otel, async () => {
        if (mode === 'generateText') {
          await expect(generateText({ model, prompt: 'hi', maxRetries: 0 })).rejects.toBe(failure);
        } else {
          const seen: unknown[] = [];
          const r = streamText({
            model,
            prompt: 'hi',
            maxRetries: 0,
            onError: ({ error }) => {
              seen.push(error);
            },
          });
          for await (const _ of r.fullStream) {
            // drain
          }
          expect(seen).toEqual([failure]);
        }
      });
      const [agent] = agentSpans(otel);
      expect(agent!.status.code).toBe(SpanStatusCode.ERROR);
      expect(agent!.attributes['error.type']).toBe('ModelDownError');
      expect(recorded.agents.count((a) => a['error.type'] === 'ModelDownError')).toBe(1);
    });
  });

  it('streamText aborted: the run ends with error.type AbortError', async () => {
    setUp(setup);
    const controller = new AbortController();
    const recorded = await recording(otel, async () => {
      const r = streamText({
        model: streamModel(),
        tools,
        prompt: 'hi',
        abortSignal: controller.signal,
        stopWhen: () => false,
        onError: () => {},
      });
      for await (const part of r.fullStream) {
        if (part.type === 'tool-call') controller.abort();
      }
    });
    expect(recorded.agents.count((a) => a['error.type'] === 'AbortError')).toBe(1);
    expect(agentSpans(otel)).toHaveLength(1);
  });
});

describe('agent runs', () => {
  it('agentRuns: false — no invoke_agent; tool spans nest directly under the caller', async () => {
    setUp('without @ai-sdk/otel', { agentRuns: false });
    const recorded = await recording(otel, () =>
      withWorkflow({ name: 'plan' }, () => runAiSdk('generateText')),
    );
    expect(agentSpans(otel)).toHaveLength(0);
    expect(recorded.agents.count()).toBe(0);
    for (const span of toolSpans(otel)) {
      expect(span.parentSpanContext?.spanId).toBe(workflowSpan().spanContext().spanId);
    }
    expect(recorded.tools.count()).toBe(FIVE_CALLS.length);
  });

  it('@ai-sdk/otel’s run span out of reach (per-call list): no second invoke_agent, duration measured', async () => {
    setUp('without @ai-sdk/otel');
    const recorded = await recording(otel, () =>
      runAiSdk('generateText', {
        telemetry: { integrations: [toolscopeTelemetry(), new OpenTelemetry()] },
      }),
    );
    const agents = agentSpans(otel);
    expect(agents).toHaveLength(1);
    expect(agents[0]!.instrumentationScope.name).toBe('gen_ai');
    expect(recorded.agents.count()).toBe(1);
    expect(recorded.agents.sum()).toBeGreaterThan(0);
    expect(toolSpans(otel)).toHaveLength(FIVE_CALLS.length);
  });

  it.each(OTEL_SETUPS)(
    '%s, toolscope also registered by hand (twice in the list): one of everything',
    async (setup) => {
      setUp(setup);
      registerTelemetry(toolscopeTelemetry());
      const recorded = await recording(otel, () =>
        withWorkflow({ name: 'plan', totalSteps: 2 }, () =>
          runAiSdk('streamText', { calls: OK_CALLS }),
        ),
      );
      expect(toolSpans(otel)).toHaveLength(3);
      expect(agentSpans(otel)).toHaveLength(1);
      if (withOtel(setup)) {
        expect(toolSpans(otel).every((s) => s.instrumentationScope.name === 'gen_ai')).toBe(true);
      }
      expect(recorded.tools.count()).toBe(3);
      expect(recorded.agents.count()).toBe(1);
      expect(workflowSpan().attributes['toolscope.workflow.steps.completed']).toBe(2);
    },
  );
});

describe('ToolLoopAgent (built on generateText / streamText)', () => {
  it.each(OTEL_SETUPS)('%s: one invoke_agent, one execute_tool per call', async (setup) => {
    const { ToolLoopAgent } = await import('ai');
    setUp(setup);
    const agent = new ToolLoopAgent({ model: generateModel(), tools });
    const recorded = await recording(otel, () => agent.generate({ prompt: 'hi' }));
    expect(agentSpans(otel)).toHaveLength(1);
    expect(toolSpans(otel)).toHaveLength(FIVE_CALLS.length);
    expect(recorded.tools.count()).toBe(FIVE_CALLS.length);
    expect(recorded.agents.count()).toBe(1);
  });
});
