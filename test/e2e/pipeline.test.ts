/**
 * The bundled pipeline with the raw OpenTelemetry SDK (no toolscope code): spans and
 * metrics sent over OTLP/HTTP to the real collector arrive in Jaeger and Prometheus under
 * the names the telemetry contract promises, span_metrics exemplars lead to traces
 * Jaeger returns, and data flows again after the collector is killed and restarted.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Attributes, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearestRank } from '../support/random.ts';
import {
  backends,
  backendsCommand,
  dashboardQueries,
  getText,
  jaegerFindTraces,
  jaegerTrace,
  pollUntil,
  promAlerts,
  promExemplars,
  prometheus2,
  prometheus3,
  promQuery,
  promValue,
  REPO_ROOT,
  spanTag,
} from './backends.ts';
import {
  type ContractInstruments,
  contractMeterProvider,
  contractSeries,
  createContractInstruments,
  recordContract,
} from './contract.ts';

const RUN_ID = randomUUID();
const SHORT = RUN_ID.slice(0, 8);
const SERVICE = `toolscope-e2e-pipeline-${SHORT}`;
const TOOL = `smoke_search_${SHORT}`;
const FAILING_TOOL = `smoke_flaky_${SHORT}`;
const CHAOS_TOOL = `smoke_chaos_${SHORT}`;
const SEL = `service_name="${SERVICE}"`;

let tracerProvider: TracerProvider;
let meterProvider: MeterProvider;
let startedAt: Date;

function setupSdk(): void {
  const { TOOLSCOPE_OTLP_HTTP_ENDPOINT: otlp } = backends();
  const attributes = {
    'service.name': SERVICE,
    'service.instance.id': RUN_ID,
    'deployment.environment.name': 'e2e',
  };
  tracerProvider = new TracerProvider({
    resource: resourceFromAttributes(attributes),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${otlp}/v1/traces`, timeoutMillis: 2_000 }),
        scheduledDelayMillis: 100,
        maxQueueSize: 2048,
      }),
    ],
  });
  meterProvider = contractMeterProvider(`${otlp}/v1/metrics`, attributes);
}

function tracer() {
  return tracerProvider.getTracer('toolscope-e2e');
}

/** Contract instruments (docs/telemetry.md), created once. */
let instruments: ContractInstruments;

/** A tool call: an `execute_tool` span under `parent` plus its duration metric point. */
function toolCall(parent: Span, tool: string, seconds: number, errorType?: string): void {
  const ctx = trace.setSpan(context.active(), parent);
  const start = Date.now() - seconds * 1000;
  const span = tracer().startSpan(
    `execute_tool ${tool}`,
    {
      startTime: start,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': tool,
        'gen_ai.tool.type': 'function',
        'test.run_id': RUN_ID,
      },
    },
    ctx,
  );
  const attrs: Attributes = { 'gen_ai.tool.name': tool, 'gen_ai.tool.type': 'function' };
  if (errorType) {
    span.setAttribute('error.type', errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
    attrs['error.type'] = errorType;
  }
  span.end(start + seconds * 1000);
  instruments.toolDuration.record(seconds, attrs);
}

function workflow(name: string, attributes: Attributes, body: (span: Span) => void): string {
  const span = tracer().startSpan(`invoke_workflow ${name}`, {
    attributes: {
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': name,
      'test.run_id': RUN_ID,
      ...attributes,
    },
  });
  body(span);
  span.end();
  instruments.workflowExecutions.add(1, {
    'gen_ai.workflow.name': name,
    'toolscope.workflow.outcome': 'completed',
  });
  return span.spanContext().traceId;
}

async function flush(): Promise<void> {
  await tracerProvider.forceFlush();
  await meterProvider.forceFlush();
}

beforeAll(() => {
  setupSdk();
  instruments = createContractInstruments(meterProvider);
  startedAt = new Date(Date.now() - 60_000);
});

afterAll(async () => {
  await tracerProvider?.shutdown();
  await meterProvider?.shutdown();
});

describe('raw OTel SDK -> collector -> Jaeger + Prometheus', () => {
  // 5 ms .. 1000 ms in 5 ms steps: p50 = 500 ms, p95 = 950 ms, p99 = 990 ms.
  const latencies = Array.from({ length: 200 }, (_, i) => (i + 1) * 0.005);
  let traceId: string;

  it('a trace is found in Jaeger by a tag, tool spans under the workflow span', async () => {
    traceId = workflow('smoke', { 'test.case': 'trace' }, (wf) => {
      toolCall(wf, TOOL, 0.012);
      toolCall(wf, FAILING_TOOL, 0.02, 'TimeoutError');
    });
    await flush();

    const traces = await pollUntil(
      async () => {
        const found = await jaegerFindTraces(SERVICE, {
          'test.run_id': RUN_ID,
          'test.case': 'trace',
        });
        // Spans arrive in batches: wait for the whole trace (workflow + 2 tool spans).
        return found.length > 0 && found[0]!.spans.length >= 3 ? found : undefined;
      },
      { timeoutMs: 30_000, description: `a trace of ${SERVICE} tagged test.case=trace in Jaeger` },
    );
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.traceID).toBe(traceId);
    const root = t.spans.find((s) => s.operationName === 'invoke_workflow smoke')!;
    expect(root).toBeDefined();
    const tools = t.spans.filter((s) => s.operationName.startsWith('execute_tool '));
    expect(tools.map((s) => s.operationName).sort()).toEqual(
      [`execute_tool ${FAILING_TOOL}`, `execute_tool ${TOOL}`].sort(),
    );
    for (const s of tools) {
      expect(s.references).toContainEqual(
        expect.objectContaining({ refType: 'CHILD_OF', spanID: root.spanID }),
      );
    }
    const failing = tools.find((s) => s.operationName === `execute_tool ${FAILING_TOOL}`)!;
    expect(spanTag(failing, 'error.type')).toBe('TimeoutError');
    expect(spanTag(failing, 'otel.status_code')).toBe('ERROR');
    expect(t.processes[root.processID]!.serviceName).toBe(SERVICE);
  });

  it('Prometheus answers histogram_quantile p50/p95/p99 within 5 % of the exact percentiles', async () => {
    workflow('latency', { 'test.case': 'latency' }, (wf) => {
      for (const s of latencies) toolCall(wf, TOOL, s);
    });
    await flush();
    const total = latencies.length + 1; // + the call in the first test
    await pollUntil(
      async () =>
        (await promValue(
          `sum(gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${TOOL}"})`,
        )) === total,
      { timeoutMs: 30_000, description: `${total} calls of ${TOOL} in Prometheus` },
    );
    const all = [...latencies, 0.012];
    for (const p of [0.5, 0.95, 0.99]) {
      const got = await promValue(
        `histogram_quantile(${p}, sum by (le) (gen_ai_execute_tool_duration_seconds_bucket{${SEL}, gen_ai_tool_name="${TOOL}"}))`,
      );
      const exact = nearestRank(all, p);
      expect(got, `p${p * 100}`).toBeDefined();
      expect(
        Math.abs(got! - exact) / exact,
        `p${p * 100}: ${got} vs exact ${exact}`,
      ).toBeLessThanOrEqual(0.05);
    }
  });

  it('success rate per tool is exact (error_type="" counts the successes)', async () => {
    // FAILING_TOOL: 1 failure from the first test + 3 more failures + 6 successes.
    workflow('flaky', { 'test.case': 'flaky' }, (wf) => {
      for (let i = 0; i < 3; i++) toolCall(wf, FAILING_TOOL, 0.03, 'TimeoutError');
      for (let i = 0; i < 6; i++) toolCall(wf, FAILING_TOOL, 0.01);
    });
    await flush();
    const rate = `sum(gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${FAILING_TOOL}", error_type=""}) / sum(gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${FAILING_TOOL}"})`;
    const value = await pollUntil(
      async () => {
        const total = await promValue(
          `sum(gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${FAILING_TOOL}"})`,
        );
        return total === 10 ? promValue(rate) : undefined;
      },
      { timeoutMs: 30_000, description: `10 calls of ${FAILING_TOOL} in Prometheus` },
    );
    expect(value).toBe(0.6);
    const series = await promQuery(
      `gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${FAILING_TOOL}"}`,
    );
    expect(series.map((s) => s.metric.error_type ?? '').sort()).toEqual(['', 'TimeoutError']);
    for (const s of series) {
      expect(s.metric).toMatchObject({
        gen_ai_tool_type: 'function',
        job: SERVICE,
        instance: RUN_ID,
        service_name: SERVICE,
        deployment_environment_name: 'e2e',
      });
    }
  });

  it('every contract metric reaches Prometheus under its contract name', async () => {
    recordContract(instruments, TOOL, FAILING_TOOL);
    await flush();

    const expected = contractSeries(TOOL, FAILING_TOOL, 'classic');
    for (const [name, labels] of Object.entries(expected)) {
      const series = await pollUntil(
        async () => {
          const r = await promQuery(`${name}{${SEL}, ${labels}}`);
          return r.length > 0 ? r : undefined;
        },
        { timeoutMs: 30_000, description: `${name}{${labels}} in Prometheus` },
      );
      expect(series.length, name).toBeGreaterThan(0);
    }
  });

  it('a DEGRADED health state makes ToolDegraded pending in Prometheus', async () => {
    // The previous test records state=degraded (value 1) for check TOOL; `for: 30s` keeps
    // the alert pending at first, which is enough to prove the rule matches the series.
    const alert = await pollUntil(
      async () =>
        (await promAlerts()).find(
          (a) =>
            a.labels.alertname === 'ToolDegraded' && a.labels.toolscope_health_check_id === TOOL,
        ),
      { timeoutMs: 30_000, description: `ToolDegraded for ${TOOL} in /api/v1/alerts` },
    );
    expect(['pending', 'firing']).toContain(alert.state);
    expect(alert.labels.severity).toBe('warning');
  });

  it('a failing tool makes ToolErrorRateHigh fire', async () => {
    const tool = `smoke_broken_${SHORT}`;
    let i = 0;
    const timer = setInterval(() => {
      // 1 success in 5 calls: an 80 % error ratio.
      workflow('broken', { 'test.case': 'broken' }, (wf) =>
        toolCall(wf, tool, 0.01, i++ % 5 === 0 ? undefined : 'ECONNRESET'),
      );
    }, 100);
    try {
      const alert = await pollUntil(
        async () =>
          (await promAlerts()).find(
            (a) =>
              a.labels.alertname === 'ToolErrorRateHigh' &&
              a.labels.gen_ai_tool_name === tool &&
              a.state === 'firing',
          ),
        { timeoutMs: 90_000, intervalMs: 500, description: `ToolErrorRateHigh firing for ${tool}` },
      );
      expect(alert.labels.severity).toBe('error');
      expect(Number(alert.value)).toBeGreaterThan(0.5);
      const ok = await promQuery(
        `ALERTS{alertname="ToolErrorRateHigh", gen_ai_tool_name="${TOOL}"}`,
      );
      expect(ok, 'the healthy tool does not alert').toEqual([]);
    } finally {
      clearInterval(timer);
    }
  });

  it('a span_metrics exemplar leads to a trace Jaeger returns', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      ids.add(workflow('exemplar', { 'test.case': 'exemplar' }, (wf) => toolCall(wf, TOOL, 0.04)));
    }
    await flush();
    const query = `traces_span_metrics_duration_milliseconds_bucket{${SEL}, span_name="execute_tool ${TOOL}"}`;
    const traceId = await pollUntil(
      async () => {
        const series = await promExemplars(query, startedAt, new Date(Date.now() + 60_000));
        const exemplarIds = series.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id));
        return exemplarIds.find((id) => id !== undefined);
      },
      { timeoutMs: 45_000, description: `an exemplar on ${query}` },
    );
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const t = await pollUntil(() => jaegerTrace(traceId), {
      timeoutMs: 30_000,
      description: `trace ${traceId} in Jaeger`,
    });
    expect(t.traceID).toBe(traceId);
    expect(t.spans.some((s) => s.operationName === `execute_tool ${TOOL}`)).toBe(true);
  });

  it('every dashboard query is valid PromQL on Prometheus 3 and on 2.x', async () => {
    const dir = join(REPO_ROOT, 'collector-config/grafana/provisioning/dashboards/toolscope');
    const dashboards = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(dashboards).toEqual(expect.arrayContaining(['overview.json', 'tool.json']));
    for (const file of dashboards) {
      for (const q of dashboardQueries(JSON.parse(readFileSync(join(dir, file), 'utf8')))) {
        const expr = q
          .replaceAll('$__rate_interval', '1m')
          .replaceAll('$__range', '1h')
          .replaceAll('$tool', TOOL)
          .replaceAll('$workflow', 'smoke')
          .replaceAll('$service', SERVICE)
          .replaceAll('$check', '.*');
        await expect(prometheus3().query(expr), `${file}: ${expr}`).resolves.toBeInstanceOf(Array);
        await expect(prometheus2().query(expr), `${file} (2.x): ${expr}`).resolves.toBeInstanceOf(
          Array,
        );
      }
    }
  });
});

describe('collector killed mid-run', () => {
  it('the app keeps running, and after a restart new data arrives', async () => {
    const countQuery = `sum(gen_ai_execute_tool_duration_seconds_count{${SEL}, gen_ai_tool_name="${CHAOS_TOOL}"})`;
    let calls = 0;
    let phase = 'before';
    const tick = () => {
      workflow('chaos', { 'test.case': 'chaos', 'test.phase': phase }, (wf) =>
        toolCall(wf, CHAOS_TOOL, 0.005),
      );
      calls++;
    };
    const timer = setInterval(tick, 20);
    try {
      await pollUntil(async () => ((await promValue(countQuery)) ?? 0) >= 20, {
        timeoutMs: 30_000,
        description: `${CHAOS_TOOL} calls in Prometheus before the kill`,
      });

      const countBeforeKill = (await promValue(countQuery)) ?? 0;
      backendsCommand('kill', 'collector');
      await expect(getText(backends().TOOLSCOPE_COLLECTOR_HEALTH_URL, 1_000)).rejects.toThrow();
      phase = 'during';
      const callsAtKill = calls;
      // Keep working while the collector is down: exports fail, the app must not.
      await pollUntil(() => calls >= callsAtKill + 50, {
        timeoutMs: 10_000,
        description: '50 calls while down',
      });
      // A flush while the collector is down may fail (ECONNREFUSED); the app carries on.
      await Promise.allSettled([tracerProvider.forceFlush(), meterProvider.forceFlush()]);

      const callsAtRestart = calls;
      backendsCommand('restart', 'collector');
      phase = 'after';

      const traces = await pollUntil(
        async () => {
          const found = await jaegerFindTraces(SERVICE, {
            'test.case': 'chaos',
            'test.phase': 'after',
          });
          return found.length > 0 ? found : undefined;
        },
        { timeoutMs: 45_000, description: 'a trace sent after the restart in Jaeger' },
      );
      expect(traces.length).toBeGreaterThan(0);
      // Metrics are cumulative in the SDK: the first export after the restart carries every
      // call, including those made while the collector was down.
      const after = await pollUntil(
        async () => {
          const v = (await promValue(countQuery)) ?? 0;
          return v >= callsAtRestart ? v : undefined;
        },
        {
          timeoutMs: 45_000,
          description: `${CHAOS_TOOL} count to reach ${callsAtRestart} after the restart (was ${countBeforeKill} before the kill)`,
        },
      );
      expect(after).toBeGreaterThan(countBeforeKill);
      expect(calls).toBeGreaterThan(callsAtKill + 50);
    } finally {
      clearInterval(timer);
      // Leave the stack as the other tests expect it.
      backendsCommand('start');
    }
  });
});
