import { AlertCenter } from '@toolscope/instrumentation';
import { afterAll, expect, it } from 'vitest';
import { HealthMonitor } from '../src/index.ts';
import { startHttpServer, waitFor } from './support/servers.ts';

const alertCenter = new AlertCenter();
afterAll(() => alertCenter.dispose());

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/**
 * The most any kind of resource (timers, sockets, handles) may grow over the 10,000 runs. The
 * process is shared (the test runner's own timers and sockets come and go, more so on a loaded
 * machine), so counts are not compared exactly: a leak of one per run would be 10,000, far above
 * this bound, and a resource that went away is never a leak.
 */
const GROWTH_BOUND = 20;

function expectNoGrowth(before: Record<string, number>, after: Record<string, number>): void {
  for (const kind of new Set([...Object.keys(before), ...Object.keys(after)])) {
    expect((after[kind] ?? 0) - (before[kind] ?? 0), kind).toBeLessThanOrEqual(GROWTH_BOUND);
  }
}

it('10,000 probes leave no growth in open sockets, timers or handles', async () => {
  const baselineSockets = resources().TCPSocketWrap ?? 0;
  // A keep-alive server; every 10th answer is a 500 whose body must be drained.
  let n = 0;
  const server = await startHttpServer((_req, res) => {
    n++;
    if (n % 10 === 0) {
      res.statusCode = 500;
      res.end('x'.repeat(2048));
    } else res.end('{"status":"UP"}');
  });
  const monitor = new HealthMonitor({
    alertCenter,
    publishToolHealth: false,
    checks: [
      {
        id: 'leak',
        type: 'http',
        endpoint: `${server.url}/health`,
        intervalMs: 60_000,
        timeoutMs: 5_000,
        body: { contains: 'UP' },
      },
    ],
  });
  try {
    for (let i = 0; i < 100; i++) await monitor.runCheck('leak'); // warm up the pool
    // Timers of others, as on a loaded machine: one that existed before ends during the runs
    // (the exact comparison this test made failed so), three others start during them.
    const ending = setTimeout(() => {}, 1);
    const starting: NodeJS.Timeout[] = [];
    const before = resources();
    const connectionsBefore = await new Promise<number>((r) =>
      server.server.getConnections((_e, c) => r(c)),
    );
    let failures = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = await monitor.runCheck('leak');
      if (!r.ok) failures++;
      if (i % 2_500 === 0 && i > 0) starting.push(setTimeout(() => {}, 60_000));
    }
    const after = resources();
    const connectionsAfter = await new Promise<number>((r) =>
      server.server.getConnections((_e, c) => r(c)),
    );
    clearTimeout(ending);
    for (const t of starting) clearTimeout(t);
    expect(failures).toBe(1_000); // the probes really ran and read the bodies
    expectNoGrowth(before, after);
    // The server's own connections are the test's: the keep-alive pool did not grow.
    expect(connectionsAfter - connectionsBefore).toBeLessThanOrEqual(2);
  } finally {
    await monitor.close();
    await server.close();
  }
  // Closing the monitor (and the server) closes every connection.
  await waitFor(
    () => (resources().TCPSocketWrap ?? 0) === baselineSockets,
    5_000,
    'sockets closed',
  );
}, 60_000);
