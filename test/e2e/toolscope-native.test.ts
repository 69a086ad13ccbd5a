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
import { withWorkflow } from '@toolscope/instrumentation';
import { startToolscope, type Toolscope } from '@toolscope/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, pollUntil, prometheus3 } from './backends.ts';
import { expectAccuracy, lognormalTools, Workload } from './workload.ts';

const RUN_ID = randomUUID();
const SHORT = RUN_ID.slice(0, 8);
const SERVICE = `toolscope-e2e-native-${SHORT}`;
const SEL = `service_name="${SERVICE}"`;
const X = 'gen_ai_execute_tool_duration_seconds';

const TOOLS = lognormalTools(`n${SHORT}`);
const workload = new Workload();
let toolscope: Toolscope;

beforeAll(() => {
  toolscope = startToolscope({
    serviceName: SERVICE,
    endpoint: backends().TOOLSCOPE_PUSH_OTLP_HTTP_ENDPOINT,
    resourceAttributes: { 'service.instance.id': RUN_ID, 'deployment.environment.name': 'e2e' },
    histograms: 'exponential',
    metricExportIntervalMs: 1_000,
    metricExportTimeoutMs: 1_000,
    batch: { scheduledDelayMillis: 100, exportTimeoutMillis: 2_000 },
    mcp: false,
  });
});

afterAll(async () => {
  await toolscope?.shutdown();
});

describe("toolscope with histograms: 'exponential' -> collector -> Prometheus 3's OTLP receiver", () => {
  it('per-tool p50/p95/p99 from native histograms are within 2 % of the exact percentiles; success rate is exact', async () => {
    await withWorkflow({ name: `batch_${SHORT}` }, () => workload.runAll(TOOLS));
    await toolscope.forceFlush();
    const tool = (name: string, extra = '') => `{${SEL}, gen_ai_tool_name="${name}"${extra}}`;
    await expectAccuracy(
      TOOLS,
      workload,
      {
        label: 'path (b) native histograms, OTLP',
        tolerance: 0.02,
        count: (name) => prometheus3.value(`sum(histogram_count(${X}${tool(name)}))`),
        successes: (name) =>
          prometheus3.value(`sum(histogram_count(${X}${tool(name, ', error_type=""')}))`),
        quantile: (name, q) =>
          prometheus3.value(`histogram_quantile(${q}, sum(${X}${tool(name)}))`),
      },
      pollUntil,
    );
    // Native histograms only: no classic series for this service, workflows included.
    expect(await prometheus3.query(`{__name__=~"${X}_.+", ${SEL}}`)).toEqual([]);
    const [wf] = await prometheus3.query(
      `gen_ai_workflow_duration_seconds{${SEL}, gen_ai_workflow_name="batch_${SHORT}"}`,
    );
    expect(wf?.histogram?.[1].count).toBe('1');
  });
});
