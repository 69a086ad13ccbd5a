/**
 * (8) AI SDK per tool call: one `generateText` run of the real `ai` package with a mock model
 * (step 1 asks for one tool call, step 2 answers with text) — the framework call a tool call
 * costs — under five set-ups of the AI SDK's global integration list, measured in interleaved
 * rounds: nothing registered; a no-op integration with toolscope's members (what the SDK spends
 * dispatching to any integration); toolscope's integration (with the in-process store attached
 * and metrics pre-aggregated, as `startToolscope` sets it up); `@ai-sdk/otel`'s
 * `OpenTelemetry` alone; both. Spans go through a BatchSpanProcessor into a discarding exporter. Reports the
 * median µs per run and, per round, the ratios.
 */
import { InvocationStore } from '@toolscope/instrumentation';
import { enablePreAggregatedMetrics } from '@toolscope/instrumentation/internal';
import { ToolscopeMetricProducer } from '@toolscope/node';
import { optionalImport } from '../support/optional-import.ts';
import { createBenchOtel, registerContext } from '../support/otel.ts';
import { median, yieldToLoop } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

interface AiModule {
  generateText(options: Record<string, unknown>): Promise<{ text: string }>;
  tool(definition: Record<string, unknown>): unknown;
  jsonSchema(schema: Record<string, unknown>): unknown;
  stepCountIs(n: number): unknown;
}
interface AiTestModule {
  MockLanguageModelV4: new (options: Record<string, unknown>) => { doGenerateCalls: unknown[] };
}
interface OtelModule {
  OpenTelemetry: new () => object;
}
interface ToolscopeAiSdk {
  toolscopeTelemetry(): object;
}

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/** Asks for the tool until the prompt ends with its result, then answers. Stateless. */
function doGenerate(options: { prompt: { role: string }[] }) {
  const answered = options.prompt.at(-1)?.role === 'tool';
  return Promise.resolve(
    answered
      ? {
          content: [{ type: 'text', text: 'done' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage,
          warnings: [],
        }
      : {
          content: [
            { type: 'tool-call', toolCallId: 'call-1', toolName: 'search', input: '{"q":"pizza"}' },
          ],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage,
          warnings: [],
        },
  );
}

/** The AI SDK's `Telemetry` members toolscope's integration implements. */
const TELEMETRY_KEYS = [
  'onStart',
  'onStepStart',
  'onLanguageModelCallStart',
  'onLanguageModelCallEnd',
  'onToolExecutionStart',
  'onToolExecutionEnd',
  'onStepEnd',
  'onStepError',
  'onEnd',
  'onError',
  'onAbort',
  'executeTool',
  'executeLanguageModelCall',
];

/**
 * An integration with the same members as `integration` that does nothing: what the AI SDK
 * itself spends on dispatching to an integration of that shape (events copied and redacted
 * per callback, wrappers composed).
 */
function noopLike(integration: object): object {
  const members = TELEMETRY_KEYS.filter(
    (k) => typeof (integration as Record<string, unknown>)[k] === 'function',
  );
  return Object.fromEntries(
    members.map((k) => [
      k,
      k.startsWith('execute')
        ? ({ execute }: { execute: () => PromiseLike<unknown> }) => execute()
        : () => {},
    ]),
  );
}

export async function aiSdk(options: ScenarioOptions): Promise<ScenarioOutput> {
  const iterations = options.quick ? 20 : 200;
  const rounds = options.quick ? 2 : 24;
  const warmupRounds = options.quick ? 1 : 4;
  const [ai, aiTest, aiOtel, ours] = await Promise.all([
    optionalImport<AiModule>('ai'),
    optionalImport<AiTestModule>('ai/test'),
    optionalImport<OtelModule>('@ai-sdk/otel'),
    optionalImport<ToolscopeAiSdk>('@toolscope/instrumentation-ai-sdk'),
  ]);
  if (!ai.ok || !aiTest.ok || !aiOtel.ok || !ours.ok) {
    const missing = [ai, aiTest, aiOtel, ours].find((m) => !m.ok) as { reason: string };
    return { metrics: {}, notes: { unavailable: missing.reason } };
  }

  registerContext();
  createBenchOtel({ metricProducers: [new ToolscopeMetricProducer()] });
  enablePreAggregatedMetrics();
  const store = new InvocationStore();

  const model = new aiTest.module.MockLanguageModelV4({ modelId: 'mock-model', doGenerate });
  const tools = {
    search: ai.module.tool({
      inputSchema: ai.module.jsonSchema({
        type: 'object',
        properties: { q: { type: 'string' } },
        required: ['q'],
      }),
      execute: async () => ({ hits: 3 }),
    }),
  };
  const stopWhen = ai.module.stepCountIs(2);
  const run = () => ai.module.generateText({ model, tools, prompt: 'hi', stopWhen });

  const toolscope = ours.module.toolscopeTelemetry();
  const otelIntegration = new aiOtel.module.OpenTelemetry();
  const setups: Record<string, object[]> = {
    bare: [],
    noop: [noopLike(toolscope)],
    toolscope: [toolscope],
    otel: [otelIntegration],
    both: [toolscope, otelIntegration],
  };
  const g = globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: object[] };
  g.AI_SDK_TELEMETRY_INTEGRATIONS ??= [];
  const list = g.AI_SDK_TELEMETRY_INTEGRATIONS;

  const names = Object.keys(setups);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const ratios = {
    toolscopeXBare: [] as number[],
    noopXBare: [] as number[],
    toolscopeXNoop: [] as number[],
    otelXBare: [] as number[],
    bothXOtel: [] as number[],
    bothXBare: [] as number[],
  };
  for (let round = 0; round < warmupRounds + rounds; round++) {
    const perRound: Record<string, number> = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length]!;
      list.length = 0;
      list.push(...setups[name]!);
      if (name === 'toolscope' || name === 'both') store.attach();
      else store.close();
      model.doGenerateCalls.length = 0;
      await yieldToLoop();
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) {
        await run();
        if ((i & 31) === 31) await yieldToLoop();
      }
      perRound[name] = Number(process.hrtime.bigint() - start) / iterations / 1000;
    }
    if (round < warmupRounds) continue;
    for (const name of names) samples[name]!.push(perRound[name]!);
    ratios.toolscopeXBare.push(perRound.toolscope! / perRound.bare!);
    ratios.noopXBare.push(perRound.noop! / perRound.bare!);
    ratios.toolscopeXNoop.push(perRound.toolscope! / perRound.noop!);
    ratios.otelXBare.push(perRound.otel! / perRound.bare!);
    ratios.bothXOtel.push(perRound.both! / perRound.otel!);
    ratios.bothXBare.push(perRound.both! / perRound.bare!);
  }
  list.length = 0;
  store.close();

  return {
    metrics: {
      'bare.us': median(samples.bare!),
      'toolscope.us': median(samples.toolscope!),
      'otel.us': median(samples.otel!),
      'both.us': median(samples.both!),
      'noop.us': median(samples.noop!),
      'toolscope.xBare': median(ratios.toolscopeXBare),
      'noop.xBare': median(ratios.noopXBare),
      'toolscope.xNoop': median(ratios.toolscopeXNoop),
      'otel.xBare': median(ratios.otelXBare),
      'both.xOtel': median(ratios.bothXOtel),
      'both.xBare': median(ratios.bothXBare),
    },
    notes: {},
  };
}
