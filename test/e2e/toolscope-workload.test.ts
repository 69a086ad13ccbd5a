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
  withTool,
  withWorkflow,
} from '@toolscope/instrumentation';
import { seededRandom } from '@toolscope/instrumentation/internal';
import { startToolscope, type Toolscope } from '@toolscope/node';
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

const RUN_ID = randomUUID();
const SHORT = RUN_ID.slice(0, 8);
const SERVICE = `toolscope-e2e-workload-${SHORT}`;
const SEL = `service_name="${SERVICE}"`;

interface ToolSpec {
  name: string;
  /** Latency of call i, in ms. */
  latencyMs: (i: number) => number;
  /** Whether call i fails. */
  fails: (i: number) => boolean;
}

// Deterministic (the core's seeded mulberry32), so a failure can be replayed.
const random = seededRandom(42);
// Enough calls that the 99th percentile is not decided by one or two samples in a bucket.
const CALLS = 1000;

/** The standard normal quantile function (Acklam's approximation, relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * `n` lognormal latencies (median `medianMs`, log-sd `sigma`), stratified — the i-th is the
 * distribution's (i + 0.5)/n quantile, so the sample's percentiles are the distribution's —
 * in a seeded random order. Latencies are heavy-tailed and unbounded like real tool
 * latencies; a distribution with a hard upper edge (uniform) is the adversarial case for any
 * bucketed histogram: near that edge `histogram_quantile`'s linear interpolation can be off
 * by up to one bucket width (11% with toolscope's layout).
 */
function lognormal(n: number, medianMs: number, sigma: number): number[] {
  const out = Array.from(
    { length: n },
    (_, i) => medianMs * Math.exp(sigma * normalQuantile((i + 0.5) / n)),
  );
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// Latencies of a few hundred ms keep timer jitter (a few ms under load) well under 5 %.
const TOOLS: ToolSpec[] = (() => {
  const search = lognormal(CALLS, 300, 0.3);
  const rank = lognormal(CALLS, 250, 0.7); // heavy tail: p99 ≈ 1.3 s
  const flaky = lognormal(CALLS, 200, 0.45);
  return [
    { name: `search_${SHORT}`, latencyMs: (i) => search[i]!, fails: () => false },
    { name: `rank_${SHORT}`, latencyMs: (i) => rank[i]!, fails: () => false },
    // 3 calls in 10 fail: success rate exactly 0.7.
    { name: `flaky_${SHORT}`, latencyMs: (i) => flaky[i]!, fails: (i) => i % 10 < 3 },
  ];
})();

/** Call indices already made, per tool (the tests share the tools). */
const made = new Map<string, Set<number>>();
/**
 * The latency each call really had, in seconds, measured around the injected delay: on a
 * loaded machine timers fire late (tens of ms at times), so the realised latencies, not
 * the requested ones, are the ground truth the histogram is judged against.
 */
const realised = new Map<string, number[]>();

class ToolError extends Error {
  code = 'ETIMEDOUT';
}

async function callTool(spec: ToolSpec, i: number): Promise<void> {
  const set = made.get(spec.name) ?? new Set<number>();
  made.set(spec.name, set);
  set.add(i);
  await withTool({ name: spec.name }, async () => {
    const ms = spec.latencyMs(i);
    const t0 = performance.now();
    if (ms > 0) await delay(ms);
    const list = realised.get(spec.name) ?? [];
    realised.set(spec.name, list);
    list[i] = (performance.now() - t0) / 1000;
    if (spec.fails(i)) throw new ToolError(`${spec.name} call ${i} timed out`);
    return 'ok';
  }).catch((err: unknown) => {
    if (!(err instanceof ToolError)) throw err;
  });
}

/** Exact nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool(limit: number, tasks: Array<() => Promise<void>>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

let toolscope: Toolscope;

beforeAll(() => {
  toolscope = startToolscope({
    serviceName: SERVICE,
    endpoint: backends().TOOLSCOPE_OTLP_HTTP_ENDPOINT,
    resourceAttributes: { 'service.instance.id': RUN_ID, 'deployment.environment.name': 'e2e' },
    metricExportIntervalMs: 1_000,
    metricExportTimeoutMs: 1_000,
    batch: { scheduledDelayMillis: 100, exportTimeoutMillis: 2_000 },
    mcp: false,
  });
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
    const tasks = TOOLS.flatMap((spec) =>
      Array.from({ length: CALLS }, (_, i) => i)
        .filter((i) => !made.get(spec.name)?.has(i))
        .map((i) => () => callTool(spec, i)),
    );
    await withWorkflow({ name: `batch_${SHORT}` }, () => pool(100, tasks));
    await toolscope.forceFlush();

    for (const spec of TOOLS) {
      const count = `sum(gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${spec.name}"})`;
      await pollUntil(async () => (await promValue(count)) === CALLS, {
        timeoutMs: 30_000,
        description: `${CALLS} calls of ${spec.name} in Prometheus`,
      });
      const injected = realised.get(spec.name)!;
      expect(injected.filter((v) => v !== undefined)).toHaveLength(CALLS);
      for (const p of [0.5, 0.95, 0.99]) {
        const got = await promValue(
          `histogram_quantile(${p}, sum by (le) (gen_ai_execute_tool_duration_seconds_bucket{${SEL}, gen_ai_tool_name="${spec.name}"}))`,
        );
        const exact = percentile(injected, p);
        expect(got, `${spec.name} p${p * 100}`).toBeDefined();
        const error = Math.abs(got! - exact) / exact;
        console.log(
          `[e2e] ${spec.name} p${p * 100}: prometheus ${(got! * 1000).toFixed(1)} ms, exact ${(exact * 1000).toFixed(1)} ms, error ${(error * 100).toFixed(2)} %`,
        );
        expect(error, `${spec.name} p${p * 100}: ${got} vs exact ${exact}`).toBeLessThanOrEqual(
          0.05,
        );
      }
      const expectedSuccess =
        Array.from({ length: CALLS }, (_, i) => i).filter((i) => !spec.fails(i)).length / CALLS;
      const success = await promValue(
        `sum(gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${spec.name}", error_type=""}) / ${count}`,
      );
      expect(success, `${spec.name} success rate`).toBe(expectedSuccess);
    }
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
