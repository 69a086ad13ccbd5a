/**
 * A workload instrumented with toolscope itself (`startToolscope`, `withWorkflow`,
 * `withTool`, `withCorrelationId`) through the real collector into Jaeger and Prometheus:
 * traces found by correlation ID with tool spans under the workflow span, per-tool
 * p50/p95/p99 from `histogram_quantile` within 5 % of the exact percentiles of the
 * injected latencies, exact success rates, ToolErrorRateHigh firing for a failing tool,
 * and a collector killed mid-run (the app keeps going with bounded memory and counts what
 * it lost; new data arrives after the restart).
 *
 * This file registers toolscope's global providers; vitest runs each test file in its own
 * worker, so the raw-SDK smoke test (pipeline.test.ts) is unaffected.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  TOOLSCOPE_CORRELATION_ID,
  withCorrelationId,
  withWorkflow,
} from '@toolscope/instrumentation';
import type { Toolscope } from '@toolscope/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  backendsCommand,
  jaegerFindTraces,
  pollUntil,
  promAlerts,
  promQuery,
  promValue,
  spanTag,
} from './backends.ts';
import {
  expectAccuracy,
  expectReportAccuracy,
  lognormalTools,
  prometheusReader,
  reportFromPrometheus,
  startE2eToolscope,
  type ToolSpec,
  Workload,
} from './workload.ts';

const RUN_ID = randomUUID();
const SHORT = RUN_ID.slice(0, 8);
const SERVICE = `toolscope-e2e-workload-${SHORT}`;
const SEL = `service_name="${SERVICE}"`;

const TOOLS = lognormalTools(SHORT);
const workload = new Workload();
const callTool = (spec: ToolSpec, i: number) => workload.call(spec, i);

let toolscope: Toolscope;

beforeAll(() => {
  toolscope = startE2eToolscope(SERVICE, RUN_ID, backends().TOOLSCOPE_OTLP_HTTP_ENDPOINT);
});

afterAll(async () => {
  await toolscope?.shutdown();
});

describe('toolscope workload -> collector -> Jaeger + Prometheus', () => {
  const correlationId = `corr-${RUN_ID}`;

  it('Jaeger finds the trace by toolscope.correlation_id, tool spans under the workflow span', async () => {
    await withCorrelationId(correlationId, () =>
      withWorkflow({ name: `plan_trip_${SHORT}` }, async () => {
        await callTool(TOOLS[0]!, 0);
        await callTool(TOOLS[2]!, 0); // fails
      }),
    );
    await toolscope.forceFlush();

    const traces = await pollUntil(
      async () => {
        const found = await jaegerFindTraces(SERVICE, {
          [TOOLSCOPE_CORRELATION_ID]: correlationId,
        });
        // Spans arrive in batches: wait for the whole trace (workflow + 2 tool spans).
        return found.length > 0 && found[0]!.spans.length >= 3 ? found : undefined;
      },
      { timeoutMs: 30_000, description: `the trace with correlation ID ${correlationId}` },
    );
    expect(traces).toHaveLength(1);
    const spans = traces[0]!.spans;
    const wf = spans.find((s) => s.operationName === `invoke_workflow plan_trip_${SHORT}`);
    expect(wf, spans.map((s) => s.operationName).join(', ')).toBeDefined();
    const tools = spans.filter((s) => s.operationName.startsWith('execute_tool '));
    expect(tools.map((s) => s.operationName).sort()).toEqual(
      [`execute_tool ${TOOLS[0]!.name}`, `execute_tool ${TOOLS[2]!.name}`].sort(),
    );
    for (const s of [wf!, ...tools]) {
      expect(spanTag(s, TOOLSCOPE_CORRELATION_ID), s.operationName).toBe(correlationId);
    }
    for (const s of tools) {
      expect(s.references).toContainEqual(
        expect.objectContaining({ refType: 'CHILD_OF', spanID: wf!.spanID }),
      );
    }
    const failed = tools.find((s) => s.operationName === `execute_tool ${TOOLS[2]!.name}`)!;
    expect(spanTag(failed, 'error.type')).toBe('ETIMEDOUT');
  });

  it('per-tool p50/p95/p99 from Prometheus are within 5 % of the exact percentiles; success rate is exact', async () => {
    // Every call not made yet (the previous test made call 0 of two tools).
    await withWorkflow({ name: `batch_${SHORT}` }, () => workload.runAll(TOOLS));
    await toolscope.forceFlush();
    const reader = prometheusReader('classic', SEL, { value: promValue });
    await expectAccuracy(TOOLS, workload, reader, pollUntil);
    const report = await reportFromPrometheus(backends().TOOLSCOPE_PROMETHEUS_URL, SEL);
    expectReportAccuracy(report, TOOLS, workload, reader.label, reader.tolerance);
    expect(report.source.accuracy.histograms).toBe('classic');
  });

  it('a failing tool makes ToolErrorRateHigh fire in /api/v1/alerts', async () => {
    const broken: ToolSpec = { name: `broken_${SHORT}`, latencyMs: () => 5, fails: () => true };
    let i = 0;
    const timer = setInterval(() => {
      void withWorkflow({ name: `broken_${SHORT}` }, () => callTool(broken, i++));
    }, 100);
    try {
      const alert = await pollUntil(
        async () =>
          (await promAlerts()).find(
            (a) =>
              a.labels.alertname === 'ToolErrorRateHigh' &&
              a.labels.gen_ai_tool_name === broken.name &&
              a.state === 'firing',
          ),
        {
          timeoutMs: 90_000,
          intervalMs: 500,
          description: `ToolErrorRateHigh firing for ${broken.name}`,
        },
      );
      expect(Number(alert.value)).toBe(1);
      const healthy = await promQuery(
        `ALERTS{alertname="ToolErrorRateHigh", gen_ai_tool_name="${TOOLS[0]!.name}"}`,
      );
      expect(healthy).toEqual([]);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('collector killed mid-run (toolscope)', () => {
  it('keeps running with bounded memory, counts what it lost, and recovers after a restart', async () => {
    const spec: ToolSpec = { name: `chaos_${SHORT}`, latencyMs: () => 0, fails: () => false };
    const countQuery = `sum(gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${spec.name}"})`;
    let calls = 0;
    const burst = async (n: number) => {
      for (let k = 0; k < n; k++) {
        await withWorkflow({ name: `chaos_${SHORT}` }, () => callTool(spec, calls++));
      }
    };
    try {
      await burst(50);
      await toolscope.forceFlush();
      await pollUntil(async () => (await promValue(countQuery)) === 50, {
        timeoutMs: 30_000,
        description: `${spec.name} calls in Prometheus before the kill`,
      });
      const statsBefore = await toolscope.stats();

      backendsCommand('kill', 'collector');
      const heapBefore = process.memoryUsage().heapUsed;
      // Far more spans than the batch queue holds, with nowhere to send them.
      for (let round = 0; round < 10; round++) {
        await burst(2_000);
        await delay(20); // let the batch processor's timer run between bursts
      }
      await toolscope.forceFlush(); // never rejects
      const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
      const statsDown = await toolscope.stats();
      console.log(
        `[e2e] collector down: ${calls - 50} calls, heap +${heapGrowthMb.toFixed(1)} MiB, stats ${JSON.stringify(statsDown)}`,
      );
      expect(heapGrowthMb).toBeLessThan(200);
      expect(
        statsDown.spansFailed + statsDown.spansDropped,
        'lost spans are counted',
      ).toBeGreaterThan(statsBefore.spansFailed + statsBefore.spansDropped);
      expect(statsDown.metricExportsFailed).toBeGreaterThan(statsBefore.metricExportsFailed);

      const callsAtRestart = calls;
      backendsCommand('restart', 'collector');
      await burst(20);
      await toolscope.forceFlush();
      // Cumulative metrics catch up: every call, including those made while the collector
      // was down, is counted once the collector is back.
      await pollUntil(async () => ((await promValue(countQuery)) ?? 0) >= callsAtRestart + 20, {
        timeoutMs: 45_000,
        description: `${spec.name} count to reach ${callsAtRestart + 20} after the restart`,
      });
      const statsAfter = await toolscope.stats();
      expect(statsAfter.spansExported).toBeGreaterThan(statsDown.spansExported);
    } finally {
      backendsCommand('start');
    }
  });
});
