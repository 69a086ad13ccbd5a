import { AlertCenter } from '@toolscope/instrumentation';
import { afterAll, expect, it } from 'vitest';
import { histogramCount, points, setupTestOtel } from '../../../test/support/otel.ts';
import { HealthMonitor } from '../src/index.ts';
import { startHttpServer } from './support/servers.ts';

const center = new AlertCenter();
afterAll(() => center.dispose());

it('metrics recorded after a late SDK registration are not lost to the no-op provider', async () => {
  const server = await startHttpServer((_req, res) => {
    res.end('ok');
  });
  const monitor = new HealthMonitor({
    alertCenter: center,
    checks: [{ id: 'late', type: 'http', endpoint: server.url }],
  });
  try {
    await monitor.runCheck('late'); // before any SDK: goes to the no-op meter
    const otel = setupTestOtel();
    try {
      await monitor.runCheck('late');
      const duration = await otel.metric('toolscope.health.check.duration');
      expect(histogramCount(duration)).toBe(1);
      const status = points(await otel.metric('toolscope.health.status'));
      expect(status.find((p) => p.value === 1)?.attributes['toolscope.health.state']).toBe(
        'healthy',
      );
    } finally {
      await otel.shutdown();
    }
  } finally {
    await monitor.close();
    await server.close();
  }
});
