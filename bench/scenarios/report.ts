/**
 * (5) Report build time, with `@toolscope/report`'s `buildReport`:
 * - from the process: an `InvocationStore` holding 1,000,000 invocations of 20 tools × 3
 *   outcomes spread over the last hour (all 360 slots), report window 1 h;
 * - from Prometheus: a canned Prometheus (own process) answering for 100 tools over 1 h.
 * Each is built once to warm up, then timed several times; the median is reported.
 */
import { InvocationStore } from '@toolscope/instrumentation';
import { optionalImport } from '../support/optional-import.ts';
import { startServerProcess } from '../support/receiver-process.ts';
import { median } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

interface ReportModule {
  buildReport(source: unknown, options: Record<string, unknown>): Promise<unknown>;
  InProcessSource: new (store: InvocationStore) => unknown;
  PrometheusSource: new (options: { url: string }) => { close?(): Promise<void> };
}

async function timeIt(times: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function report(options: ScenarioOptions): Promise<ScenarioOutput> {
  const mod = await optionalImport<ReportModule>('@toolscope/report');
  if (!mod.ok) return { metrics: {}, notes: { inProcess: mod.reason, prometheus: mod.reason } };
  const { buildReport, InProcessSource, PrometheusSource } = mod.module;
  const metrics: Record<string, number> = {};
  const notes: Record<string, string> = {};
  const repeats = options.quick ? 2 : 7;

  const invocations = options.quick ? 20_000 : 1_000_000;
  const now = Date.now();
  const store = new InvocationStore({ now: () => now });
  for (let i = 0; i < invocations; i++) {
    const outcome = i % 3;
    store.record({
      kind: 'tool',
      name: `tool_${i % 20}`,
      toolType: 'function',
      durationS: 0.01 + ((i * 7919) % 1000) / 1000,
      endTimeMs: now - 3_599_000 + Math.floor((i / invocations) * 3_599_000),
      errorType: outcome === 0 ? undefined : outcome === 1 ? 'TimeoutError' : 'rate_limited',
      retryCount: i % 17 === 0 ? 1 : 0,
      fallbackFor: undefined,
      inputSize: 200 + (i % 100),
      outputSize: 1000 + (i % 1000),
      expectedPerformanceMs: 500,
      confidence: undefined,
      workflow: undefined,
    });
  }
  metrics.recorded = invocations;
  try {
    const source = new InProcessSource(store);
    metrics.inProcessMs = await timeIt(repeats, () =>
      buildReport(source, { window: '1h', now: now + 1 }),
    );
  } catch (err) {
    notes.inProcess = `failed: ${String((err as Error).message).split('\n')[0]}`;
  }

  const prometheus = await startServerProcess('prometheus-canned.ts');
  try {
    const source = new PrometheusSource({ url: prometheus.url });
    metrics.prometheusMs = await timeIt(repeats, () => buildReport(source, { window: '1h' }));
    await source.close?.();
  } catch (err) {
    notes.prometheus = `failed: ${String((err as Error).message).split('\n')[0]}`;
  } finally {
    prometheus.stop();
  }
  return { metrics, notes };
}
