/**
 * (6) Probe scale: a `HealthMonitor` with 1,000 HTTP checks, each every 1 s, against a local
 * server in another process, with real providers (BatchSpanProcessor into a discarding
 * exporter). The monitor's `random` option spreads the first runs evenly over the first second
 * and then returns the midpoint, so every later run is due exactly 1 s after the previous one
 * started: any deviation is the scheduler's (plus latency variation). After a warm-up, over
 * the measurement window:
 * - CPU: `process.cpuUsage()` (user + system) over wall time, as % of one core;
 * - jitter: per check, |interval between two consecutive results − the median interval|,
 *   p99 over all checks;
 * - handles: `process.getActiveResourcesInfo().length` before `start()` against after
 *   `close()` (the leak check), and, for information, sampled every 500 ms during the run
 *   (it includes requests in flight, so it drifts with load): median of the first 5 samples
 *   against the median of the last 5.
 *
 * Modes `request` and `dispatch` run the same requests without a monitor (the transport's own
 * CPU), each in a process of its own; the default mode `monitor` runs the monitor.
 */

import { optionalImport } from '../support/optional-import.ts';
import { createBenchOtel, registerContext } from '../support/otel.ts';
import { type ReferenceTransport, startReferenceLoops } from '../support/probe-reference.ts';
import { startServerProcess } from '../support/receiver-process.ts';
import { exactQuantile, median } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

interface Monitor {
  start(): void;
  close(): Promise<void>;
  onResult(
    listener: (result: { id: string; ok: boolean; timestampMs: number }) => void,
  ): () => void;
}
interface ProbeModule {
  HealthMonitor: new (options: Record<string, unknown>) => Monitor;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function probes(options: ScenarioOptions): Promise<ScenarioOutput> {
  const checks = options.quick ? 100 : 1000;
  const warmupMs = options.quick ? 2_000 : 5_000;
  const measureMs = options.quick ? 3_000 : 20_000;
  if (options.mode === 'request' || options.mode === 'dispatch') {
    return reference(options.mode, checks, warmupMs, measureMs);
  }
  const mod = await optionalImport<ProbeModule>('@toolscope/health-probe');
  if (!mod.ok) return { metrics: {}, notes: { unavailable: mod.reason } };
  registerContext();
  createBenchOtel();
  const target = await startServerProcess('health-target.ts');
  let draws = 0;
  const monitor = new mod.module.HealthMonitor({
    checks: Array.from({ length: checks }, (_, i) => ({
      id: `check_${i}`,
      type: 'http',
      endpoint: `${target.url}/health`,
      intervalMs: 1000,
      timeoutMs: 900,
      jitterMs: 999,
    })),
    random: () => (draws++ < checks ? (draws - 0.5) / checks : 0.5),
  });
  // Handles before anything of the monitor exists, to compare with after close().
  const handlesBefore = process.getActiveResourcesInfo().length;
  const last = new Map<string, number>();
  const intervals: number[] = [];
  let failures = 0;
  let results = 0;
  let measuring = false;
  monitor.onResult((r) => {
    const previous = last.get(r.id);
    last.set(r.id, r.timestampMs);
    if (!measuring) return;
    results++;
    if (!r.ok) failures++;
    if (previous !== undefined) intervals.push(r.timestampMs - previous);
  });
  monitor.start();
  await sleep(warmupMs);
  measuring = true;
  const handles: number[] = [];
  const sampler = setInterval(() => handles.push(process.getActiveResourcesInfo().length), 500);
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await sleep(measureMs);
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - wallStart;
  clearInterval(sampler);
  const handlesStart = median(handles.slice(0, 5));
  const handlesEnd = median(handles.slice(-5));
  measuring = false;
  await monitor.close();
  // Sockets close asynchronously: give them a bounded moment to go, then count.
  let handlesAfterClose = process.getActiveResourcesInfo().length;
  for (let i = 0; i < 50 && handlesAfterClose > handlesBefore; i++) {
    await sleep(100);
    handlesAfterClose = process.getActiveResourcesInfo().length;
  }
  target.stop();

  const mid = median(intervals);
  const deviations = Float64Array.from(intervals, (d) => Math.abs(d - mid)).sort();
  return {
    metrics: {
      checks,
      results,
      failures,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
      jitterP99Ms: exactQuantile(deviations, 0.99),
      medianIntervalMs: mid,
      handlesStart,
      handlesEnd,
      handleDrift: handlesEnd - handlesStart,
      handlesBefore,
      handlesAfterClose,
      handleGrowth: handlesAfterClose - handlesBefore,
    },
    notes: {},
  };
}

/**
 * Modes `request` and `dispatch`: the same requests at the same rate without a monitor
 * (`support/probe-reference.ts`), CPU over the same window.
 */
async function reference(
  transport: ReferenceTransport,
  checks: number,
  warmupMs: number,
  measureMs: number,
): Promise<ScenarioOutput> {
  const target = await startServerProcess('health-target.ts');
  const loops = startReferenceLoops(transport, `${target.url}/health`, checks, 1000);
  await sleep(warmupMs);
  const completedStart = loops.completed();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await sleep(measureMs);
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - wallStart;
  const requests = loops.completed() - completedStart;
  await loops.close();
  target.stop();
  return {
    metrics: {
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
      requestsPerSecond: requests / (wall / 1000),
    },
    notes: {},
  };
}
