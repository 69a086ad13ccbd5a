/**
 * Regression: the health probe ignored the providers set process-wide with
 * `configureInstrumentation({ tracerProvider, meterProvider })` and always used the global
 * ones. It now resolves them like every toolscope component: its own option, else the
 * process-wide setting, else the global provider.
 */
import { metrics, trace } from '@opentelemetry/api';
import {
  AlertCenter,
  configureInstrumentation,
  resetInstrumentation,
} from '@toolscope/instrumentation';
import { afterAll, expect, it } from 'vitest';
import { histogramCount, setupTestOtel } from '../../../../test/support/otel.ts';
import { HealthMonitor } from '../../src/index.ts';
import { startHttpServer } from '../support/servers.ts';

const center = new AlertCenter();
afterAll(() => center.dispose());

it('spans and metrics go to the process-wide providers when the monitor is given none', async () => {
  const server = await startHttpServer((_req, res) => {
    res.end('ok');
  });
  const otel = setupTestOtel();
  // Not the global providers: only the process-wide setting leads to them.
  trace.disable();
  metrics.disable();
  configureInstrumentation({
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
  });
  const monitor = new HealthMonitor({
    alertCenter: center,
    publishToolHealth: false,
    checks: [{ id: 'pw', type: 'http', endpoint: server.url }],
  });
  try {
    await monitor.runCheck('pw');
    expect(otel.spans().map((s) => s.name)).toEqual(['health_check pw']);
    expect(histogramCount(await otel.metric('toolscope.health.check.duration'))).toBe(1);
    expect(await otel.metric('toolscope.health.status')).toBeDefined();
  } finally {
    await monitor.close();
    resetInstrumentation();
    await otel.shutdown();
    await server.close();
  }
});
