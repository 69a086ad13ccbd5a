/**
 * The lognormal tool workload of the end-to-end accuracy tests, run through toolscope
 * (`withTool`) with real timers: three tools of 1,000 calls each, heavy-tailed latencies of a
 * few hundred ms, one tool failing 3 calls in 10. Shared by the scrape path
 * (`toolscope-workload.test.ts`, classic buckets) and the OTLP path
 * (`toolscope-native.test.ts`, native histograms), which judge what Prometheus answers
 * against the latencies each call really had.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { withTool } from '@toolscope/instrumentation';
import { seededRandom } from '@toolscope/instrumentation/internal';
import { startToolscope, type Toolscope, type ToolscopeOptions } from '@toolscope/node';
import { buildReport, PrometheusSource, type Report } from '@toolscope/report';
import { expect } from 'vitest';
import { nearestRank, stratifiedLognormal } from '../support/random.ts';

export interface ToolSpec {
  name: string;
  /** Latency of call i, in ms. */
  latencyMs: (i: number) => number;
  /** Whether call i fails. */
  fails: (i: number) => boolean;
}

/**
 * `startToolscope` as the e2e workloads run it: service `service`, instance `runId`, exporting
 * to `endpoint` every second with short batch delays, MCP off; `options` add to that.
 */
export function startE2eToolscope(
  service: string,
  runId: string,
  endpoint: string,
  options: ToolscopeOptions = {},
): Toolscope {
  return startToolscope({
    serviceName: service,
    endpoint,
    resourceAttributes: { 'service.instance.id': runId, 'deployment.environment.name': 'e2e' },
    metricExportIntervalMs: 1_000,
    metricExportTimeoutMs: 1_000,
    batch: { scheduledDelayMillis: 100, exportTimeoutMillis: 2_000 },
    mcp: false,
    ...options,
  });
}

/** Enough calls that the 99th percentile is not decided by one or two samples in a bucket. */
export const CALLS = 1000;

/**
 * The three tools, named `<tool>_<suffix>`. Deterministic (the core's seeded mulberry32), so
 * a failure can be replayed. Latencies of a few hundred ms keep timer jitter (a few ms under
 * load) well under the targets.
 */
export function lognormalTools(suffix: string): ToolSpec[] {
  const random = seededRandom(42);
  const lognormal = (n: number, medianMs: number, sigma: number) =>
    stratifiedLognormal(n, medianMs, sigma, random);
  const search = lognormal(CALLS, 300, 0.3);
  const rank = lognormal(CALLS, 250, 0.7); // heavy tail: p99 ≈ 1.3 s
  const flaky = lognormal(CALLS, 200, 0.45);
  return [
    { name: `search_${suffix}`, latencyMs: (i) => search[i]!, fails: () => false },
    { name: `rank_${suffix}`, latencyMs: (i) => rank[i]!, fails: () => false },
    // 3 calls in 10 fail: success rate exactly 0.7.
    { name: `flaky_${suffix}`, latencyMs: (i) => flaky[i]!, fails: (i) => i % 10 < 3 },
  ];
}

class ToolError extends Error {
  code = 'ETIMEDOUT';
}

/** Calls made so far and the latency each really had. */
export class Workload {
  /** Call indices already made, per tool (tests may share the tools). */
  readonly made = new Map<string, Set<number>>();
  /**
   * The latency each call really had, in seconds, measured around the injected delay: on a
   * loaded machine timers fire late (tens of ms at times), so the realised latencies, not
   * the requested ones, are the ground truth the histogram is judged against.
   */
  readonly realised = new Map<string, number[]>();

  /** Call `i` of `spec` through toolscope's `withTool`; a planned failure is swallowed. */
  async call(spec: ToolSpec, i: number): Promise<void> {
    const set = this.made.get(spec.name) ?? new Set<number>();
    this.made.set(spec.name, set);
    set.add(i);
    await withTool({ name: spec.name }, async () => {
      const ms = spec.latencyMs(i);
      const t0 = performance.now();
      if (ms > 0) await delay(ms);
      const list = this.realised.get(spec.name) ?? [];
      this.realised.set(spec.name, list);
      list[i] = (performance.now() - t0) / 1000;
      if (spec.fails(i)) throw new ToolError(`${spec.name} call ${i} timed out`);
      return 'ok';
    }).catch((err: unknown) => {
      if (!(err instanceof ToolError)) throw err;
    });
  }

  /** Every call of `tools` not made yet, at most `limit` in flight. */
  async runAll(tools: readonly ToolSpec[], limit = 100): Promise<void> {
    const tasks = tools.flatMap((spec) =>
      Array.from({ length: CALLS }, (_, i) => i)
        .filter((i) => !this.made.get(spec.name)?.has(i))
        .map((i) => () => this.call(spec, i)),
    );
    let next = 0;
    const worker = async () => {
      while (next < tasks.length) await tasks[next++]!();
    };
    await Promise.all(Array.from({ length: limit }, worker));
  }
}

const X = 'gen_ai_execute_tool_duration_seconds';

/**
 * How a path's tool durations are read from Prometheus: `classic` (`_bucket`/`_count` series,
 * path a; within 5 %) or `native` (native histograms, path b; within 2 %), for the tools of
 * the series `selector` matches.
 */
export function prometheusReader(
  kind: 'classic' | 'native',
  selector: string,
  prom: { value(q: string): Promise<number | undefined> },
): AccuracyReader {
  const tool = (name: string, extra = '') => `{${selector}, gen_ai_tool_name="${name}"${extra}}`;
  const ok = ', error_type=""';
  return kind === 'classic'
    ? {
        label: 'path (a) classic buckets, scrape',
        tolerance: 0.05,
        count: (name) => prom.value(`sum(${X}_count${tool(name)})`),
        successes: (name) => prom.value(`sum(${X}_count${tool(name, ok)})`),
        quantile: (name, q) =>
          prom.value(`histogram_quantile(${q}, sum by (le) (${X}_bucket${tool(name)}))`),
      }
    : {
        label: 'path (b) native histograms, OTLP',
        tolerance: 0.02,
        count: (name) => prom.value(`sum(histogram_count(${X}${tool(name)}))`),
        successes: (name) => prom.value(`sum(histogram_count(${X}${tool(name, ok)}))`),
        quantile: (name, q) => prom.value(`histogram_quantile(${q}, sum(${X}${tool(name)}))`),
      };
}

/** `toolscope report --prometheus` over the last 5 minutes of the series `selector` matches. */
export async function reportFromPrometheus(url: string, selector: string, now = Date.now()) {
  const source = new PrometheusSource({ url, selector, timeoutMs: 10_000 });
  try {
    return await buildReport(source, { window: '5m', now, compare: false });
  } finally {
    await source.close();
  }
}

/** How one path's Prometheus answers are read. */
export interface AccuracyReader {
  /** Printed with each figure, e.g. `path (a) classic`. */
  readonly label: string;
  /** Allowed |relative error| of p50/p95/p99. */
  readonly tolerance: number;
  /** The calls Prometheus holds for `tool`, or undefined. */
  count(tool: string): Promise<number | undefined>;
  /** The calls without `error_type` for `tool`. */
  successes(tool: string): Promise<number | undefined>;
  /** Prometheus' q-quantile of `tool`'s durations, seconds. */
  quantile(tool: string, q: number): Promise<number | undefined>;
}

/**
 * Waits (bounded) until Prometheus holds every call of each tool, then checks p50/p95/p99
 * against the exact nearest-rank percentiles of the realised latencies, and the success rate
 * exactly. Prints each figure.
 */
export async function expectAccuracy(
  tools: readonly ToolSpec[],
  workload: Workload,
  reader: AccuracyReader,
  pollUntil: <T>(
    fn: () => Promise<T | undefined | false>,
    o: { timeoutMs: number; description: string },
  ) => Promise<T>,
): Promise<void> {
  for (const spec of tools) {
    await pollUntil(async () => (await reader.count(spec.name)) === CALLS, {
      timeoutMs: 30_000,
      description: `${CALLS} calls of ${spec.name} in Prometheus (${reader.label})`,
    });
    const injected = workload.realised.get(spec.name)!;
    expect(injected.filter((v) => v !== undefined)).toHaveLength(CALLS);
    for (const p of [0.5, 0.95, 0.99]) {
      const got = await reader.quantile(spec.name, p);
      const exact = nearestRank(injected, p);
      expect(got, `${spec.name} p${p * 100}`).toBeDefined();
      const error = Math.abs(got! - exact) / exact;
      console.log(
        `[e2e] ${reader.label}: ${spec.name} p${p * 100}: prometheus ${(got! * 1000).toFixed(1)} ms, exact ${(exact * 1000).toFixed(1)} ms, error ${(error * 100).toFixed(2)} %`,
      );
      expect(error, `${spec.name} p${p * 100}: ${got} vs exact ${exact}`).toBeLessThanOrEqual(
        reader.tolerance,
      );
    }
    const expectedSuccesses = Array.from({ length: CALLS }, (_, i) => i).filter(
      (i) => !spec.fails(i),
    ).length;
    expect(await reader.successes(spec.name), `${spec.name} successes`).toBe(expectedSuccesses);
  }
}

/**
 * `toolscope report --prometheus` on the same data: each tool's calls, and p50/p95/p99 within
 * `tolerance` of the exact percentiles of the realised latencies. Prints each figure.
 */
export function expectReportAccuracy(
  report: Report,
  tools: readonly ToolSpec[],
  workload: Workload,
  label: string,
  tolerance: number,
): void {
  for (const spec of tools) {
    const t = report.tools.find((x) => x.tool === spec.name);
    expect(t, `${spec.name} in the report`).toBeDefined();
    expect(t!.calls, `${spec.name} calls`).toBe(CALLS);
    const injected = workload.realised.get(spec.name)!;
    for (const [p, key] of [
      [0.5, 'p50'],
      [0.95, 'p95'],
      [0.99, 'p99'],
    ] as const) {
      const got = t!.durationMs[key]! / 1000;
      const exact = nearestRank(injected, p);
      const error = Math.abs(got - exact) / exact;
      console.log(
        `[e2e] ${label}, report: ${spec.name} ${key}: ${(got * 1000).toFixed(1)} ms, exact ${(exact * 1000).toFixed(1)} ms, error ${(error * 100).toFixed(2)} %`,
      );
      expect(error, `${spec.name} ${key}: ${got} vs exact ${exact}`).toBeLessThanOrEqual(tolerance);
    }
  }
}
