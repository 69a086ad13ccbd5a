/**
 * (4) Export. A producer calls traced async tools at a steady target rate (40,000/s, paced
 * by 1 ms timers, at most 100 calls per tick) for a few seconds. Mode `otlp`: spans and metrics go through the OTLP/HTTP
 * exporter to a receiver in another local process that counts spans. Mode `local`: the same
 * set-up with export off. Each mode runs in its own fresh process and the orchestrator pairs
 * them. Measured: the rate achieved, spans received versus produced (drops), and the
 * event-loop delay p99 (`monitorEventLoopDelay`) while producing.
 *
 * Uses `startToolscope` from `@toolscope/node` (its batch settings are what is measured);
 * without it, the raw SDK with a BatchSpanProcessor (queue 16384, batch 1024, 500 ms).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { configureInstrumentation, traceTool, withCorrelationId } from '@toolscope/instrumentation';
import { hasFunctions, optionalImport } from '../support/optional-import.ts';
import { createBenchOtel, registerContext } from '../support/otel.ts';
import { startReceiver } from '../support/receiver-process.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

interface ToolscopeHandle {
  forceFlush(): Promise<void>;
  stats?(): Promise<Record<string, number>>;
}
interface NodeModule {
  startToolscope(options: Record<string, unknown>): ToolscopeHandle;
}

const RATE = 40_000;
const MAX_BURST = 100;

export async function exportThroughput(options: ScenarioOptions): Promise<ScenarioOutput> {
  const otlp = options.mode !== 'local';
  const seconds = options.quick ? 0.5 : 5;
  const notes: Record<string, string> = {};
  const receiver = otlp ? await startReceiver() : undefined;

  const node = await optionalImport<NodeModule>('@toolscope/node');
  let flush: () => Promise<void>;
  let stats: (() => Promise<Record<string, number>>) | undefined;
  if (node.ok && hasFunctions(node.module, ['startToolscope'])) {
    notes.setup = 'startToolscope';
    const ts = node.module.startToolscope({
      serviceName: 'toolscope-bench',
      export: otlp,
      ...(receiver ? { endpoint: receiver.url } : {}),
    });
    flush = () => ts.forceFlush();
    stats = ts.stats ? () => ts.stats!() : undefined;
  } else {
    notes.setup = `raw SDK (@toolscope/node ${node.ok ? 'has no startToolscope' : node.reason})`;
    registerContext();
    const processors = receiver
      ? [
          new BatchSpanProcessor({
            exporter: new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` }),
            maxQueueSize: 16_384,
            maxExportBatchSize: 1024,
            scheduledDelayMillis: 500,
          }),
        ]
      : [];
    const otel = createBenchOtel({ spanProcessors: processors });
    configureInstrumentation({ tracerProvider: otel.tracerProvider });
    flush = () => otel.tracerProvider.forceFlush();
  }

  const tools = ['search', 'weather', 'booking', 'payments'].map((name) =>
    traceTool(async (q: { id: number }) => ({ ok: q.id }), { name, type: 'extension' }),
  );
  // Warm up the code paths (not counted, not timed), then let the exporter drain.
  await withCorrelationId('bench-export-warmup', async () => {
    for (let i = 0; i < 2000; i++) await tools[i & 3]!({ id: i });
  });
  await flush();
  const receivedBefore = receiver ? (await receiver.count()).spans : 0;

  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const target = Math.round(RATE * seconds);
  let produced = 0;
  const start = performance.now();
  await withCorrelationId('bench-export', async () => {
    while (produced < target) {
      // At most MAX_BURST calls per tick: awaiting resolved promises never yields to I/O, so
      // an unbounded catch-up burst after a pause would starve the exporter's HTTP responses.
      // A producer that falls behind stays behind, and the achieved rate shows it.
      const due = Math.min(
        target,
        produced + MAX_BURST,
        Math.floor(((performance.now() - start) * RATE) / 1000),
      );
      for (; produced < due; produced++) await tools[produced & 3]!({ id: produced });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  });
  const elapsedS = (performance.now() - start) / 1000;
  histogram.disable();

  const metrics: Record<string, number> = {
    produced,
    ratePerS: produced / elapsedS,
    loopP99Ms: histogram.percentile(99) / 1e6,
    loopMaxMs: histogram.max / 1e6,
  };
  if (receiver) {
    await flush();
    // Wait (bounded) until the receiver has everything or stops getting more.
    const deadline = Date.now() + 20_000;
    let last = -1;
    let received = 0;
    const counts: number[] = [];
    while (Date.now() < deadline) {
      received = (await receiver.count()).spans - receivedBefore;
      if (received >= produced) break;
      counts.push(received);
      if (received === last && counts.length > 10) break;
      last = received;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    metrics.received = received;
    metrics.drops = Math.max(0, produced - received);
    if (stats) {
      const s = await stats();
      for (const k of ['spansDropped', 'spansFailed', 'spansExported']) {
        if (typeof s[k] === 'number') metrics[k] = s[k];
      }
    }
    receiver.stop();
  }
  return { metrics, notes };
}
