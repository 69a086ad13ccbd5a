import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  AlertCenter,
  type AlertEvent,
  configureInstrumentation,
  InvocationStore,
  type Monitor,
  resetInstrumentation,
  ToolscopeError,
  traceTool,
  trackToolInvocation,
  trackWorkflowExecution,
  withTool,
} from '@toolscope/instrumentation';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag } from '../../../test/support/diag.ts';
import { setupTestOtel } from '../../../test/support/otel.ts';
import { ObjectiveMonitor, type ObjectivesConfig, ToolscopeConfigError } from '../src/index.ts';

const otel = setupTestOtel();
afterAll(() => otel.shutdown());

const T0 = 1_700_000_000_000; // a multiple of the 10 s slot
let now = T0;
const clock = (): number => now;
let store: InvocationStore;
let center: AlertCenter;
let events: AlertEvent[];

beforeEach(() => {
  otel.reset();
  now = T0;
  store = new InvocationStore({ now: clock }).attach();
  center = new AlertCenter({ now: clock });
  events = [];
  center.subscribe((e) => {
    events.push(e);
  });
});
afterEach(() => {
  store.close();
  center.dispose();
});

function monitor(objectives: ObjectivesConfig): ObjectiveMonitor {
  return new ObjectiveMonitor({ objectives, store, alertCenter: center, now: clock });
}

function call(
  tool: string,
  ms: number,
  extra: { success?: boolean; retryCount?: number; fallbackFor?: string } = {},
): void {
  now += 1;
  trackToolInvocation({
    tool,
    responseTimeMs: ms,
    success: extra.success ?? true,
    endTime: now,
    ...(extra.retryCount !== undefined ? { retryCount: extra.retryCount } : {}),
    ...(extra.fallbackFor !== undefined ? { fallbackFor: extra.fallbackFor } : {}),
  });
}

const fired = (): AlertEvent[] => events.filter((e) => e.type === 'fired');

describe('latency objective', () => {
  const objectives: ObjectivesConfig = {
    evaluationInterval: '10s',
    tools: { search: { latency: 'p95 <= 800ms', window: '1m', minCalls: 20 } },
  };

  it('does not judge before minCalls, then fires WARNING once p95 crosses the bound', () => {
    const m = monitor(objectives);
    for (let i = 0; i < 19; i++) call('search', 1000);
    const early = m.evaluate();
    expect(early).toHaveLength(1);
    expect(early[0]!.status).toBe('insufficient_data');
    expect(early[0]!.calls).toBe(19);
    expect(events).toEqual([]);

    call('search', 1000);
    const [check] = m.evaluate();
    expect(check!.status).toBe('breached');
    expect(check!.value).toBeGreaterThan(990);
    expect(fired()).toHaveLength(1);
    const alert = fired()[0]!.alert;
    expect(alert).toMatchObject({
      key: 'latency_threshold:tool:search',
      kind: 'latency_threshold',
      severity: 'warning',
      subject: 'search',
      status: 'firing',
    });
    expect(alert.message).toContain('p95 latency of tool search');
    expect(check!.alert?.id).toBe(alert.id);

    const span = otel.spans().find((s) => s.name === 'objective_check search');
    expect(span).toBeDefined();
    expect(span!.attributes['gen_ai.tool.name']).toBe('search');
    const event = span!.events.find((e) => e.name === 'toolscope.alert.fired');
    expect(event?.attributes).toMatchObject({
      'toolscope.alert.id': alert.id,
      'toolscope.alert.severity': 'warning',
      'toolscope.alert.kind': 'latency_threshold',
    });
  });

  it('fires on the first evaluation where p95 exceeds the bound, not before', () => {
    const m = monitor(objectives);
    for (let i = 0; i < 40; i++) call('search', 500);
    let firstBreach: number | undefined;
    for (let k = 0; k < 10; k++) {
      call('search', 1000);
      const [check] = m.evaluate();
      const over = check!.value > 800;
      if (over && firstBreach === undefined) firstBreach = k;
      expect(check!.status).toBe(over ? 'breached' : 'ok');
      expect(fired()).toHaveLength(firstBreach === undefined ? 0 : 1);
    }
    expect(firstBreach).toBeDefined();
    expect(firstBreach).toBeGreaterThan(0);
  });

  it('resolves with an INFO recovery when the window clears', () => {
    const m = monitor(objectives);
    for (let i = 0; i < 25; i++) call('search', 1000);
    m.evaluate();
    const id = fired()[0]!.alert.id;
    otel.reset();

    now += 30_000; // still inside the window: stays open, nothing new
    m.evaluate();
    expect(events.map((e) => e.type)).toEqual(['fired']);

    now += 60_000 + 10_000; // window plus one slot later: no calls left
    const [check] = m.evaluate();
    expect(check!.status).toBe('insufficient_data');
    expect(events.map((e) => e.type)).toEqual(['fired', 'resolved', 'recovered']);
    const recovered = events[2]!.alert;
    expect(recovered).toMatchObject({ id, severity: 'info', kind: 'latency_threshold' });
    expect(center.active()).toEqual([]);
    expect(m.active()).toEqual([]);
    const span = otel.spans().find((s) => s.name === 'objective_check search');
    const event = span?.events.find((e) => e.name === 'toolscope.alert.resolved');
    expect(event?.attributes).toMatchObject({
      'toolscope.alert.id': id,
      'toolscope.alert.severity': 'info',
    });
  });

  it('resolves once the value is back below bound × (1 − hysteresis)', () => {
    const m = monitor({
      ...objectives,
      tools: { search: { latency: 'p95 <= 800ms', window: '1m', minCalls: 20 } },
    });
    for (let i = 0; i < 25; i++) call('search', 1000);
    m.evaluate();
    now += 70_000;
    for (let i = 0; i < 25; i++) call('search', 760); // under the bound, above 720: holding
    expect(m.evaluate()[0]!.status).toBe('holding');
    expect(events.map((e) => e.type)).toEqual(['fired']);
    now += 70_000;
    for (let i = 0; i < 25; i++) call('search', 700);
    expect(m.evaluate()[0]!.status).toBe('ok');
    expect(events.map((e) => e.type)).toEqual(['fired', 'resolved', 'recovered']);
  });

  it('does not flap when p95 oscillates around the bound', () => {
    const run = (hysteresis: number): { fired: number; resolved: number } => {
      const alerts = new AlertCenter({ now: clock });
      const seen: AlertEvent[] = [];
      alerts.subscribe((e) => {
        seen.push(e);
      });
      store.clear();
      const m = new ObjectiveMonitor({
        store,
        alertCenter: alerts,
        now: clock,
        objectives: {
          evaluationInterval: '10s',
          hysteresis,
          errorAfterEvaluations: 1000,
          tools: { search: { latency: 'p95 <= 800ms', window: '10s', minCalls: 20 } },
        },
      });
      const start = Math.ceil(now / 10_000) * 10_000;
      for (let slot = 0; slot < 60; slot++) {
        now = start + slot * 10_000;
        const ms = slot % 2 === 0 ? 824 : 776; // ±3% around the bound, one slot each
        for (let i = 0; i < 30; i++) call('search', ms);
        now = start + slot * 10_000 + 9_999;
        m.evaluate();
      }
      alerts.dispose();
      return {
        fired: seen.filter((e) => e.type === 'fired').length,
        resolved: seen.filter((e) => e.type === 'resolved').length,
      };
    };
    expect(run(0.1)).toEqual({ fired: 1, resolved: 0 });
    // Control: without hysteresis the same values flap on every other evaluation.
    expect(run(0)).toEqual({ fired: 30, resolved: 30 });
  });

  it('is ERROR when breached by errorFactor × the bound', () => {
    const m = monitor(objectives);
    for (let i = 0; i < 20; i++) call('search', 1300);
    m.evaluate();
    expect(fired()[0]!.alert.severity).toBe('error');
  });

  it('escalates to ERROR with the same id after errorAfterEvaluations, never back down', () => {
    const m = monitor({ ...objectives, errorAfterEvaluations: 3 });
    for (let i = 0; i < 20; i++) call('search', 900);
    m.evaluate();
    m.evaluate();
    expect(fired().map((e) => e.alert.severity)).toEqual(['warning']);
    m.evaluate();
    expect(fired().map((e) => e.alert.severity)).toEqual(['warning', 'error']);
    expect(fired()[1]!.alert.id).toBe(fired()[0]!.alert.id);
    expect(fired()[1]!.alert.message).toContain('open for 3 evaluations');
    m.evaluate();
    expect(fired()).toHaveLength(2);
    expect(center.active().map((a) => a.severity)).toEqual(['error']);
  });
});

describe('success, retry and fallback objectives', () => {
  it('is CRITICAL when the success rate collapses', () => {
    const m = monitor({ tools: { pay: { minSuccessRate: 0.99 } } });
    for (let i = 0; i < 30; i++) call('pay', 50, { success: i % 3 === 0 });
    const [check] = m.evaluate();
    expect(check!.kind).toBe('error_rate_threshold');
    expect(check!.value).toBeCloseTo(10 / 30, 6);
    expect(fired()).toHaveLength(1);
    expect(fired()[0]!.alert).toMatchObject({
      kind: 'error_rate_threshold',
      severity: 'critical',
      subject: 'pay',
    });
  });

  it('grades success-rate breaches: WARNING, ERROR at 1.5× the budget, CRITICAL under the floor', () => {
    const m = monitor({
      tools: {
        a: { minSuccessRate: 0.9 }, // 89% → error rate 11% < 15%: warning
        b: { minSuccessRate: 0.99 }, // 97.5% → 2.5% >= 1.5%: error
        c: { minSuccessRate: 0.99, criticalSuccessRate: 0.8 }, // 75%: critical
        d: { minSuccessRate: 0.99 }, // exactly 99%: not breached
      },
    });
    for (let i = 0; i < 200; i++) call('a', 10, { success: i >= 22 });
    for (let i = 0; i < 200; i++) call('b', 10, { success: i >= 5 });
    for (let i = 0; i < 200; i++) call('c', 10, { success: i >= 50 });
    for (let i = 0; i < 200; i++) call('d', 10, { success: i >= 2 });
    m.evaluate();
    const bySubject = Object.fromEntries(fired().map((e) => [e.alert.subject, e.alert.severity]));
    expect(bySubject).toEqual({ a: 'warning', b: 'error', c: 'critical' });
  });

  it('alerts on retry and fallback rates', () => {
    const m = monitor({ tools: { '*': { maxRetryRate: 0.2, maxFallbackRate: 0.1 } } });
    for (let i = 0; i < 20; i++) call('fetch', 10, { retryCount: i % 2 }); // 0.5 retries per call
    for (let i = 0; i < 20; i++) call('search', 10, { success: i >= 5 });
    for (let i = 0; i < 5; i++) call('backup', 10, { fallbackFor: 'search' }); // 25% of search
    const checks = m.evaluate();
    expect(
      checks.find((c) => c.subject === 'search' && c.kind === 'fallback_rate_threshold')?.value,
    ).toBe(0.25);
    expect(
      fired()
        .map((e) => [e.alert.subject, e.alert.kind])
        .sort(),
    ).toEqual([
      ['fetch', 'retry_rate_threshold'],
      ['search', 'fallback_rate_threshold'],
    ]);
  });
});

describe('workflows', () => {
  it('judges workflow latency and success from the same store', () => {
    const m = monitor({
      workflows: { 'plan_*': { latency: 'p99 <= 5s', minSuccessRate: 0.95, minCalls: 10 } },
    });
    for (let i = 0; i < 12; i++) {
      now += 1;
      trackWorkflowExecution({
        workflowId: 'plan_trip',
        executionTimeMs: 8000,
        success: i % 3 === 0,
        endTime: now,
      });
    }
    m.evaluate();
    expect(
      fired()
        .map((e) => [e.alert.kind, e.alert.severity, e.alert.key])
        .sort(),
    ).toEqual([
      ['error_rate_threshold', 'critical', 'error_rate_threshold:workflow:plan_trip'],
      ['latency_threshold', 'error', 'latency_threshold:workflow:plan_trip'],
    ]);
    const span = otel.spans().find((s) => s.name === 'objective_check plan_trip');
    expect(span?.attributes['gen_ai.workflow.name']).toBe('plan_trip');
  });
});

describe('wiring with wrapped tools', () => {
  it('sees failures and retries of real traceTool / withTool calls', async () => {
    const live = new InvocationStore().attach();
    try {
      const m = new ObjectiveMonitor({
        objectives: { tools: { 'flaky_*': { minSuccessRate: 0.9, maxRetryRate: 0.5 } } },
        store: live,
        alertCenter: center,
      });
      const flaky = traceTool(
        (n: number) => {
          if (n % 3 !== 0) throw new TypeError('boom');
          return n;
        },
        { name: 'flaky_api' },
      );
      for (let i = 0; i < 30; i++) {
        try {
          flaky(i);
        } catch {}
      }
      for (let i = 0; i < 20; i++) {
        await withTool({ name: 'flaky_db' }, async (inv) => {
          inv.recordRetry('ETIMEDOUT');
          return 'ok';
        });
      }
      m.evaluate();
      expect(
        fired()
          .map((e) => [e.alert.subject, e.alert.kind, e.alert.severity])
          .sort(),
      ).toEqual([
        ['flaky_api', 'error_rate_threshold', 'critical'],
        ['flaky_db', 'retry_rate_threshold', 'error'],
      ]);
      expect(m.active('flaky_api').map((a) => a.kind)).toEqual(['error_rate_threshold']);
    } finally {
      live.close();
    }
  });
});

describe('timer', () => {
  it('evaluates on an unref-ed timer until stopped', async () => {
    const live = new InvocationStore().attach();
    const m = new ObjectiveMonitor({
      objectives: {
        evaluationInterval: 20,
        tools: { slow: { latency: 'p50 <= 10ms', window: '1s', minCalls: 1 } },
      },
      store: live,
      alertCenter: center,
    });
    try {
      m.start();
      expect(m.running).toBe(true);
      trackToolInvocation({ tool: 'slow', responseTimeMs: 500, success: true });
      const deadline = Date.now() + 5000;
      while (fired().length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(fired().map((e) => e.alert.subject)).toEqual(['slow']);
    } finally {
      await m.stop();
      live.close();
    }
    expect(m.running).toBe(false);
  });

  it('sees new calls again after stop() then start() with the store it made itself', async () => {
    const m = new ObjectiveMonitor({
      objectives: {
        evaluationInterval: '1m',
        tools: { slow: { latency: 'p50 <= 10ms', window: '1m', minCalls: 1 } },
      },
      alertCenter: center,
      now: clock,
    });
    try {
      m.start();
      await m.stop();
      m.start();
      expect(m.running).toBe(true);
      call('slow', 500);
      const [check] = m.evaluate();
      expect(check?.status).toBe('breached');
      expect(check?.calls).toBe(1);
      expect(fired().map((e) => e.alert.subject)).toEqual(['slow']);
    } finally {
      await m.stop();
    }
  });

  it('keeps running when an evaluation throws', async () => {
    let calls = 0;
    class BrokenStore extends InvocationStore {
      override tools(): never {
        calls++;
        throw new Error('store broke');
      }
    }
    const m = new ObjectiveMonitor({
      objectives: { evaluationInterval: 10, tools: { x: { latency: 'p95 <= 1s', window: '1s' } } },
      store: new BrokenStore(),
      alertCenter: center,
    });
    m.start();
    const deadline = Date.now() + 5000;
    while (calls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await m.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});

describe('set-up', () => {
  it('rejects a store that keeps less than the longest window', () => {
    const short = new InvocationStore({ slotSeconds: 10, retentionSeconds: 60 });
    expect(
      () =>
        new ObjectiveMonitor({
          objectives: { tools: { a: { latency: 'p95 <= 1s', window: '5m' } } },
          store: short,
        }),
    ).toThrow(ToolscopeConfigError);
  });

  it('checks patterns against knownTools', () => {
    expect(
      () =>
        new ObjectiveMonitor({
          objectives: { tools: { 'serch_*': { latency: 'p95 <= 1s' } } },
          knownTools: ['search_web', 'fetch'],
          store,
        }),
    ).toThrow(/tools\["serch_\*"\]: matches none of the known tools \(search_web, fetch\)/);
  });
});

describe('lifecycle and options (the ones of every toolscope monitor)', () => {
  it('start returns the monitor; stop and close resolve; close is final and idempotent', async () => {
    const m: Monitor = monitor({ tools: { a: { latency: 'p95 <= 1s' } } });
    expect(m.start()).toBe(m);
    await m.stop();
    expect(m.start()).toBe(m);
    await Promise.all([m.close(), m.close()]);
    expect((m as ObjectiveMonitor).running).toBe(false);
    expect(() => m.start()).toThrow(/closed; create a new one/);
    expect(() => m.start()).toThrow(ToolscopeError);
  });

  it('still takes the old option name alerts, with one warning', () => {
    const diag = captureDiag();
    try {
      const a = new ObjectiveMonitor({ objectives: {}, store, alerts: center });
      const b = new ObjectiveMonitor({ objectives: {}, store, alerts: center });
      expect(a.alertCenter).toBe(center);
      expect(b.alerts).toBe(center);
      expect(diag.messages.filter((m) => m.includes('deprecated'))).toEqual([
        'warn @toolscope/objectives ObjectiveMonitor: the option "alerts" is deprecated; use "alertCenter" (same value)',
      ]);
      expect(
        () =>
          new ObjectiveMonitor({
            objectives: {},
            store,
            alerts: center,
            alertCenter: new AlertCenter(),
          }),
      ).toThrow('alerts: and alertCenter are both given; keep alertCenter');
    } finally {
      diag.restore();
    }
  });

  it('records its spans on the process-wide tracer provider when given none', async () => {
    const exporter = new InMemorySpanExporter();
    const own = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    configureInstrumentation({ tracerProvider: own });
    try {
      const m = monitor({ tools: { pw: { latency: 'p50 <= 10ms', minCalls: 1 } } });
      call('pw', 500);
      m.evaluate();
      const names = (spans: { name: string }[]) =>
        spans.map((s) => s.name).filter((n) => n.startsWith('objective_check'));
      expect(names(exporter.getFinishedSpans())).toEqual(['objective_check pw']);
      expect(names(otel.spans())).toEqual([]);
    } finally {
      resetInstrumentation();
      await own.shutdown();
    }
  });
});
