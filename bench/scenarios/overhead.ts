/**
 * (1) Per tool invocation. One process measures every variant in interleaved rounds (the
 * order rotates each round) and reports each variant's median ns/op and, per round, its ratio
 * to the bare span measured in the same round. Every variant awaits the same async tool
 * inside `withCorrelationId`, and yields to the event loop every 256 calls so the
 * BatchSpanProcessor can export (into a discarding exporter) instead of dropping.
 */
import { context, propagation, SpanKind } from '@opentelemetry/api';
import {
  configureInstrumentation,
  DURATION_BUCKETS_SECONDS,
  InvocationStore,
  TOOLSCOPE_CORRELATION_ID,
  traceTool,
  trackToolInvocation,
  withCorrelationId,
} from '@toolscope/instrumentation';
import {
  disablePreAggregatedMetrics,
  enablePreAggregatedMetrics,
} from '@toolscope/instrumentation/internal';
import { ToolscopeMetricProducer } from '@toolscope/node';
import { inBareSpan } from '../support/bare-span.ts';
import { baselineImport } from '../support/optional-import.ts';
import { createBenchOtel, DiscardingSpanExporter, registerContext } from '../support/otel.ts';
import { median, yieldToLoop } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

type Call = (arg: { q: string }) => Promise<unknown>;

interface Traceloop {
  initialize(options: Record<string, unknown>): unknown;
  createSpanProcessor(options: Record<string, unknown>): unknown;
  withTool<T>(
    config: { name: string; traceContent?: boolean },
    fn: (arg: { q: string }) => Promise<T>,
    arg: { q: string },
  ): Promise<T>;
}

/** The part of prom-client the `prom` variant uses. */
interface PromClient {
  Registry: new () => unknown;
  Histogram: new (config: {
    name: string;
    help: string;
    labelNames: string[];
    buckets: number[];
    registers: unknown[];
  }) => { startTimer(labels: Record<string, string>): () => number };
}

const YIELD_EVERY = 256;
const RESULT = { hits: 3 };

/** The tool being called: an async function doing nothing. */
async function searchTool(_arg: { q: string }): Promise<typeof RESULT> {
  return RESULT;
}

export async function overhead(options: ScenarioOptions): Promise<ScenarioOutput> {
  // Short batches and many rounds: on a loaded machine a batch that gets descheduled spoils
  // one ratio of many, and the median drops it.
  const iterations = options.quick ? 300 : 2_500;
  const rounds = options.quick ? 2 : 36;
  const warmupRounds = options.quick ? 1 : 6;
  const notes: Record<string, string> = {};

  registerContext();
  // Global providers: the ones OpenLLMetry's API picks up (with its own span processor).
  const traceloopImport = await baselineImport<Traceloop>('@traceloop/node-server-sdk');
  let traceloop: Traceloop | undefined;
  // As startToolscope sets it up: toolscope's metrics pre-aggregated and exported through a
  // MetricProducer on the reader (no attribute hashing per call).
  const ours = createBenchOtel({
    global: !traceloopImport.ok,
    metricProducers: [new ToolscopeMetricProducer()],
  });
  if (traceloopImport.ok) {
    try {
      const tl = traceloopImport.module;
      const processor = tl.createSpanProcessor({
        exporter: new DiscardingSpanExporter(),
        baseUrl: 'http://127.0.0.1:9',
        headers: {},
      });
      createBenchOtel({ global: true, spanProcessors: [processor as never] });
      tl.initialize({
        appName: 'toolscope-bench',
        baseUrl: 'http://127.0.0.1:9',
        traceloopSyncEnabled: false,
        tracingEnabled: false,
        silenceInitializationMessage: true,
        traceContent: false,
      });
      traceloop = tl;
    } catch (err) {
      notes.openllmetry = `cannot initialise: ${String((err as Error).message).split('\n')[0]}`;
      createBenchOtel({ global: true });
    }
  } else {
    notes.openllmetry = traceloopImport.reason;
  }
  configureInstrumentation({
    tracerProvider: ours.tracerProvider,
    meterProvider: ours.meterProvider,
  });
  const store = new InvocationStore();

  const bareTracer = ours.tracerProvider.getTracer('bench-bare');
  const traced = traceTool(searchTool, { name: 'search' });

  const variants: Record<string, Call> = {
    none: (arg) => searchTool(arg),
    bare: (arg) =>
      inBareSpan(
        bareTracer,
        'execute_tool search',
        SpanKind.INTERNAL,
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'search',
          'gen_ai.tool.type': 'function',
          [TOOLSCOPE_CORRELATION_ID]: propagation
            .getBaggage(context.active())
            ?.getEntry(TOOLSCOPE_CORRELATION_ID)?.value,
        },
        searchTool,
        arg,
      ),
    toolscope: (arg) => traced(arg),
    toolscopeExponential: (arg) => traced(arg),
    toolscopeNoStore: (arg) => traced(arg),
    toolscopeSdkInstruments: (arg) => traced(arg),
    manual: async (arg) => {
      const start = performance.now();
      let success = false;
      try {
        const result = await searchTool(arg);
        success = true;
        return result;
      } finally {
        trackToolInvocation({
          tool: 'search',
          responseTimeMs: performance.now() - start,
          success,
        });
      }
    },
  };
  const promImport = await baselineImport<{ default: PromClient }>('prom-client');
  if (promImport.ok) {
    const client = promImport.module.default;
    const promHistogram = new client.Histogram({
      name: 'tool_duration_seconds',
      help: 'tool duration',
      labelNames: ['tool', 'type'],
      buckets: [...DURATION_BUCKETS_SECONDS],
      registers: [new client.Registry()],
    });
    const promLabels = { tool: 'search', type: 'function' };
    variants.prom = async (arg) => {
      const end = promHistogram.startTimer(promLabels);
      try {
        return await searchTool(arg);
      } finally {
        end();
      }
    };
  } else {
    notes.promClient = promImport.reason;
  }
  if (traceloop !== undefined) {
    const tl = traceloop;
    variants.openllmetry = (arg) => tl.withTool({ name: 'search' }, searchTool, arg);
    variants.openllmetryContent = (arg) =>
      tl.withTool({ name: 'search', traceContent: true }, searchTool, arg);
  }
  // The in-process store is on for the variants that go through toolscope's default set-up.
  const withStore = new Set([
    'toolscope',
    'toolscopeExponential',
    'toolscopeSdkInstruments',
    'manual',
  ]);

  const names = Object.keys(variants);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const ratios: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const arg = { q: 'pizza near me' };

  await withCorrelationId('bench-correlation-0001', async () => {
    for (let round = 0; round < warmupRounds + rounds; round++) {
      const perRound: Record<string, number> = {};
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + round) % names.length]!;
        const call = variants[name]!;
        if (withStore.has(name)) store.attach();
        else store.close();
        // The SDK-instruments variant is toolscope under an application's own SDK without
        // the producer: every record goes through histogram.record (attribute hashing).
        if (name === 'toolscopeSdkInstruments') disablePreAggregatedMetrics();
        // `histograms: 'exponential'`: the same pre-aggregated path, exponential cells.
        else
          enablePreAggregatedMetrics(name === 'toolscopeExponential' ? 'exponential' : 'explicit');
        await yieldToLoop();
        const start = process.hrtime.bigint();
        for (let i = 0; i < iterations; i++) {
          await call(arg);
          if ((i & (YIELD_EVERY - 1)) === YIELD_EVERY - 1) await yieldToLoop();
        }
        perRound[name] = Number(process.hrtime.bigint() - start) / iterations;
      }
      if (round < warmupRounds) continue;
      for (const name of names) {
        samples[name]!.push(perRound[name]!);
        ratios[name]!.push(perRound[name]! / perRound.bare!);
      }
    }
  });
  store.close();

  const metrics: Record<string, number> = {};
  for (const name of names) {
    metrics[`${name}.ns`] = median(samples[name]!);
    metrics[`${name}.xBare`] = median(ratios[name]!);
  }
  const exponentialVsExplicit: number[] = [];
  for (let r = 0; r < samples.toolscope!.length; r++) {
    exponentialVsExplicit.push(samples.toolscopeExponential![r]! / samples.toolscope![r]!);
  }
  metrics['toolscopeExponential.xToolscope'] = median(exponentialVsExplicit);
  if (traceloop !== undefined) {
    const vs: number[] = [];
    for (let r = 0; r < samples.toolscope!.length; r++) {
      vs.push(samples.toolscope![r]! / samples.openllmetry![r]!);
    }
    metrics['toolscope.xOpenllmetry'] = median(vs);
  }
  return { metrics, notes };
}
