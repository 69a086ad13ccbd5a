import { AlertCenter, type Monitor } from '@toolscope/instrumentation';
import { afterAll, expect, it } from 'vitest';
import { HealthMonitor } from '../src/index.ts';

const center = new AlertCenter();
afterAll(() => center.dispose());

const checks = [
  { id: 'l', type: 'http' as const, endpoint: 'http://127.0.0.1:1/', intervalMs: 60_000 },
];

it('follows the monitor lifecycle: start returns the monitor, stop and close resolve, close is final', async () => {
  const monitor: Monitor = new HealthMonitor({ alertCenter: center, checks });
  expect(monitor.start()).toBe(monitor);
  expect(monitor.start()).toBe(monitor);
  await monitor.stop();
  expect(monitor.start()).toBe(monitor);
  const [a, b] = [monitor.close(), monitor.close()];
  await Promise.all([a, b]);
  await monitor.close();
  expect(() => monitor.start()).toThrow(/closed; create a new one/);
});
