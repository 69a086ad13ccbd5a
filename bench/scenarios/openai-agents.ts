/**
 * (9) OpenAI Agents: one `run()` of an agent that makes one tool call (two model turns, the
 * SDK's `ScriptedModel`, no network), measured in interleaved rounds in one process:
 *
 * - `bare`: no toolscope; the SDK's tracing on (its default) with no processor;
 * - `toolscope`: `@toolscope/instrumentation-openai-agents` enabled as `startToolscope` sets the
 *   core up (metrics pre-aggregated through the producer, in-process store on): spans for the
 *   agent and the tool, the tool span active while it runs, both histograms, the workflow step;
 * - `otelProcessor`: a minimal trace processor making plain OpenTelemetry spans for agent and
 *   tool spans (what a spans-only integration does; the SDK has no OpenTelemetry integration
 *   of its own);
 * - `tracingOff`: the SDK's tracing disabled (no spans, no processor callbacks), for context.
 *
 * Reports µs per run and, per round, each variant's ratio to `bare`.
 */
import { Agent, Runner, setTraceProcessors, setTracingDisabled, tool } from '@openai/agents';
import type { Span as AgentsSpan, TracingProcessor } from '@openai/agents-core';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents-core/testing';
import { type Span, trace } from '@opentelemetry/api';
import { configureInstrumentation, InvocationStore } from '@toolscope/instrumentation';
import { enablePreAggregatedMetrics } from '@toolscope/instrumentation/internal';
import { ToolscopeMetricProducer } from '@toolscope/node';
import { z } from 'zod';
import { optionalImport } from '../support/optional-import.ts';
import { createBenchOtel, registerContext } from '../support/otel.ts';
import { median, yieldToLoop } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

interface AgentsModule {
  instrumentOpenAIAgents(): { enable(): void; disable(): void };
}

const RESULT = { hits: 3 };

/** Plain OTel spans for agent and function spans, nothing else (a spans-only integration). */
class MinimalOtelProcessor implements TracingProcessor {
  private readonly spans = new Map<string, Span>();
  private readonly tracer = trace.getTracer('bench-minimal-agents-processor');
  async onTraceStart(): Promise<void> {}
  async onTraceEnd(): Promise<void> {}
  async onSpanStart(span: AgentsSpan<never>): Promise<void> {
    const data = span.spanData as { type: string; name?: string };
    if (data.type !== 'function' && data.type !== 'agent') return;
    const op = data.type === 'function' ? 'execute_tool' : 'invoke_agent';
    this.spans.set(
      span.spanId,
      this.tracer.startSpan(`${op} ${data.name}`, { attributes: { 'gen_ai.operation.name': op } }),
    );
  }
  async onSpanEnd(span: AgentsSpan<never>): Promise<void> {
    this.spans.get(span.spanId)?.end();
    this.spans.delete(span.spanId);
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

export async function openaiAgents(options: ScenarioOptions): Promise<ScenarioOutput> {
  const mod = await optionalImport<AgentsModule>('@toolscope/instrumentation-openai-agents');
  if (!mod.ok) return { metrics: {}, notes: { unavailable: mod.reason } };
  registerContext();
  const otel = createBenchOtel({ metricProducers: [new ToolscopeMetricProducer()] });
  configureInstrumentation({
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
  });
  enablePreAggregatedMetrics();
  const store = new InvocationStore();
  const instrumentation = mod.module.instrumentOpenAIAgents();
  const minimal = new MinimalOtelProcessor();

  const search = tool({
    name: 'search',
    description: 'search',
    parameters: z.object({ q: z.string() }),
    execute: async () => RESULT,
  });
  const runOnce = async () => {
    const model = new ScriptedModel([
      [functionCall('search', { q: 'pizza' }, { callId: 'call_1' })],
      [assistantMessage('done')],
    ]);
    await new Runner().run(
      new Agent({ name: 'bench', instructions: 'x', tools: [search], model }),
      'go',
    );
  };

  const variants: Record<string, () => void> = {
    bare: () => {
      instrumentation.disable();
      setTracingDisabled(false);
      setTraceProcessors([]);
      store.close();
    },
    toolscope: () => {
      setTracingDisabled(false);
      setTraceProcessors([]);
      instrumentation.enable();
      store.attach();
    },
    otelProcessor: () => {
      instrumentation.disable();
      setTracingDisabled(false);
      setTraceProcessors([minimal]);
      store.close();
    },
    tracingOff: () => {
      instrumentation.disable();
      setTraceProcessors([]);
      setTracingDisabled(true);
      store.close();
    },
  };

  const iterations = options.quick ? 20 : 200;
  const rounds = options.quick ? 2 : 20;
  const warmupRounds = options.quick ? 1 : 4;
  const names = Object.keys(variants);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const ratios: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < warmupRounds + rounds; round++) {
    const perRound: Record<string, number> = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length]!;
      variants[name]!();
      await yieldToLoop();
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) {
        await runOnce();
        if ((i & 31) === 31) await yieldToLoop();
      }
      perRound[name] = Number(process.hrtime.bigint() - start) / iterations / 1000;
    }
    if (round < warmupRounds) continue;
    for (const name of names) {
      samples[name]!.push(perRound[name]!);
      ratios[name]!.push(perRound[name]! / perRound.bare!);
    }
  }
  variants.bare!();

  const metrics: Record<string, number> = {};
  for (const name of names) {
    metrics[`${name}.us`] = median(samples[name]!);
    metrics[`${name}.xBare`] = median(ratios[name]!);
  }
  return { metrics, notes: {} };
}
