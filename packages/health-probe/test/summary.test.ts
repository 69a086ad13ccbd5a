import { AlertCenter } from '@toolscope/instrumentation';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyError } from '../src/classify.ts';
import { HealthMonitor } from '../src/index.ts';
import { INITIAL_STATE, type MachineState, nextState } from '../src/state-machine.ts';
import { checkScore, trend } from '../src/summary.ts';
import { startHttpServer } from './support/servers.ts';

describe('state machine', () => {
  it('follows the documented sequence', () => {
    const t = { failureThreshold: 3, recoveryThreshold: 2, degradedThresholdMs: 100 };
    let s: MachineState = INITIAL_STATE;
    const seen: string[] = [s.state];
    for (const [ok, latencyMs] of [
      [true, 10],
      [false, 0],
      [false, 0],
      [false, 0],
      [true, 10],
      [true, 10],
      [true, 500],
      [true, 10],
    ] as const) {
      s = nextState(s, { ok, latencyMs }, t);
      seen.push(s.state);
    }
    expect(seen).toEqual([
      'unknown',
      'healthy',
      'degraded',
      'degraded',
      'unhealthy',
      'unhealthy',
      'healthy',
      'degraded',
      'healthy',
    ]);
  });
});

describe('classifier', () => {
  it('maps DNS, TLS and wrapped socket codes to classes', () => {
    const err = (code: string) => Object.assign(new Error('x'), { code });
    expect(classifyError(err('ENOTFOUND')).errorType).toBe('dns');
    expect(classifyError(err('EAI_AGAIN')).errorType).toBe('dns');
    expect(classifyError(err('DEPTH_ZERO_SELF_SIGNED_CERT')).errorType).toBe('tls');
    expect(classifyError(err('ERR_TLS_CERT_ALTNAME_INVALID')).errorType).toBe('tls');
    expect(
      classifyError(new TypeError('fetch failed', { cause: err('ECONNREFUSED') })).errorType,
    ).toBe('connection_refused');
    expect(classifyError(err('EWHATEVER')).errorType).toBe('EWHATEVER');
  });
});

describe('trend', () => {
  const at = (min: number, ok: boolean, latencyMs: number) => ({
    timestampMs: min * 60_000,
    ok,
    latencyMs,
  });
  it('signals rising latency before the degraded threshold is crossed', () => {
    const runs = [at(0, true, 100), at(1, true, 120), at(2, true, 140), at(3, true, 160)];
    const t = trend(runs, 0, 3 * 60_000, 220); // projected 160 + 20 × 3 = 220 within one more window
    expect(t.signal).toBe('latency_rising');
    expect(t.latencySlopeMsPerMin).toBeCloseTo(20, 6);
    expect(trend(runs, 0, 3 * 60_000, 10_000).signal).toBe('stable'); // far from the threshold
  });
  it('signals a rising failure rate', () => {
    const runs = [
      at(0, true, 10),
      at(1, true, 10),
      at(2, true, 10),
      at(3, false, 0),
      at(4, true, 10),
      at(5, false, 0),
    ];
    const t = trend(runs, 0, 5 * 60_000, undefined);
    expect(t).toMatchObject({
      signal: 'failures_rising',
      previousFailureRate: 0,
      recentFailureRate: 2 / 3,
    });
  });
  it('needs four runs', () => {
    expect(trend([at(0, true, 1)], 0, 60_000, undefined).signal).toBe('insufficient_data');
  });
});

describe('summary', () => {
  const center = new AlertCenter();
  afterAll(() => center.dispose());
  it('reports availability, the documented score and the overall status', async () => {
    let fail = false;
    const server = await startHttpServer((req, res) => {
      if (req.url === '/flaky' && fail) res.statusCode = 500;
      res.end('ok');
    });
    const monitor = new HealthMonitor({
      alertCenter: center,
      publishToolHealth: false,
      checks: [
        { id: 'flaky', type: 'http', endpoint: `${server.url}/flaky` },
        { id: 'solid', type: 'http', endpoint: `${server.url}/solid` },
        { id: 'never', type: 'http', endpoint: `${server.url}/never` },
      ],
    });
    try {
      for (let i = 0; i < 3; i++) {
        await monitor.runCheck('flaky');
        await monitor.runCheck('solid');
      }
      fail = true;
      await monitor.runCheck('flaky');
      const s = monitor.summary({ windowMs: 60_000 });
      const flaky = s.checks.find((c) => c.id === 'flaky')!;
      expect(flaky).toMatchObject({ status: 'degraded', availability: 0.75, runs: 4, score: 62.5 });
      expect(flaky.lastResult?.errorType).toBe('unexpected_status');
      expect(flaky.trend.signal).toBe('failures_rising');
      expect(checkScore('healthy', 1)).toBe(100);
      expect(s.checks.find((c) => c.id === 'never')).toMatchObject({
        status: 'unknown',
        score: undefined,
        runs: 0,
      });
      expect(s).toMatchObject({
        status: 'degraded',
        score: 81.3,
        counts: { healthy: 1, degraded: 1, unknown: 1, unhealthy: 0, maintenance: 0 },
      });
    } finally {
      await monitor.close();
      await server.close();
    }
  });
});
