import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DURATION_BUCKETS_SECONDS, PAYLOAD_BUCKETS_BYTES } from '@toolscope/instrumentation';
import { OBJECTIVE_ALERT_NAMES } from '@toolscope/instrumentation/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/build-report.ts';
import {
  EmptyWindowError,
  NoToolscopeMetricsError,
  PrometheusQueryError,
  PrometheusUnreachableError,
  ReportConfigError,
} from '../../src/errors.ts';
import { renderHtml } from '../../src/render/html.ts';
import { renderJson } from '../../src/render/json.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { renderText } from '../../src/render/text.ts';
import { PrometheusSource } from '../../src/sources/prometheus.ts';
import {
  FakePrometheus,
  histogramSeries,
  nativeSeries,
  type RawSeries,
} from '../helpers/fake-prometheus.ts';
import { exactQuantile, lognormal, seeded } from '../helpers/random.ts';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const WINDOW = { fromMs: NOW - 15 * 60_000, toMs: NOW };
const TOOL = 'gen_ai_execute_tool_duration_seconds';

let fake: FakePrometheus | undefined;
let source: PrometheusSource | undefined;
afterEach(async () => {
  await source?.close();
  await fake?.stop();
  source = undefined;
  fake = undefined;
});

/** Durations of `search` split over two instances, per error type. */
function toolData(sigma: number, seed: number) {
  const rand = seeded(seed);
  const ok = lognormal(rand, 0.2, sigma, 19_000);
  const timeouts = lognormal(rand, 0.2, sigma, 600);
  const unavailable = lognormal(rand, 0.2, sigma, 400);
  const series: RawSeries[] = [];
  const split = (values: number[], labels: Record<string, string>) => {
    for (const instance of ['a', 'b']) {
      const part = values.filter((_, i) => (i % 2 === 0) === (instance === 'a'));
      series.push(
        ...histogramSeries(
          TOOL,
          { ...labels, instance, job: 'svc' },
          DURATION_BUCKETS_SECONDS,
          part,
        ),
      );
    }
  };
  const base = { gen_ai_tool_name: 'search', gen_ai_tool_type: 'function' };
  split(ok, base);
  split(timeouts, { ...base, error_type: 'Timeout' });
  split(unavailable, { ...base, error_type: 'HTTP_503' });
  return { series, all: [...ok, ...timeouts, ...unavailable].sort((a, b) => a - b) };
}

function extraSeries(): RawSeries[] {
  const payload = 'toolscope_tool_payload_size_bytes';
  return [
    {
      labels: {
        __name__: 'toolscope_tool_retries_total',
        gen_ai_tool_name: 'search',
        instance: 'a',
      },
      value: 70,
    },
    {
      labels: {
        __name__: 'toolscope_tool_retries_total',
        gen_ai_tool_name: 'search',
        instance: 'b',
      },
      value: 50,
    },
    {
      labels: {
        __name__: 'toolscope_tool_fallbacks_total',
        gen_ai_tool_name: 'cache',
        toolscope_tool_fallback_for: 'search',
      },
      value: 30,
    },
    ...histogramSeries(
      payload,
      { gen_ai_tool_name: 'search', toolscope_payload_direction: 'input' },
      PAYLOAD_BUCKETS_BYTES,
      Array.from({ length: 100 }, () => 100),
    ),
    ...histogramSeries(
      'gen_ai_execute_tool_duration_seconds',
      { gen_ai_tool_name: 'cache', gen_ai_tool_type: 'datastore' },
      DURATION_BUCKETS_SECONDS,
      Array.from({ length: 30 }, (_, i) => 0.01 + i * 0.001),
    ),
    ...histogramSeries(
      'gen_ai_workflow_duration_seconds',
      { gen_ai_workflow_name: 'plan' },
      DURATION_BUCKETS_SECONDS,
      Array.from({ length: 50 }, (_, i) => 1 + i * 0.02),
    ),
    ...(['completed', 'partial', 'failed'] as const).map((o, i) => ({
      labels: {
        __name__: 'toolscope_workflow_executions_total',
        gen_ai_workflow_name: 'plan',
        toolscope_workflow_outcome: o,
      },
      value: [40, 6, 4][i]!,
    })),
    ...(['healthy', 'degraded', 'unhealthy', 'unknown', 'maintenance'] as const).map((s) => ({
      labels: {
        __name__: 'toolscope_health_status_ratio',
        toolscope_health_check_id: 'search',
        toolscope_health_state: s,
        instance: 'probe',
      },
      value: s === 'degraded' ? 1 : 0,
    })),
    {
      labels: {
        __name__: 'ALERTS',
        alertname: 'ToolLatencyP95High',
        alertstate: 'firing',
        gen_ai_tool_name: 'search',
        severity: 'warning',
      },
      value: 1,
    },
  ];
}

async function startFake(series: (timeSec: number) => RawSeries[], names?: string[]) {
  fake = new FakePrometheus({
    at: series,
    ...(names === undefined ? {} : { names }),
    range: [
      {
        labels: { toolscope_health_check_id: 'search', toolscope_health_state: 'healthy' },
        values: [
          [WINDOW.fromMs / 1000, 1],
          [WINDOW.fromMs / 1000 + 60, 1],
        ],
      },
      {
        labels: { toolscope_health_check_id: 'search', toolscope_health_state: 'degraded' },
        values: [
          [WINDOW.fromMs / 1000 + 120, 1],
          [WINDOW.fromMs / 1000 + 180, 1],
        ],
      },
    ],
  });
  return fake.start();
}

describe('PrometheusSource against canned Prometheus API answers', () => {
  for (const sigma of [0.5, 1, 1.5]) {
    it(`lognormal σ ${sigma}: p50/p95/p99 within 5% of the exact percentiles, counts exact`, async () => {
      const { series, all } = toolData(sigma, 11 + sigma * 10);
      const url = await startFake(() => [...series, ...extraSeries()]);
      source = new PrometheusSource({ url, timeoutMs: 2000 });
      const snap = await source.snapshot(WINDOW);
      const search = snap.tools.find((t) => t.tool === 'search')!;
      for (const q of [0.5, 0.95, 0.99]) {
        const exact = exactQuantile(all, q);
        const got = search.duration.quantile(q);
        expect(Math.abs(got - exact) / exact, `p${q * 100} ${got} vs ${exact}`).toBeLessThanOrEqual(
          0.05,
        );
      }
      expect(search).toMatchObject({
        toolType: 'function',
        calls: 20_000,
        errors: 1000,
        errorTypes: { Timeout: 600, HTTP_503: 400 },
        retries: 120,
        retriedCalls: null,
        expectedPerformanceMs: null,
      });
      expect(search.duration.sum / search.duration.count).toBeCloseTo(
        all.reduce((a, b) => a + b, 0) / all.length,
        9,
      );
      expect(search.inputBytes.count).toBe(100);
      expect(search.inputBytes.sum).toBe(10_000);
      expect(search.outputBytes.count).toBe(0);
      const cache = snap.tools.find((t) => t.tool === 'cache')!;
      expect(cache).toMatchObject({ calls: 30, errors: 0, toolType: 'datastore' });
      expect(cache.fallbacks).toEqual({ search: 30 });
      expect(snap.accuracy.method).toBe('bucket-log-interpolation');
      expect(snap.accuracy.relativeErrorBound).toBeGreaterThan(0);
      expect(snap.accuracy.relativeErrorBound).toBeLessThanOrEqual(0.25 + 1e-9);
      expect(snap.accuracy.statement).toMatch(/within \d+(\.\d+)?%/);
    });
  }

  it('workflows, health, alerts and health history', async () => {
    const url = await startFake(() => [...toolData(1, 3).series, ...extraSeries()]);
    source = new PrometheusSource({ url });
    const snap = await source.snapshot(WINDOW);
    expect(snap.workflows).toHaveLength(1);
    const plan = snap.workflows[0]!;
    expect(plan).toMatchObject({
      workflow: 'plan',
      executions: 50,
      outcomes: { completed: 40, partial: 6, failed: 4 },
      stepsCompleted: null,
      tools: null,
    });
    expect(plan.duration.quantile(0.5)).toBeGreaterThan(1.4);
    expect(plan.duration.quantile(0.5)).toBeLessThan(1.6);
    // Since: when the state began (the history's change to degraded), not the report's time.
    expect(snap.health).toEqual([
      { tool: 'search', state: 'degraded', updatedAtMs: NOW, sinceMs: WINDOW.fromMs + 120_000 },
    ]);
    expect(snap.alerts).toHaveLength(1);
    expect(snap.alerts[0]).toMatchObject({
      kind: 'latency_threshold',
      severity: 'warning',
      subject: 'search',
    });
    expect(snap.healthHistory).toEqual([
      { tool: 'search', state: 'healthy', atMs: WINDOW.fromMs },
      { tool: 'search', state: 'degraded', atMs: WINDOW.fromMs + 120_000 },
    ]);
  });

  it('maps alert names through the core: generated objective rules arrive under their kinds', async () => {
    const alert = (alertname: string, labels: Record<string, string>) => ({
      labels: { __name__: 'ALERTS', alertname, alertstate: 'firing', ...labels },
      value: 1,
    });
    const url = await startFake(() => [
      ...toolData(1, 3).series,
      // As `@toolscope/objectives` renders them: named per objective, kind in a label.
      alert(OBJECTIVE_ALERT_NAMES.tool.latency_threshold, {
        gen_ai_tool_name: 'search',
        severity: 'error',
      }),
      alert(OBJECTIVE_ALERT_NAMES.workflow.error_rate_threshold!, {
        gen_ai_workflow_name: 'plan',
        severity: 'critical',
      }),
      alert('ToolRetryRateObjective', {
        gen_ai_tool_name: 'search',
        severity: 'warning',
        toolscope_alert_kind: 'retry_rate_threshold',
      }),
      // The label wins over the name; an unknown rule keeps its own name.
      alert('ToolLatencyP95High', { gen_ai_tool_name: 'cache', toolscope_alert_kind: 'custom' }),
      alert('DiskFull', { instance: 'db' }),
    ]);
    source = new PrometheusSource({ url });
    const snap = await source.snapshot(WINDOW);
    expect(snap.alerts.map((a) => [a.kind, a.subject, a.severity])).toEqual([
      ['latency_threshold', 'search', 'error'],
      ['error_rate_threshold', 'plan', 'critical'],
      ['retry_rate_threshold', 'search', 'warning'],
      ['custom', 'cache', 'warning'],
      ['DiskFull', 'DiskFull', 'warning'],
    ]);
  });

  it('sends increase() over the window, evaluated at its end, summed by the report labels', async () => {
    const url = await startFake(() => [...toolData(1, 5).series, ...extraSeries()]);
    source = new PrometheusSource({ url, selector: 'service_name="checkout"' });
    await source.snapshot(WINDOW);
    const queries = fake!.seen.filter((q) => q.path === '/api/v1/query');
    expect(queries.length).toBeGreaterThanOrEqual(12);
    for (const q of queries) expect(Number(q.time)).toBe(NOW / 1000);
    const buckets = queries.find((q) => q.query?.includes(`${TOOL}_bucket`))!.query!;
    const inc = (name: string) =>
      `(((increase(${name}{service_name="checkout"}[900s]) and ${name}{service_name="checkout"} offset 900s) or (last_over_time(${name}{service_name="checkout"}[900s]) unless ${name}{service_name="checkout"} offset 900s)))`;
    // The native histogram where there is one for the tool, else the classic buckets.
    expect(buckets).toBe(
      `sum by (gen_ai_tool_name) ${inc(TOOL)} or on (gen_ai_tool_name) sum by (gen_ai_tool_name, le) ${inc(`${TOOL}_bucket`)}`,
    );
  });

  for (const sigma of [0.5, 1, 1.5]) {
    it(`native histograms, lognormal σ ${sigma}: p50/p95/p99 within 2% of the exact percentiles`, async () => {
      const rand = seeded(40 + sigma * 10);
      const values = lognormal(rand, 0.2, sigma, 20_000);
      const half = (i: number) => values.filter((_, k) => k % 2 === i);
      const labels = { gen_ai_tool_name: 'search', gen_ai_tool_type: 'function', job: 'svc' };
      const url = await startFake(() => [
        nativeSeries(TOOL, { ...labels, instance: 'a' }, half(0)),
        nativeSeries(TOOL, { ...labels, instance: 'b' }, half(1)),
      ]);
      source = new PrometheusSource({ url });
      const snap = await source.snapshot(WINDOW);
      const search = snap.tools.find((t) => t.tool === 'search')!;
      expect(search.calls).toBe(20_000);
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of [0.5, 0.95, 0.99]) {
        const exact = exactQuantile(sorted, q);
        const got = search.duration.quantile(q);
        expect(Math.abs(got - exact) / exact, `p${q * 100} ${got} vs ${exact}`).toBeLessThanOrEqual(
          0.02,
        );
      }
      expect(snap.accuracy.histograms).toBe('native');
      expect(snap.accuracy.statement).toContain("Prometheus' native histograms");
      // Within one bucket: 1.1% (scale 6) while 640 buckets span the values, 2.2% (scale 5)
      // for the heavier tails here, whose 20,000 samples span 11 to 18 octaves.
      expect(snap.accuracy.relativeErrorBound).toBeLessThanOrEqual(
        sigma === 0.5 ? 2 ** (2 ** -6) - 1 : 2 ** (2 ** -5) - 1,
      );
    });
  }

  it('a tool whose metric holds both kinds is counted once, from the native histograms', async () => {
    const rand = seeded(77);
    const values = lognormal(rand, 0.3, 0.5, 1000);
    const labels = { gen_ai_tool_name: 'search', gen_ai_tool_type: 'function' };
    const url = await startFake(() => [
      // The same 1,000 calls twice: as classic series and as a native histogram.
      ...histogramSeries(TOOL, labels, DURATION_BUCKETS_SECONDS, values),
      nativeSeries(TOOL, labels, values),
      // Another tool with classic series only.
      ...histogramSeries(
        TOOL,
        { gen_ai_tool_name: 'cache' },
        DURATION_BUCKETS_SECONDS,
        [0.01, 0.02],
      ),
    ]);
    source = new PrometheusSource({ url });
    const snap = await source.snapshot(WINDOW);
    const search = snap.tools.find((t) => t.tool === 'search')!;
    expect(search.calls).toBe(1000);
    expect(search.duration.count).toBe(1000);
    expect(search.duration.sum).toBeCloseTo(
      values.reduce((a, b) => a + b, 0),
      6,
    );
    expect(snap.tools.find((t) => t.tool === 'cache')!.calls).toBe(2);
    expect(snap.accuracy.histograms).toBe('native+classic');
    expect(snap.accuracy.statement).toContain('native histograms for 1 and classic');
    expect(snap.accuracy.statement).toContain(
      'Prometheus holds both native and classic series in this window for search: only the native histograms were read',
    );
  });

  it('joins health checks to their tools: by gen_ai_tool_name, else check/tool ids; the worst state of a tool wins', async () => {
    const status = (labels: Record<string, string>, current: string) =>
      ['healthy', 'degraded', 'unhealthy', 'unknown', 'maintenance'].map((state) => ({
        labels: { __name__: 'toolscope_health_status', ...labels, toolscope_health_state: state },
        value: state === current ? 1 : 0,
      }));
    const url = await startFake(() => [
      ...toolData(1, 3).series,
      ...histogramSeries(TOOL, { gen_ai_tool_name: 'geocode' }, DURATION_BUCKETS_SECONDS, [0.1]),
      ...histogramSeries(TOOL, { gen_ai_tool_name: 'weather' }, DURATION_BUCKETS_SECONDS, [0.1]),
      // Older probes: no tool label, the id is `server/tool` (the demo's).
      ...status({ toolscope_health_check_id: 'dining/search' }, 'healthy'),
      // The label names the tool whatever the id; two checks of one tool: the worst.
      ...status({ toolscope_health_check_id: 'maps-http', gen_ai_tool_name: 'geocode' }, 'healthy'),
      ...status({ toolscope_health_check_id: 'maps-mcp', gen_ai_tool_name: 'geocode' }, 'degraded'),
      // A check for something that is not a tool of the report keeps its id.
      ...status({ toolscope_health_check_id: 'db' }, 'unhealthy'),
    ]);
    source = new PrometheusSource({ url });
    const report = await buildReport(source, { window: '15m', now: NOW, compare: false });
    expect(report.health.map((h) => [h.tool, h.state])).toEqual([
      ['db', 'unhealthy'],
      ['geocode', 'degraded'],
      ['search', 'healthy'],
    ]);
    const column = Object.fromEntries(report.tools.map((t) => [t.tool, t.health?.state ?? null]));
    expect(column).toEqual({ geocode: 'degraded', search: 'healthy', weather: null });
  });

  it('the report from Prometheus carries the bucket accuracy statement', async () => {
    const url = await startFake(
      (t) => (t === NOW / 1000 ? [...toolData(1, 9).series, ...extraSeries()] : []),
      [`${TOOL}_bucket`],
    );
    source = new PrometheusSource({ url });
    const report = await buildReport(source, {
      window: '15m',
      now: NOW,
      expectedPerformanceMs: { search: 500 },
    });
    expect(report.source.kind).toBe('prometheus');
    expect(report.source.accuracy.statement).toContain('log-linear interpolation');
    expect(report.source.accuracy.statement).toContain("Prometheus' classic histogram buckets");
    expect(report.source.accuracy.histograms).toBe('classic');
    const search = report.tools.find((t) => t.tool === 'search')!;
    expect(search.expectedPerformanceMs).toBe(500);
    expect(search.health?.state).toBe('degraded');
    expect(search.fallbacksReceived).toBe(30);
    expect(report.recommendations.map((r) => r.rule)).toContain('open_alert');
  });
});

describe('a window that starts before Prometheus has toolscope data', () => {
  const START = WINDOW.fromMs / 1000;
  /** Series from the window's start on only when `fromStart`; the others at its end only. */
  const data = (atStart: RawSeries[]) => (t: number) =>
    t === START ? atStart : t === NOW / 1000 ? [...toolData(1, 3).series, ...extraSeries()] : [];
  const CAVEAT =
    "Prometheus has no toolscope data at the window's start (11:45:00 UTC): series first seen inside the window are counted whole";

  it('no toolscope series at the start: the snapshot carries the caveat, asked at the window end with offset', async () => {
    const url = await startFake(data([{ labels: { __name__: 'up', job: 'x' }, value: 1 }]));
    source = new PrometheusSource({ url, selector: 'service_name="checkout"' });
    const snap = await source.snapshot(WINDOW);
    expect(snap.tools.map((t) => t.calls)).toEqual([30, 20_000]);
    expect(snap.accuracy.caveats).toHaveLength(1);
    expect(snap.accuracy.caveats![0]).toContain(CAVEAT);
    expect(snap.accuracy.caveats![0]).toContain("use a window inside Prometheus' data");
    // Every toolscope metric, not only the user's selector: "does Prometheus hold data then".
    const asked = fake!.seen.find((q) => q.query?.startsWith('count('))!;
    expect(asked.query).toBe(
      'count({__name__=~"gen_ai_execute_tool_duration_seconds.*|gen_ai_workflow_duration_seconds.*|toolscope_.*"} offset 900s)',
    );
    expect(Number(asked.time)).toBe(NOW / 1000);
  });

  it('toolscope series at the start (any metric, here only a health gauge): no caveat', async () => {
    const gauge = extraSeries().find((s) => s.labels.__name__ === 'toolscope_health_status_ratio')!;
    const url = await startFake(data([gauge]));
    source = new PrometheusSource({ url });
    const snap = await source.snapshot(WINDOW);
    expect(snap.tools.length).toBeGreaterThan(0);
    expect(snap.accuracy.caveats).toEqual([]);
    const report = await buildReport(source, { window: '15m', now: NOW, compare: false });
    expect(report.source.accuracy.caveats).toEqual([]);
    expect(renderText(report)).not.toContain('caveat');
    expect(renderMarkdown(report)).not.toContain('Caveat');
    expect(renderHtml(report)).not.toContain('class="caveat"');
  });

  it('no caveat for a window without calls (nothing was counted whole)', async () => {
    const url = await startFake((t) => (t === NOW / 1000 ? extraSeries().slice(-6) : []));
    source = new PrometheusSource({ url });
    const snap = await source.snapshot(WINDOW);
    expect(snap.tools).toEqual([]);
    expect(snap.accuracy.caveats).toEqual([]);
  });

  it('the report shows the caveat in every format: text, Markdown, HTML, JSON', async () => {
    const url = await startFake(data([]));
    source = new PrometheusSource({ url });
    const report = await buildReport(source, { window: '15m', now: NOW, compare: false });
    expect(report.source.accuracy.caveats).toHaveLength(1);
    const caveat = report.source.accuracy.caveats[0]!;
    expect(caveat).toContain(CAVEAT);
    expect(renderText(report)).toContain(`\ncaveat: ${caveat}\n`);
    expect(renderMarkdown(report)).toContain('\n> **Caveat:** Prometheus has no toolscope data');
    expect(renderHtml(report)).toContain(
      '<p class="caveat"><strong>Caveat:</strong> Prometheus has no toolscope data at the window&#39;s start (11:45:00 UTC)',
    );
    expect(JSON.parse(renderJson(report)).source.accuracy.caveats).toEqual([caveat]);
  });

  it("the previous window's caveat is carried too, marked as the trends'", async () => {
    // Data from the current window's start on: the previous window starts before it.
    const url = await startFake((t) =>
      t >= START ? [...toolData(1, 3).series, ...extraSeries()] : [],
    );
    source = new PrometheusSource({ url });
    const report = await buildReport(source, { window: '15m', now: NOW });
    expect(report.source.accuracy.caveats).toEqual([
      expect.stringMatching(
        /^Previous window \(trends\): Prometheus has no toolscope data at the window's start \(11:30:00 UTC\)/,
      ),
    ]);
  });
});

describe('PrometheusSource errors', () => {
  it('unreachable: names the URL and suggests --prometheus', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    source = new PrometheusSource({ url: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const err = await source.snapshot(WINDOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusUnreachableError);
    expect((err as Error).message).toContain(`http://127.0.0.1:${port}`);
    expect((err as Error).message).toContain('--prometheus');
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('a server that never answers: deadline', async () => {
    const hanging: Server = createServer(() => {
      /* never responds */
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const { port } = hanging.address() as AddressInfo;
    try {
      source = new PrometheusSource({ url: `http://127.0.0.1:${port}`, timeoutMs: 200 });
      const err = await source.snapshot(WINDOW).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrometheusUnreachableError);
      expect((err as Error).message).toContain('no answer within 200 ms');
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((r) => hanging.close(() => r()));
    }
  });

  it('a server that sends its headers and then trickles the body: did not finish, not unreachable', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const trickling: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"success","data":{"resultType":"vector","result":[');
      const timer = setInterval(() => res.write(' '), 20);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((r) => trickling.listen(0, '127.0.0.1', r));
    const { port } = trickling.address() as AddressInfo;
    try {
      source = new PrometheusSource({ url: `http://127.0.0.1:${port}`, timeoutMs: 1000 });
      const err = await source.snapshot(WINDOW).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrometheusQueryError);
      expect((err as Error).message).toMatch(
        /^Prometheus at http:\/\/127\.0\.0\.1:\d+\/?: did not finish answering within 1000 ms \(its headers came, HTTP 200; the rest of the answer did not\); raise --timeout/,
      );
      expect((err as Error).message).not.toContain('unreachable');
    } finally {
      for (const t of timers) clearInterval(t);
      trickling.closeAllConnections();
      await new Promise<void>((r) => trickling.close(() => r()));
    }
  });

  it('Prometheus without toolscope metrics', async () => {
    const url = await startFake(
      () => [{ labels: { __name__: 'up', job: 'x' }, value: 1 }],
      ['up', 'prometheus_build_info'],
    );
    source = new PrometheusSource({ url });
    const err = await source.snapshot(WINDOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoToolscopeMetricsError);
    expect((err as Error).message).toContain(url);
  });

  it('toolscope metrics exist but not in the window: EmptyWindowError from buildReport', async () => {
    const url = await startFake(() => [], ['up', `${TOOL}_bucket`]);
    source = new PrometheusSource({ url });
    const err = await buildReport(source, { window: '15m', now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmptyWindowError);
    expect((err as Error).message).toContain('last 15m');
    const empty = await buildReport(source, { window: '15m', now: NOW, allowEmpty: true });
    expect(empty.tools).toEqual([]);
  });

  it('a query error and a non-JSON answer', async () => {
    const url = await startFake(() => []);
    source = new PrometheusSource({ url });
    fake!.respond = () => ({
      status: 400,
      body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }),
    });
    const err = await source.snapshot(WINDOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusQueryError);
    expect((err as Error).message).toContain('bad_data: parse error');
    fake!.respond = () => ({ status: 200, body: '<html>Grafana</html>' });
    const err2 = await source.snapshot(WINDOW).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(PrometheusQueryError);
    expect((err2 as Error).message).toContain('not Prometheus API JSON');
  });

  it('bad options fail at construction', () => {
    expect(() => new PrometheusSource({ url: 'localhost:9090' })).toThrow(ReportConfigError);
    expect(() => new PrometheusSource({ url: 'ftp://x' })).toThrow(/url: must be the http/);
    expect(() => new PrometheusSource({ url: 'http://x', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new PrometheusSource({ url: 'http://x', selector: '{job="a"}' })).toThrow(
      /selector/,
    );
    // A header with CR or LF is refused here, not sent and blamed on Prometheus.
    expect(
      () => new PrometheusSource({ url: 'http://x', headers: { 'X-Token': 'a\r\nInjected: 1' } }),
    ).toThrow(/^headers.X-Token: must be a valid HTTP header value/);
    expect(() => new PrometheusSource({ url: 'http://x', headers: { 'X\nY': 'a' } })).toThrow(
      /^headers.X\\nY: must be a valid HTTP header name/,
    );
  });
});
