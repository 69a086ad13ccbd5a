/**
 * Regression: after a normal shutdown (`monitor.close()`, then the SDK's shutdown) the backend
 * kept the health states of the previous periodic export: `close()` removed the gauges'
 * callback, so the final export had no `toolscope.health.status`, and a check that had
 * recovered stayed `unhealthy` in Prometheus until the series expired (the `ToolUnhealthy`
 * alert firing meanwhile). `close()` now flushes the meter provider before the gauges go.
 */
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { AlertCenter } from '@toolscope/instrumentation';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { captureDiag } from '../../../../test/support/diag.ts';
import { HealthMonitor } from '../../src/index.ts';
import { startHttpServer, type TestServer } from '../support/servers.ts';

const center = new AlertCenter();
afterAll(() => center.dispose());

let healthy = true;
let server: TestServer;
beforeEach(async () => {
  healthy = true;
  server = await startHttpServer((_req, res) => {
    res.statusCode = healthy ? 200 : 503;
    res.end(healthy ? 'ok' : 'down');
  });
});
afterEach(async () => {
  metrics.disable();
  await server.close();
});

/** A real SDK provider whose reader only exports when flushed or shut down (1 h interval). */
function periodicProvider(): { provider: MeterProvider; exporter: InMemoryMetricExporter } {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 3_600_000,
  });
  return { provider: new MeterProvider({ readers: [reader] }), exporter };
}

/** The `toolscope.health.status` states reported as 1 in `batch` (check id → state), if any. */
function statesIn(batch: ResourceMetrics): Map<string, string> | undefined {
  const status: MetricData | undefined = batch.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === 'toolscope.health.status');
  if (status === undefined || status.dataPointType !== DataPointType.GAUGE) return undefined;
  const states = new Map<string, string>();
  for (const p of status.dataPoints) {
    if (p.value === 1) {
      states.set(
        String(p.attributes['toolscope.health.check.id']),
        String(p.attributes['toolscope.health.state']),
      );
    }
  }
  return states;
}

/** The states of the last exported batch that carries `toolscope.health.status`. */
function lastExportedStates(exporter: InMemoryMetricExporter): Map<string, string> | undefined {
  return exporter
    .getMetrics()
    .map(statesIn)
    .filter((s) => s !== undefined)
    .at(-1);
}

const check = (url: string) => ({
  id: 'restaurant_search',
  type: 'http' as const,
  endpoint: url,
  failureThreshold: 1,
  recoveryThreshold: 1,
});

it('the last export after close() and the provider shutdown carries the final (recovered) state', async () => {
  const { provider, exporter } = periodicProvider();
  const monitor = new HealthMonitor({
    alertCenter: center,
    publishToolHealth: false,
    meterProvider: provider,
    checks: [check(server.url)],
  });
  try {
    healthy = false;
    await monitor.runCheck('restaurant_search');
    expect(monitor.status('restaurant_search')?.status).toBe('unhealthy');
    await provider.forceFlush(); // a periodic export while unhealthy
    expect(lastExportedStates(exporter)?.get('restaurant_search')).toBe('unhealthy');

    healthy = true;
    await monitor.runCheck('restaurant_search');
    expect(monitor.status('restaurant_search')?.status).toBe('healthy');
  } finally {
    await monitor.close();
    await provider.shutdown();
  }
  expect(lastExportedStates(exporter)?.get('restaurant_search')).toBe('healthy');
});

it('the same with the global provider (startToolscope sets it) and a started schedule', async () => {
  const { provider, exporter } = periodicProvider();
  metrics.setGlobalMeterProvider(provider);
  const monitor = new HealthMonitor({
    alertCenter: center,
    publishToolHealth: false,
    checks: [{ ...check(server.url), intervalMs: 3_600_000, jitterMs: 0 }],
  });
  const seen: string[] = [];
  const changed = (state: string) =>
    new Promise<void>((resolve) => {
      const off = monitor.onResult((_r, status) => {
        seen.push(status.status);
        if (status.status === state) {
          off();
          resolve();
        }
      });
    });
  try {
    healthy = false;
    const unhealthy = changed('unhealthy');
    monitor.start();
    await unhealthy;
    await provider.forceFlush();
    expect(lastExportedStates(exporter)?.get('restaurant_search')).toBe('unhealthy');
    healthy = true;
    await monitor.runCheck('restaurant_search');
  } finally {
    await monitor.close();
    await provider.shutdown();
  }
  expect(seen).toEqual(['unhealthy']);
  expect(monitor.status('restaurant_search')?.status).toBe('healthy');
  expect(lastExportedStates(exporter)?.get('restaurant_search')).toBe('healthy');
});

it('close() after the SDK was shut down and unregistered (toolscope probe) flushes nothing and logs nothing', async () => {
  const { provider, exporter } = periodicProvider();
  metrics.setGlobalMeterProvider(provider);
  const monitor = new HealthMonitor({
    alertCenter: center,
    publishToolHealth: false,
    checks: [check(server.url)],
  });
  const diag = captureDiag();
  try {
    await monitor.runCheck('restaurant_search');
    await monitor.stop();
    // What toolscope.shutdown() does: shut down (the final export), then unregister.
    await provider.shutdown();
    metrics.disable();
    expect(lastExportedStates(exporter)?.get('restaurant_search')).toBe('healthy');
    const exports = exporter.getMetrics().length;
    await monitor.close();
    expect(exporter.getMetrics()).toHaveLength(exports);
    expect(diag.messages).toEqual([]);
  } finally {
    diag.restore();
    await monitor.close();
  }
});
