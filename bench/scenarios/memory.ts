/**
 * (2) Memory. Heap (after forced GC) across 1,000,000 traced invocations over 20 tools × 3
 * outcomes (success, a thrown `TimeoutError`, a `fail('rate_limited')`), with spans, metrics
 * and the in-process store on; the bytes each new (tool, outcome) series costs; the store at
 * full retention; and, next to it, a seed-style history list of 10,000 invocation records.
 */
import {
  configureInstrumentation,
  InvocationStore,
  withCorrelationId,
  withTool,
} from '@toolscope/instrumentation';
import { createBenchOtel, registerContext } from '../support/otel.ts';
import { settledHeap, yieldToLoop } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

const TOOLS = 20;
const OUTCOMES = 3;

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

async function invoke(tool: string, outcome: number): Promise<void> {
  try {
    await withTool({ name: tool }, async (call) => {
      if (outcome === 1) throw new TimeoutError('slow');
      if (outcome === 2) call.fail('rate_limited');
      return 1;
    });
  } catch {
    // the thrown outcome
  }
}

/** The seed's `ToolInvocationMetric`, kept in a capped list (its `max_history`). */
function seedRecord(i: number) {
  return {
    toolId: `tool_${i % TOOLS}`,
    toolName: `Tool ${i % TOOLS}`,
    timestamp: new Date(1_700_000_000_000 + i),
    responseTimeMs: 100 + (i % 900),
    success: i % 3 !== 1,
    errorMessage: i % 3 === 1 ? 'TimeoutError: slow' : null,
    inputSize: 200 + (i % 50),
    outputSize: 1000 + (i % 500),
    correlationId: `corr-${(i * 2654435761) >>> 0}`,
    retryCount: i % 7 === 0 ? 1 : 0,
    fallbackUsed: false,
    metadata: {},
  };
}

export async function memory(options: ScenarioOptions): Promise<ScenarioOutput> {
  const total = options.quick ? 12_000 : options.mode === 'short' ? 300_000 : 1_000_000;
  const warmup = options.quick ? 3_000 : 60_000;
  const checkpoints = options.quick ? 3 : 5;
  registerContext();
  const otel = createBenchOtel();
  configureInstrumentation({
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
  });
  const store = new InvocationStore().attach();
  const metrics: Record<string, number> = {};
  // Spans waiting in the BatchSpanProcessor's queue are in flight, not retained: flush them
  // before every heap reading so the readings compare what the process keeps.
  const settled = async () => {
    await otel.tracerProvider.forceFlush();
    return settledHeap();
  };

  await withCorrelationId('bench-memory', async () => {
    // Warm the code paths on throw-away names, then measure what new series cost.
    for (let i = 0; i < 3000; i++) await invoke(`warm_${i % TOOLS}`, ((i / TOOLS) % OUTCOMES) | 0);
    const before = await settled();
    for (let t = 0; t < TOOLS; t++) for (let o = 0; o < OUTCOMES; o++) await invoke(`tool_${t}`, o);
    metrics.bytesPerSeries = ((await settled()) - before) / (TOOLS * OUTCOMES);

    let done = 0;
    const run = async (n: number) => {
      for (let k = 0; k < n; k++, done++) {
        await invoke(`tool_${done % TOOLS}`, ((done / TOOLS) | 0) % OUTCOMES);
        if ((done & 255) === 255) await yieldToLoop();
      }
    };
    await run(warmup);
    const base = await settled();
    const heaps: number[] = [];
    const step = Math.floor((total - warmup) / checkpoints);
    for (let c = 0; c < checkpoints; c++) {
      await run(step);
      heaps.push(await settled());
    }
    metrics.invocations = done + 3000 + TOOLS * OUTCOMES;
    metrics.heapBase = base;
    heaps.forEach((h, i) => {
      metrics[`heapCheckpoint${i + 1}`] = h;
    });
    metrics.heapGrowthBytes = heaps[heaps.length - 1]! - base;
    metrics.heapDriftBytes = Math.max(...heaps) - Math.min(...heaps);
    metrics.storeSlots = store.slotCount;
    metrics.spansExported = otel.spanExporter.exported;
  });
  store.close();

  // The store at full retention: every tool called in every 10 s slot of one hour.
  const hourMs = options.quick ? 360_000 : 3_600_000;
  let clock = 1_700_000_000_000;
  const full = new InvocationStore({ now: () => clock });
  const beforeFull = await settledHeap();
  for (let t = clock; t < clock + hourMs; t += 10_000) {
    for (let tool = 0; tool < TOOLS; tool++) {
      for (let k = 0; k < 5; k++) {
        full.record({
          kind: 'tool',
          name: `tool_${tool}`,
          toolType: 'function',
          durationS: 0.05 * (1 + k + tool),
          endTimeMs: t + k,
          errorType: k === 4 ? 'TimeoutError' : undefined,
          retryCount: 0,
          fallbackFor: undefined,
          inputSize: 200,
          outputSize: 1000,
          expectedPerformanceMs: undefined,
          confidence: undefined,
          workflow: undefined,
        });
      }
    }
  }
  clock += hourMs;
  metrics.storeFullRetentionBytes = (await settledHeap()) - beforeFull;
  metrics.storeFullRetentionSlots = full.slotCount;
  full.clear();

  // The seed's history list: 10,000 records kept (20,000 pushed, oldest shifted out).
  const history: ReturnType<typeof seedRecord>[] = [];
  const beforeHistory = await settledHeap();
  const cap = options.quick ? 1_000 : 10_000;
  for (let i = 0; i < 2 * cap; i++) {
    history.push(seedRecord(i));
    if (history.length > cap) history.shift();
  }
  metrics.seedHistoryBytes = ((await settledHeap()) - beforeHistory) * (10_000 / cap);
  metrics.seedBytesPerRecord = metrics.seedHistoryBytes / 10_000;
  // Read the list after measuring, so it is still alive when the heap is measured.
  metrics.seedRecordsKept = history.length;
  return { metrics, notes: {} };
}
