/**
 * Every AI SDK tool call is one `execute_tool` span and one histogram point — for
 * generateText and streamText, with and without `@ai-sdk/otel` (registered before or after
 * toolscope): success, thrown error, invalid input, unknown tool, an async-generator tool with
 * a preliminary result. Real `ai` and `@ai-sdk/otel`, the SDK's own mock model, no network.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import {
  configureInstrumentation,
  currentToolInvocation,
  TOOLSCOPE_CORRELATION_ID,
  traceTool,
  withCorrelationId,
  withWorkflow,
} from '@toolscope/instrumentation';
import { tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  activeInTool,
  EXPECTED_ERROR,
  FIVE_CALLS,
  MODES,
  runAiSdk,
  tools,
} from './helpers/fixtures.ts';
import {
  agentSpans,
  OTEL_SETUPS,
  recording,
  seconds,
  setUp,
  spanByCallId,
  spanNamed,
  toolIs,
  toolSpans,
  useTestEnv,
  withOtel,
} from './helpers/observe.ts';

const otel = useTestEnv();

describe.each(OTEL_SETUPS)('%s', (setup) => {
  describe.each(MODES)('%s', (mode) => {
    it('one execute_tool span per tool call, with its call id and error.type, under the workflow', async () => {
      setUp(setup);
      const recorded = await recording(otel, () =>
        withWorkflow({ name: 'plan', totalSteps: 2 }, () => runAiSdk(mode)),
      );

      const workflow = spanNamed(otel, 'invoke_workflow plan')!;
      const agents = agentSpans(otel);
      expect(agents).toHaveLength(1);
      const agent = agents[0]!;
      expect(agent.parentSpanContext?.spanId).toBe(workflow.spanContext().spanId);
      expect(agent.instrumentationScope.name).toBe(
        withOtel(setup) ? 'gen_ai' : '@toolscope/instrumentation',
      );
      expect(agent.attributes['gen_ai.agent.name']).toBe('mock-model');

      expect(toolSpans(otel)).toHaveLength(FIVE_CALLS.length);
      for (const call of FIVE_CALLS) {
        const spans = spanByCallId(otel, call.toolCallId);
        expect(spans, call.toolCallId).toHaveLength(1);
        const span = spans[0]!;
        expect(span.name).toBe(`execute_tool ${call.toolName}`);
        expect(span.attributes['gen_ai.tool.name']).toBe(call.toolName);
        expect(span.attributes['error.type']).toBe(EXPECTED_ERROR[call.toolCallId]);
        expect(span.status.code).toBe(
          EXPECTED_ERROR[call.toolCallId] === undefined
            ? SpanStatusCode.UNSET
            : SpanStatusCode.ERROR,
        );
        expect(span.spanContext().traceId).toBe(workflow.spanContext().traceId);
        if (!withOtel(setup)) {
          expect(span.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
        } else {
          // Under @ai-sdk/otel's step 1, which is under its invoke_agent.
          const step = spanNamed(otel, 'step 1')!;
          expect(span.parentSpanContext?.spanId).toBe(step.spanContext().spanId);
          expect(step.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
        }
      }
      if (withOtel(setup)) {
        // Executed calls are @ai-sdk/otel's spans, adopted; the ones it never sees are toolscope's.
        for (const id of ['c-ok', 'c-boom', 'c-gen']) {
          expect(spanByCallId(otel, id)[0]!.instrumentationScope.name).toBe('gen_ai');
        }
        for (const id of ['c-strict', 'c-nope']) {
          expect(spanByCallId(otel, id)[0]!.instrumentationScope.name).toBe(
            '@toolscope/instrumentation',
          );
        }
      }

      // The tool ran with its execute_tool span active (also across the generator's yields).
      for (const id of ['c-ok', 'c-boom', 'c-gen']) {
        const name = FIVE_CALLS.find((c) => c.toolCallId === id)!.toolName;
        expect(activeInTool.get(id)).toBe(`execute_tool ${name}`);
      }

      // One histogram point per call, invalid and unknown included, error.type on failures.
      expect(recorded.tools.count()).toBe(FIVE_CALLS.length);
      for (const call of FIVE_CALLS) {
        expect(recorded.tools.count(toolIs(call.toolName)), call.toolName).toBe(1);
        const errorType = EXPECTED_ERROR[call.toolCallId];
        expect(
          recorded.tools.count((a) => toolIs(call.toolName)(a) && a['error.type'] === errorType),
        ).toBe(1);
      }
      expect(recorded.agents.count()).toBe(1);
      // The in-process store got the same calls.
      const stored = recorded.store.filter((r) => r.kind === 'tool');
      expect(stored.map((r) => r.name).sort()).toEqual(FIVE_CALLS.map((c) => c.toolName).sort());
      expect(stored.find((r) => r.name === 'boom')?.errorType).toBe('BoomError');
      expect(stored.every((r) => r.kind === 'tool' && r.workflow === 'plan')).toBe(true);
    });

    it('one duration: each histogram point is its span’s duration', async () => {
      setUp(setup);
      const recorded = await recording(otel, () => runAiSdk(mode));
      for (const call of FIVE_CALLS) {
        const span = spanByCallId(otel, call.toolCallId)[0]!;
        expect(recorded.tools.sum(toolIs(call.toolName))).toBeCloseTo(seconds(span), 9);
      }
      expect(recorded.agents.sum()).toBeCloseTo(seconds(agentSpans(otel)[0]!), 9);
    });

    it('correlation ID on spans, never on metrics; no content unless opted in', async () => {
      setUp(setup);
      const recorded = await recording(otel, () =>
        withCorrelationId('req-42', () => runAiSdk(mode)),
      );
      for (const span of [...toolSpans(otel), ...agentSpans(otel)]) {
        expect(span.attributes[TOOLSCOPE_CORRELATION_ID], span.name).toBe('req-42');
      }
      expect(recorded.toolKeys.has(TOOLSCOPE_CORRELATION_ID)).toBe(false);
      expect(recorded.agentKeys.has(TOOLSCOPE_CORRELATION_ID)).toBe(false);
      for (const id of ['c-strict', 'c-nope']) {
        const span = spanByCallId(otel, id)[0]!;
        expect(span.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
        // The SDK's message quotes the model's input: only the type is recorded.
        expect(span.status.message).toBeUndefined();
        expect(span.events.map((e) => e.attributes?.['exception.message'])).toEqual([undefined]);
      }
      const ok = spanByCallId(otel, 'c-ok')[0]!;
      if (withOtel(setup)) {
        // @ai-sdk/otel's own content stays: toolscope never strips another library's attributes.
        expect(ok.attributes['gen_ai.tool.call.arguments']).toBe('{"q":"a"}');
        expect(ok.attributes['gen_ai.tool.call.result']).toBe('"ok:a"');
      } else {
        expect(ok.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
        expect(ok.attributes['gen_ai.tool.call.result']).toBeUndefined();
      }
    });

    it('content recorded when the user opted in', async () => {
      configureInstrumentation({ captureContent: true });
      setUp(setup);
      await runAiSdk(mode);
      const ok = spanByCallId(otel, 'c-ok')[0]!;
      expect(ok.attributes['gen_ai.tool.call.arguments']).toBe('{"q":"a"}');
      // toolscope records a string result as is; @ai-sdk/otel (ending its span after) as JSON.
      expect(ok.attributes['gen_ai.tool.call.result']).toBe(withOtel(setup) ? '"ok:a"' : 'ok:a');
      expect(spanByCallId(otel, 'c-strict')[0]!.attributes['gen_ai.tool.call.arguments']).toBe(
        '{"n":"not-a-number"}',
      );
    });

    it('a traceTool the user wraps inside a tool’s execute joins the call: still one span', async () => {
      setUp(setup);
      let invocation: unknown;
      const lookup = traceTool(
        async (q: string) => {
          invocation = currentToolInvocation();
          return `found:${q}`;
        },
        { name: 'lookup' },
      );
      const recorded = await recording(otel, () =>
        runAiSdk(mode, {
          calls: [{ toolCallId: 'c-lookup', toolName: 'lookup', input: '{"q":"x"}' }],
          tools: {
            lookup: tool({
              inputSchema: z.object({ q: z.string() }),
              execute: ({ q }) => lookup(q),
            }),
          },
        }),
      );
      expect(toolSpans(otel)).toHaveLength(1);
      expect(spanByCallId(otel, 'c-lookup')).toHaveLength(1);
      expect(recorded.tools.count(toolIs('lookup'))).toBe(1);
      expect(invocation).toBeDefined();
    });

    it('async-generator tools: preliminary results reach the stream, one span covers all yields', async () => {
      setUp(setup);
      const { preliminary } = await runAiSdk(mode, {
        calls: [{ toolCallId: 'c-gen', toolName: 'gen', input: '{"q":"g"}' }],
      });
      if (mode === 'streamText') expect(preliminary).toBe(2); // one per yield
      expect(spanByCallId(otel, 'c-gen')).toHaveLength(1);
      expect(activeInTool.get('c-gen')).toBe('execute_tool gen');
    });
  });
});

describe('tool approval', () => {
  const approvalCall = [{ toolCallId: 'c-ap', toolName: 'ok', input: '{"q":"x"}' }];

  describe.each(OTEL_SETUPS)('%s', (setup) => {
    it.each([true, false])(
      'approved=%s: one span when the approved tool runs, none when denied',
      async (approved) => {
        setUp(setup);
        const extra = { toolApproval: { ok: 'user-approval' } };
        const { generateText } = await import('ai');
        const { generateModel } = await import('./helpers/fixtures.ts');
        const messages: Parameters<typeof generateText>[0]['messages'] & object = [
          { role: 'user', content: 'go' },
        ];
        const recorded = await recording(otel, async () => {
          const first = await generateText({
            model: generateModel(approvalCall),
            tools,
            messages,
            ...extra,
          } as never);
          const request = first.content.find((p) => p.type === 'tool-approval-request');
          expect(request).toBeDefined();
          messages.push(...first.responseMessages, {
            role: 'tool',
            content: [
              {
                type: 'tool-approval-response',
                approvalId: (request as { approvalId: string }).approvalId,
                approved,
              },
            ],
          });
          await generateText({ model: generateModel([]), tools, messages, ...extra } as never);
        });
        expect(spanByCallId(otel, 'c-ap')).toHaveLength(approved ? 1 : 0);
        expect(recorded.tools.count()).toBe(approved ? 1 : 0);
        expect(agentSpans(otel)).toHaveLength(2);
      },
    );
  });
});

describe('the AI SDK’s telemetry settings', () => {
  describe.each(OTEL_SETUPS)('%s', (setup) => {
    describe.each(MODES)('%s', (mode) => {
      it('recordInputs: false — error.type still comes from the thrown error', async () => {
        setUp(setup);
        const recorded = await recording(otel, () =>
          runAiSdk(mode, { telemetry: { recordInputs: false } }),
        );
        expect(spanByCallId(otel, 'c-boom')[0]!.attributes['error.type']).toBe('BoomError');
        expect(recorded.tools.count()).toBe(FIVE_CALLS.length);
      });

      it('recordOutputs: false — executed calls recorded; invalid and unknown calls invisible', async () => {
        setUp(setup);
        const recorded = await recording(otel, () =>
          runAiSdk(mode, { telemetry: { recordOutputs: false } }),
        );
        expect(spanByCallId(otel, 'c-boom')[0]!.attributes['error.type']).toBe('BoomError');
        // The SDK empties the model call's content for every integration (README: gaps).
        expect(recorded.tools.count()).toBe(3);
      });

      it('isEnabled: false — the SDK calls no integration: nothing recorded', async () => {
        setUp(setup);
        const recorded = await recording(otel, () =>
          runAiSdk(mode, { telemetry: { isEnabled: false } }),
        );
        expect(otel.spans()).toHaveLength(0);
        expect(recorded.tools.count()).toBe(0);
      });
    });
  });

  it('per-call telemetry.integrations replace the global list: include toolscopeTelemetry() first', async () => {
    const { OpenTelemetry } = await import('@ai-sdk/otel');
    const { toolscopeTelemetry } = await import('../src/index.ts');
    setUp('without @ai-sdk/otel');
    const bypassed = await recording(otel, () =>
      runAiSdk('generateText', { telemetry: { integrations: [new OpenTelemetry()] } }),
    );
    expect(bypassed.tools.count()).toBe(0);
    otel.reset();
    const included = await recording(otel, () =>
      runAiSdk('generateText', {
        telemetry: { integrations: [toolscopeTelemetry(), new OpenTelemetry()] },
      }),
    );
    expect(included.tools.count()).toBe(FIVE_CALLS.length);
    expect(toolSpans(otel)).toHaveLength(FIVE_CALLS.length);
    expect(agentSpans(otel)).toHaveLength(1);
  });
});

describe('@ai-sdk/otel’s LegacyOpenTelemetry (ai.* spans)', () => {
  it.each(MODES)(
    '%s: its ai.toolCall spans are adopted; no invoke_agent of toolscope’s',
    async (mode) => {
      const { LegacyOpenTelemetry } = await import('@ai-sdk/otel');
      const { registerTelemetry } = await import('ai');
      registerTelemetry(new LegacyOpenTelemetry());
      setUp('without @ai-sdk/otel');
      const recorded = await recording(otel, () => runAiSdk(mode));
      const root = spanNamed(otel, `ai.${mode}`)!;
      expect(agentSpans(otel)).toHaveLength(0);
      expect(recorded.agents.count()).toBe(1);
      expect(recorded.tools.count()).toBe(FIVE_CALLS.length);
      for (const call of FIVE_CALLS) {
        // Executed calls: the legacy ai.toolCall span, adopted (toolscope adds the gen_ai names).
        const spans = spanByCallId(otel, call.toolCallId);
        expect(spans, call.toolCallId).toHaveLength(1);
        const executed = !['c-strict', 'c-nope'].includes(call.toolCallId);
        expect(spans[0]!.name).toBe(executed ? 'ai.toolCall' : `execute_tool ${call.toolName}`);
        expect(spans[0]!.attributes['error.type']).toBe(EXPECTED_ERROR[call.toolCallId]);
        expect(spans[0]!.spanContext().traceId).toBe(root.spanContext().traceId);
      }
    },
  );
});

describe('never breaks the host call', () => {
  it('a redact hook that throws drops the content; the run and its spans are unchanged', async () => {
    configureInstrumentation({
      captureContent: true,
      redact: () => {
        throw new Error('hook failure');
      },
    });
    setUp('without @ai-sdk/otel');
    await runAiSdk('generateText');
    expect(toolSpans(otel)).toHaveLength(FIVE_CALLS.length);
    expect(spanByCallId(otel, 'c-ok')[0]!.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
  });

  it('callbacks given nonsense do not throw; wrappers still run and return the call', async () => {
    const { toolscopeTelemetry } = await import('../src/index.ts');
    const t = toolscopeTelemetry() as unknown as Record<string, (e: unknown) => unknown>;
    for (const key of [
      'onLanguageModelCallEnd',
      'onToolExecutionEnd',
      'onEnd',
      'onError',
      'onAbort',
    ]) {
      for (const event of [undefined, null, {}, { callId: 42 }, { callId: 'x', content: 'no' }]) {
        expect(() => t[key]!(event), key).not.toThrow();
      }
    }
    const execute = async () => 'result';
    await expect(t.executeTool!({ callId: 7, toolCallId: {}, execute })).resolves.toBe('result');
    await expect(t.executeLanguageModelCall!({ callId: null, execute })).resolves.toBe('result');
  });
});
