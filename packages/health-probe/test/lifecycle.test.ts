import { AlertCenter, type Monitor, ToolscopeError } from '@toolscope/instrumentation';
import { afterAll, expect, it } from 'vitest';
import { HealthMonitor, ProbeConfigError } from '../src/index.ts';

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
  // Misuse the caller can fix: one of toolscope's errors, not a plain Error.
  expect(() => monitor.start()).toThrow(ToolscopeError);
});

it('runCheck of an id the monitor does not have rejects with a ProbeConfigError naming it', async () => {
  const monitor = new HealthMonitor({ alertCenter: center, checks });
  try {
    const err = await monitor.runCheck('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeConfigError);
    expect((err as Error).message).toBe(
      'field "id": names no check of this monitor (got "nope"); add it with addCheck() first, or use the id of a check it has',
    );
  } finally {
    await monitor.close();
  }
});
