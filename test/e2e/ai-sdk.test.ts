/**
 * An AI SDK run instrumented with one line, through the real collector into Jaeger and
 * Prometheus: `startToolscope({ instrumentations: [new AiSdkInstrumentation()] })`, then a
 * `generateText` of the real `ai` 7 with its mock model (no network) inside a workflow. The
 * model asks for four tool calls in one step — a success, a tool that throws, input that fails
 * the tool's schema, a tool that does not exist — and answers in the next.
 *
 * Jaeger returns one trace, found by the correlation ID: the workflow span, the run's
 * `invoke_agent` span under it, and one `execute_tool` span per call under that, with
 * `gen_ai.tool.call.id` and `error.type`. Prometheus counts every call, by tool and
 * `error.type`, in `gen_ai_execute_tool_duration_seconds_count`, and the run in
 * `gen_ai_invoke_agent_duration_seconds_count`.
 */
import { randomUUID } from 'node:crypto';
import {
  TOOLSCOPE_CORRELATION_ID,
  withCorrelationId,
  withWorkflow,
} from '@toolscope/instrumentation';
import { AiSdkInstrumentation } from '@toolscope/instrumentation-ai-sdk';
import { startToolscope, type Toolscope } from '@toolscope/node';
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import {
  backends,
  type JaegerSpan,
  jaegerFindTraces,
  pollUntil,
  promValue,
  spanTag,
} from './backends.ts';

const RUN = randomUUID().slice(0, 8);
const SERVICE = `toolscope-e2e-ai-sdk-${RUN}`;
const SEL = `service_name="${SERVICE}"`;
const SEARCH = `search_${RUN}`;
const BOOK = `book_${RUN}`;
const UNKNOWN = `teleport_${RUN}`;
const AGENT = `trip_planner_${RUN}`;

let toolscope: Toolscope;

beforeAll(() => {
  toolscope = startToolscope({
    serviceName: SERVICE,
    endpoint: backends().TOOLSCOPE_OTLP_HTTP_ENDPOINT,
    batch: { scheduledDelayMillis: 100 },
    metricExportIntervalMs: 1_000,
    mcp: false,
    instrumentations: [new AiSdkInstrumentation()],
  });
});

afterAll(async () => {
  await toolscope?.shutdown();
});

class BookingError extends Error {
  override name = 'BookingError';
}

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/** Step 1: four tool calls; step 2: the answer. */
function model(): MockLanguageModelV4 {
  let step = 0;
  return new MockLanguageModelV4({
    modelId: 'mock-model',
    doGenerate: async () => {
      step++;
      if (step === 1) {
        return {
          content: [
            {
              type: 'tool-call',
              toolCallId: 'call-ok',
              toolName: SEARCH,
              input: '{"city":"Lisbon"}',
            },
            {
              type: 'tool-call',
              toolCallId: 'call-bad-input',
              toolName: SEARCH,
              input: '{"city":7}',
            },
            {
              type: 'tool-call',
              toolCallId: 'call-throws',
              toolName: BOOK,
              input: '{"hotel":"x"}',
            },
            { type: 'tool-call', toolCallId: 'call-unknown', toolName: UNKNOWN, input: '{}' },
          ],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage,
          warnings: [],
        };
      }
      return {
        content: [{ type: 'text', text: 'Lisbon it is.' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage,
        warnings: [],
      };
    },
  });
}

it('an AI SDK run is one trace in Jaeger and counted in Prometheus', async () => {
  const correlationId = `ai-sdk-${RUN}`;
  const result = await withCorrelationId(correlationId, () =>
    withWorkflow({ name: 'plan_trip', totalSteps: 2 }, () =>
      generateText({
        model: model(),
        prompt: 'Plan a day in Lisbon',
        telemetry: { functionId: AGENT },
        tools: {
          [SEARCH]: tool({
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => `3 restaurants in ${city}`,
          }),
          [BOOK]: tool({
            inputSchema: z.object({ hotel: z.string() }),
            execute: async (): Promise<string> => {
              throw new BookingError('fully booked');
            },
          }),
        },
        stopWhen: stepCountIs(3),
      }),
    ),
  );
  expect(result.text).toBe('Lisbon it is.');
  await toolscope.forceFlush();

  const trace = await pollUntil(
    async () => {
      const [found] = await jaegerFindTraces(SERVICE, {
        [TOOLSCOPE_CORRELATION_ID]: correlationId,
      });
      // The batch processor exports on its own schedule: wait for all six spans.
      return found !== undefined && found.spans.length >= 6 ? found : undefined;
    },
    { timeoutMs: 30_000, description: `the trace of ${SERVICE} in Jaeger` },
  );
  const names = trace.spans.map((s) => s.operationName).sort();
  expect(names).toEqual(
    [
      'invoke_workflow plan_trip',
      `invoke_agent ${AGENT}`,
      `execute_tool ${SEARCH}`,
      `execute_tool ${SEARCH}`,
      `execute_tool ${BOOK}`,
      `execute_tool ${UNKNOWN}`,
    ].sort(),
  );
  const parentOf = (s: JaegerSpan) => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
  const workflow = trace.spans.find((s) => s.operationName === 'invoke_workflow plan_trip')!;
  const agent = trace.spans.find((s) => s.operationName === `invoke_agent ${AGENT}`)!;
  expect(parentOf(agent)).toBe(workflow.spanID);
  const tools = trace.spans.filter((s) => s.operationName.startsWith('execute_tool '));
  const byCall = new Map(tools.map((s) => [spanTag(s, 'gen_ai.tool.call.id'), s]));
  expect([...byCall.keys()].sort()).toEqual(
    ['call-bad-input', 'call-ok', 'call-throws', 'call-unknown'].sort(),
  );
  for (const span of tools) {
    expect(parentOf(span)).toBe(agent.spanID);
    expect(spanTag(span, TOOLSCOPE_CORRELATION_ID)).toBe(correlationId);
  }
  expect(spanTag(byCall.get('call-ok')!, 'error.type')).toBeUndefined();
  expect(spanTag(byCall.get('call-bad-input')!, 'error.type')).toBe('AI_InvalidToolInputError');
  expect(spanTag(byCall.get('call-throws')!, 'error.type')).toBe('BookingError');
  expect(spanTag(byCall.get('call-unknown')!, 'error.type')).toBe('AI_NoSuchToolError');
  expect(spanTag(workflow, 'toolscope.workflow.steps.completed')).toBe(1);

  // Prometheus: one point per call, by tool and error.type; the run as one agent invocation.
  const count = (tool: string, errorType: string) =>
    `sum(gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${tool}", error_type="${errorType}"})`;
  const expected: [string, string, number][] = [
    [SEARCH, '', 1],
    [SEARCH, 'AI_InvalidToolInputError', 1],
    [BOOK, 'BookingError', 1],
    [UNKNOWN, 'AI_NoSuchToolError', 1],
  ];
  for (const [tool, errorType, n] of expected) {
    await pollUntil(async () => (await promValue(count(tool, errorType))) === n, {
      timeoutMs: 60_000,
      description: `${count(tool, errorType)} == ${n}`,
    });
  }
  const total = await promValue(`sum(gen_ai_execute_tool_duration_seconds_count{${SEL}})`);
  expect(total).toBe(4);
  await pollUntil(
    async () =>
      (await promValue(
        `sum(gen_ai_invoke_agent_duration_seconds_count{${SEL}, gen_ai_agent_name="${AGENT}"})`,
      )) === 1,
    { timeoutMs: 60_000, description: 'the run counted in gen_ai_invoke_agent_duration_seconds' },
  );
});
