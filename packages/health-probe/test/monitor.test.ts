import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import {
  AlertCenter,
  type AlertEvent,
  DURATION_BUCKETS_SECONDS,
  getToolHealth,
} from '@toolscope/instrumentation';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { histogramCount, points, setupTestOtel } from '../../../test/support/otel.ts';
import { type CheckDefinition, HealthMonitor } from '../src/index.ts';
import { startHttpServer, type TestServer, waitFor } from './support/servers.ts';

const otel = setupTestOtel();
const centers: AlertCenter[] = [];
let server: TestServer;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/ok') return void res.end('ok');
    if (req.url === '/500') {
      res.statusCode = 500;
      return void res.end();
    }
    if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('ok'), 100);
    res.statusCode = 404;
    res.end();
  });
});
beforeEach(() => otel.reset());
afterAll(async () => {
  await server.close();
  for (const c of centers) c.dispose();
  await otel.shutdown();
});

function setup(
  checks: CheckDefinition[],
  extra: Partial<ConstructorParameters<typeof HealthMonitor>[0]> = {},
) {
  const alertCenter = new AlertCenter();
  centers.push(alertCenter);
  const events: AlertEvent[] = [];
  alertCenter.subscribe((e) => {
    events.push(e);
  });
  return { monitor: new HealthMonitor({ alertCenter, checks, ...extra }), alertCenter, events };
}

const http = (id: string, path: string, extra: Partial<CheckDefinition> = {}): CheckDefinition =>
  ({
    id,
    type: 'http',
    endpoint: `${server.url}${path}`,
    intervalMs: 60_000,
    timeoutMs: 2_000,
    ...extra,
  }) as CheckDefinition;

describe('metrics and spans carry the contract names', () => {
  it('records the status state set, duration histogram, consecutive failures and the CLIENT span', async () => {
    const { monitor } = setup([
      http('m-good', '/ok', { headers: { authorization: 'Bearer s3cret-token' } }),
      http('m-bad', '/500', { failureThreshold: 2 }),
    ]);
    try {
      await monitor.runOnce();
      const status = points(await otel.metric('toolscope.health.status'));
      const forGood = status.filter((p) => p.attributes['toolscope.health.check.id'] === 'm-good');
      expect(forGood).toHaveLength(5);
      expect(
        Object.fromEntries(forGood.map((p) => [p.attributes['toolscope.health.state'], p.value])),
      ).toEqual({ healthy: 1, degraded: 0, unhealthy: 0, unknown: 0, maintenance: 0 });
      const bad = status.find(
        (p) => p.attributes['toolscope.health.check.id'] === 'm-bad' && p.value === 1,
      );
      expect(bad?.attributes['toolscope.health.state']).toBe('degraded');

      const duration = await otel.metric('toolscope.health.check.duration');
      expect(duration?.descriptor.unit).toBe('s');
      expect(
        histogramCount(
          duration,
          (a) => a['toolscope.health.check.id'] === 'm-good' && a['error.type'] === undefined,
        ),
      ).toBe(1);
      expect(
        histogramCount(
          duration,
          (a) =>
            a['toolscope.health.check.id'] === 'm-bad' &&
            a['error.type'] === 'unexpected_status' &&
            a['toolscope.health.check.type'] === 'http',
        ),
      ).toBe(1);
      const dp = duration!.dataPoints[0]!.value as { buckets: { boundaries: number[] } };
      expect(dp.buckets.boundaries).toEqual([...DURATION_BUCKETS_SECONDS]);

      const failures = points(await otel.metric('toolscope.health.consecutive_failures'));
      // Every health metric names the tool its check reports for (the id when not set).
      expect(failures).toContainEqual({
        attributes: { 'toolscope.health.check.id': 'm-bad', 'gen_ai.tool.name': 'm-bad' },
        value: 1,
      });
      expect(failures).toContainEqual({
        attributes: { 'toolscope.health.check.id': 'm-good', 'gen_ai.tool.name': 'm-good' },
        value: 0,
      });
      expect(forGood.every((p) => p.attributes['gen_ai.tool.name'] === 'm-good')).toBe(true);

      const span = otel.spans().find((s) => s.name === 'health_check m-good')!;
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toMatchObject({
        'toolscope.health.check.id': 'm-good',
        'toolscope.health.check.type': 'http',
        'toolscope.health.state': 'healthy',
        'http.response.status_code': 200,
      });
      expect(JSON.stringify(span.attributes)).not.toContain('s3cret');
      const failed = otel.spans().find((s) => s.name === 'health_check m-bad')!;
      expect(failed.status.code).toBe(2);
      expect(failed.attributes['error.type']).toBe('unexpected_status');
      expect(failed.events.map((e) => e.name)).toContain('exception');
    } finally {
      await monitor.close();
    }
  });
});

describe('maintenance windows', () => {
  it('hold alerts while checks still run and record; alerts reconcile after the window', async () => {
    const { monitor, events, alertCenter } = setup(
      [http('maint', '/500', { failureThreshold: 1, tool: 'maint-tool' })],
      {
        maintenance: [
          { checks: ['maint'], start: Date.now() - 1_000, end: Date.now() + 3_600_000 },
        ],
      },
    );
    try {
      for (let i = 0; i < 3; i++) await monitor.runCheck('maint');
      const s = monitor.status('maint')!;
      expect(s).toMatchObject({
        status: 'maintenance',
        underlying: 'unhealthy',
        consecutiveFailures: 3,
      });
      expect(events).toEqual([]);
      expect(alertCenter.active()).toEqual([]);
      expect(getToolHealth('maint-tool')?.state).toBe('maintenance');
      expect(
        otel
          .spans()
          .flatMap((sp) => sp.events)
          .filter((e) => e.name.startsWith('toolscope.alert')),
      ).toEqual([]);
      const state = points(await otel.metric('toolscope.health.status')).find(
        (p) => p.attributes['toolscope.health.check.id'] === 'maint' && p.value === 1,
      );
      expect(state?.attributes['toolscope.health.state']).toBe('maintenance');
      expect(
        histogramCount(
          await otel.metric('toolscope.health.check.duration'),
          (a) => a['toolscope.health.check.id'] === 'maint',
        ),
      ).toBe(3);

      monitor.setMaintenance([]);
      expect(monitor.status('maint')!.status).toBe('unhealthy');
      await monitor.runCheck('maint');
      expect(events.map((e) => [e.type, e.alert.severity])).toEqual([['fired', 'error']]);
    } finally {
      await monitor.close();
    }
  });

  it('recurring windows: every weekday at HH:MM UTC for a duration', async () => {
    let now = Date.parse('2026-08-02T02:10:00Z'); // a Sunday
    const { monitor } = setup([http('rec', '/ok')], {
      now: () => now,
      maintenance: [{ every: ['sunday'], at: '02:00', durationMs: 30 * 60_000 }],
    });
    try {
      expect(monitor.status('rec')!.status).toBe('maintenance');
      now = Date.parse('2026-08-02T02:31:00Z');
      expect(monitor.status('rec')!.status).toBe('unknown');
      now = Date.parse('2026-08-03T02:10:00Z'); // Monday
      expect(monitor.status('rec')!.status).toBe('unknown');
    } finally {
      await monitor.close();
    }
  });
});

describe('scheduler', () => {
  it('never runs more checks at once than the cap', async () => {
    await waitFor(() => server.load.current === 0, 5_000, 'an idle server');
    server.load.peak = 0;
    const checks = Array.from({ length: 12 }, (_, i) =>
      http(`cap-${i}`, `/slow?${i}`, { jitterMs: 1 }),
    );
    const { monitor } = setup(checks, { concurrency: 3 });
    const done = new Set<string>();
    monitor.onResult((r) => done.add(r.id));
    try {
      monitor.start();
      await waitFor(() => done.size === 12, 15_000, 'every check ran');
      expect(server.load.peak).toBe(3); // reached, never exceeded
      expect(monitor.stats()).toMatchObject({ peak: 3, limit: 3 });
    } finally {
      await monitor.close();
    }
  });

  it('never runs the same check twice at once; stop() waits for runs in flight', async () => {
    const { monitor } = setup([http('once', '/slow-once', { jitterMs: 1 })]);
    try {
      const total = server.load.total;
      const [a, b] = [monitor.runCheck('once'), monitor.runCheck('once')];
      expect(a).toBe(b);
      await a;
      expect(server.load.total).toBe(total + 1);

      monitor.start();
      await waitFor(() => server.load.current === 1, 5_000, 'the scheduled run to start');
      await monitor.stop();
      expect(server.load.current).toBe(0);
      expect(monitor.status('once')!.lastResult?.ok).toBe(true);
      expect(server.load.total).toBe(total + 2);
    } finally {
      await monitor.close();
    }
  });

  it('reschedules each check every interval', async () => {
    const { monitor } = setup([
      http('tick', '/ok', { intervalMs: 100, timeoutMs: 100, jitterMs: 5 }),
    ]);
    let runs = 0;
    monitor.onResult(() => runs++);
    try {
      monitor.start();
      await waitFor(() => runs >= 4, 5_000, 'four runs');
    } finally {
      await monitor.close();
    }
  });

  it('timers never keep the process alive', async () => {
    const script = fileURLToPath(new URL('./fixtures/unref-monitor.ts', import.meta.url));
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--conditions=toolscope-source', script, `${server.url}/ok`],
        { timeout: 20_000 },
        (err) => resolve(err === null ? 0 : ((err as { code?: number }).code ?? null)),
      );
      child.stdin?.end();
    });
    expect(code).toBe(0);
  });
});
