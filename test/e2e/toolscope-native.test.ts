/**
 * Path (b) with toolscope itself: `startToolscope({ histograms: 'exponential' })` exporting to
 * the collector that pushes to Prometheus 3's OTLP receiver (`collector-push`), the lognormal
 * workload of `toolscope-workload.test.ts` with real timers: every tool's durations arrive as
 * native histograms, and `histogram_quantile` answers p50/p95/p99 within 2 % of the exact
 * percentiles of the realised latencies.
 *
 * This file registers toolscope's global providers; vitest runs each test file in its own
 * worker.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HealthMonitor } from '@toolscope/health-probe';
import { withWorkflow } from '@toolscope/instrumentation';
import type { Toolscope } from '@toolscope/node';
import { buildReport, PrometheusSource } from '@toolscope/report';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, pollUntil, prometheus3 } from './backends.ts';
import {
  expectAccuracy,
  expectReportAccuracy,
  lognormalTools,
  prometheusReader,
  reportFromPrometheus,
  startE2eToolscope,
  Workload,
} from './workload.ts';

const RUN_ID = randomUUID();
const SHORT = RUN_ID.slice(0, 8);
const SERVICE = `toolscope-e2e-native-${SHORT}`;
const SEL = `service_name="${SERVICE}"`;
const X = 'gen_ai_execute_tool_duration_seconds';

const TOOLS = lognormalTools(`n${SHORT}`);
const workload = new Workload();
let toolscope: Toolscope;
let monitor: HealthMonitor | undefined;
let target: Server | undefined;
/** When the health check started. */
let probingSince = 0;

beforeAll(() => {
  toolscope = startE2eToolscope(SERVICE, RUN_ID, backends().TOOLSCOPE_PUSH_OTLP_HTTP_ENDPOINT, {
    histograms: 'exponential',
  });
});

afterAll(async () => {
  await monitor?.close();
  target?.closeAllConnections();
  await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  await toolscope?.shutdown();
});

describe("toolscope with histograms: 'exponential' -> collector -> Prometheus 3's OTLP receiver", () => {
  it('per-tool p50/p95/p99 from native histograms are within 2 % of the exact percentiles; success rate is exact', async () => {
    // A health check of the search tool, keyed the way the demo keys them (`server/tool`).
    target = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => target!.listen(0, '127.0.0.1', resolve));
    monitor = new HealthMonitor({
      checks: [
        {
          id: `local/${TOOLS[0]!.name}`,
          tool: TOOLS[0]!.name,
          type: 'http',
          endpoint: `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`,
          intervalMs: 1_000,
          timeoutMs: 1_000,
        },
      ],
    });
    monitor.start();
    probingSince = Date.now();
    await withWorkflow({ name: `batch_${SHORT}` }, () => workload.runAll(TOOLS));
    await toolscope.forceFlush();
    await expectAccuracy(
      TOOLS,
      workload,
      prometheusReader('native', SEL, prometheus3()),
      pollUntil,
    );
    // Native histograms only: no classic series for this service, workflows included.
    expect(await prometheus3().query(`{__name__=~"${X}_.+", ${SEL}}`)).toEqual([]);
    const [wf] = await prometheus3().query(
      `gen_ai_workflow_duration_seconds{${SEL}, gen_ai_workflow_name="batch_${SHORT}"}`,
    );
    expect(wf?.histogram?.[1].count).toBe('1');
    // The health check's duration is an SDK histogram: exponential too.
    const [check] = await prometheus3().query(`toolscope_health_check_duration_seconds{${SEL}}`);
    expect(check?.histogram, 'health check duration as a native histogram').toBeDefined();
  });

  it('toolscope report --prometheus reads the native histograms: within 2 %, says so, health joined to the tool since it began', async () => {
    // Health samples over a few seconds, so that "since" can be told from the report's time.
    await pollUntil(
      async () =>
        ((await prometheus3().value(
          `count_over_time(toolscope_health_status{${SEL}, toolscope_health_state="healthy"}[1m])`,
        )) ?? 0) >= 4,
      { timeoutMs: 30_000, description: 'four health samples in Prometheus' },
    );
    const now = Date.now();
    const report = await reportFromPrometheus(backends().TOOLSCOPE_PROMETHEUS_URL, SEL, now);
    const reader = prometheusReader('native', SEL, prometheus3());
    expectReportAccuracy(report, TOOLS, workload, reader.label, reader.tolerance);
    expect(report.source.accuracy.histograms).toBe('native');
    expect(report.source.accuracy.statement).toContain("Prometheus' native histograms");
    // The tools table's health column is joined to the tool (the check id is local/<tool>).
    const search = report.tools.find((t) => t.tool === TOOLS[0]!.name)!;
    expect(search.health?.state).toBe('healthy');
    // "since" is when the state began (the first probe), not the report's own time.
    const since = Date.parse(search.health!.since);
    expect(since).toBeLessThan(now - 2_000);
    expect(since).toBeGreaterThanOrEqual(probingSince - 5_000);
  });

  it("report --prometheus says when Prometheus holds no toolscope data at the window's start, and only then", async () => {
    const url = backends().TOOLSCOPE_PROMETHEUS_URL;
    const report = async (windowMs: number, now: number) => {
      const source = new PrometheusSource({ url, selector: SEL, timeoutMs: 10_000 });
      try {
        return await buildReport(source, { window: windowMs, now, compare: false });
      } finally {
        await source.close();
      }
    };
    // The previous tests waited for this run's series: Prometheus holds toolscope data now.
    const dataHeld = Date.now();
    // A tool born after that: counted whole, rightly, and nothing to warn about.
    const late = { name: `late_${SHORT}`, latencyMs: () => 1, fails: () => false };
    for (const i of [0, 1, 2]) await workload.call(late, i);
    await toolscope.forceFlush();
    await pollUntil(
      async () =>
        (await prometheus3().value(
          `sum(histogram_count(${X}{${SEL}, gen_ai_tool_name="${late.name}"}))`,
        )) === 3,
      { timeoutMs: 30_000, description: `3 calls of ${late.name} in Prometheus` },
    );
    const now = Date.now();
    const inside = await report(now - dataHeld, now);
    expect(inside.tools.map((t) => [t.tool, t.calls])).toEqual([[late.name, 3]]);
    expect(inside.source.accuracy.caveats).toEqual([]);

    // A window that starts before this Prometheus did (its TSDB is fresh per start).
    const info = (await (await fetch(`${url}/api/v1/status/runtimeinfo`)).json()) as {
      data: { startTime: string };
    };
    const before = Date.parse(info.data.startTime) - 120_000;
    const wide = await report(now - before, now);
    expect(wide.tools.length).toBeGreaterThanOrEqual(TOOLS.length);
    expect(wide.source.accuracy.caveats).toEqual([
      expect.stringContaining(
        `Prometheus has no toolscope data at the window's start (${new Date(before).toISOString().slice(11, 19)} UTC)`,
      ),
    ]);
  });
});
