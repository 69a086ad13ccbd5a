/**
 * The two documented paths to Prometheus 3, with the raw OpenTelemetry SDK (no toolscope
 * code), and Prometheus 2.x on the scrape path:
 *
 * - path (b), push: OTLP straight from the SDK to Prometheus' OTLP receiver, and through the
 *   second collector (`collector-push`: the shipped otelcol.yaml with
 *   COLLECTOR_METRICS_EXPORTER=otlp_http/prometheus). Exponential histograms are stored as
 *   native histograms; names and labels are those of the scrape path (a).
 * - one tool on both paths at once: the alert rules count it once.
 * - the names other `translation_strategy` settings give (docs/telemetry.md).
 * - Prometheus 2.42 scraping the same collector: the same rules fire.
 *
 * Path (a) itself (collector -> prometheus exporter -> scrape) is `pipeline.test.ts`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { seededRandom } from '@toolscope/instrumentation/internal';
import { afterAll, describe, expect, it } from 'vitest';
import type { PrometheusClient } from '../support/backend-clients.ts';
import { nearestRank, stratifiedLognormal } from '../support/random.ts';
import {
  backends,
  firingToolAlert,
  getText,
  pollUntil,
  prometheus2,
  prometheus3,
  REPO_ROOT,
} from './backends.ts';
import {
  contractMeterProvider,
  contractSeries,
  createContractInstruments,
  type HistogramAggregation,
  recordContract,
} from './contract.ts';

const RUN = randomUUID().slice(0, 8);
const X = 'gen_ai_execute_tool_duration_seconds';

const providers: Array<{ shutdown(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.allSettled(providers.map((p) => p.shutdown()));
});

function resourceOf(service: string): Record<string, string> {
  return {
    'service.name': service,
    'service.instance.id': `${service}-0`,
    'deployment.environment.name': 'e2e',
  };
}

/** A meter provider pushing to `url` every second (the contract's instruments on it). */
function meterProvider(
  url: string,
  service: string,
  histograms: HistogramAggregation,
): MeterProvider {
  const mp = contractMeterProvider(url, resourceOf(service), histograms);
  providers.push(mp);
  return mp;
}

/**
 * The tool-duration histogram of `service` on both paths: explicit through the scrape
 * collector (classic buckets) and exponential straight to Prometheus' receiver (native).
 */
function toolDurationOnBothPaths(service: string) {
  return {
    classic: createContractInstruments(meterProvider(scrapeCollectorUrl(), service, 'explicit'))
      .toolDuration,
    native: createContractInstruments(meterProvider(directUrl(), service, 'exponential'))
      .toolDuration,
  };
}

const directUrl = () => `${backends().TOOLSCOPE_PROMETHEUS_OTLP_ENDPOINT}/v1/metrics`;
const pushCollectorUrl = () => `${backends().TOOLSCOPE_PUSH_OTLP_HTTP_ENDPOINT}/v1/metrics`;
const scrapeCollectorUrl = () => `${backends().TOOLSCOPE_OTLP_HTTP_ENDPOINT}/v1/metrics`;

/** The lognormal workload of the toolscope e2e test (seconds), 1,000 calls per tool. */
const CALLS = 1000;
const random = seededRandom(7);
const WORKLOAD = [
  { tool: 'search', values: stratifiedLognormal(CALLS, 0.3, 0.3, random), failEvery: 0 },
  { tool: 'rank', values: stratifiedLognormal(CALLS, 0.25, 0.7, random), failEvery: 0 },
  // 3 calls in 10 fail: success rate exactly 0.7.
  { tool: 'flaky', values: stratifiedLognormal(CALLS, 0.2, 0.45, random), failEvery: 10 },
];

/** Polls until the query answers one sample, returns it. */
async function oneSample(prom: PrometheusClient, query: string, description: string) {
  return pollUntil(
    async () => {
      const r = await prom.query(query);
      return r.length > 0 ? r : undefined;
    },
    { timeoutMs: 30_000, description },
  );
}

describe('path (b): the SDK pushes OTLP straight to Prometheus 3', () => {
  const service = `toolscope-e2e-otlp-${RUN}`;
  const sel = `service_name="${service}"`;

  it('exponential histograms are native histograms: histogram_quantile p50/p95/p99 within 2 % (lognormal), success rate exact', async () => {
    const mp = meterProvider(directUrl(), service, 'exponential');
    const h = createContractInstruments(mp).toolDuration;
    for (const { tool, values, failEvery } of WORKLOAD) {
      for (const [i, v] of values.entries()) {
        h.record(v, {
          'gen_ai.tool.name': `${tool}_${RUN}`,
          'gen_ai.tool.type': 'function',
          ...(failEvery > 0 && i % failEvery < 3 ? { 'error.type': 'ETIMEDOUT' } : {}),
        });
      }
    }
    await mp.forceFlush();
    for (const { tool, values, failEvery } of WORKLOAD) {
      const t = `gen_ai_tool_name="${tool}_${RUN}"`;
      await pollUntil(
        async () =>
          (await prometheus3().value(`sum(histogram_count(${X}{${sel}, ${t}}))`)) === CALLS,
        { timeoutMs: 30_000, description: `${CALLS} calls of ${tool} as a native histogram` },
      );
      const [sample] = await prometheus3().query(`${X}{${sel}, ${t}, error_type=""}`);
      expect(sample?.histogram, 'a native histogram sample').toBeDefined();
      expect(
        await prometheus3().query(`{__name__=~"${X}_.+", ${sel}}`),
        'no classic series',
      ).toEqual([]);
      for (const p of [0.5, 0.95, 0.99]) {
        const got = (await prometheus3().value(
          `histogram_quantile(${p}, sum(${X}{${sel}, ${t}}))`,
        ))!;
        const exact = nearestRank(values, p);
        const error = Math.abs(got - exact) / exact;
        console.log(
          `[e2e] path (b) native, SDK direct: ${tool} p${p * 100} ${(got * 1000).toFixed(1)} ms, exact ${(exact * 1000).toFixed(1)} ms, error ${(error * 100).toFixed(2)} %`,
        );
        expect(error, `${tool} p${p * 100}: ${got} vs exact ${exact}`).toBeLessThanOrEqual(0.02);
      }
      const success = await prometheus3().value(
        `sum(histogram_count(${X}{${sel}, ${t}, error_type=""})) / sum(histogram_count(${X}{${sel}, ${t}}))`,
      );
      expect(success).toBe(failEvery > 0 ? 0.7 : 1);
    }
  });

  for (const [histograms, kind] of [
    ['exponential', 'native'],
    ['explicit', 'classic'],
  ] as const) {
    it(`every contract metric arrives under the scrape path's names and labels (${histograms} histograms: ${kind})`, async () => {
      const svc = `${service}-${histograms}`;
      const tool = `contract_${RUN}`;
      const mp = meterProvider(directUrl(), svc, histograms);
      const instruments = createContractInstruments(mp);
      instruments.toolDuration.record(0.2, {
        'gen_ai.tool.name': tool,
        'gen_ai.tool.type': 'function',
      });
      recordContract(instruments, tool, `other_${RUN}`);
      await mp.forceFlush();
      for (const [name, labels] of Object.entries(contractSeries(tool, `other_${RUN}`, kind))) {
        const [s] = await oneSample(
          prometheus3(),
          `${name}{service_name="${svc}", ${labels}}`,
          `${name}{${labels}} over OTLP`,
        );
        // The labels the collector's exporter adds on path (a), from the `otlp:` block.
        expect(s!.metric, name).toMatchObject({
          job: svc,
          instance: `${svc}-0`,
          service_name: svc,
          service_instance_id: `${svc}-0`,
          deployment_environment_name: 'e2e',
        });
        expect(s!.metric.otel_scope_name, name).toMatch(/^toolscope-e2e/);
      }
    });
  }
});

describe('path (b) through the collector (otelcol.yaml, COLLECTOR_METRICS_EXPORTER=otlp_http/prometheus)', () => {
  const service = `toolscope-e2e-push-${RUN}`;
  const sel = `service_name="${service}"`;
  const tool = `pushed_${RUN}`;
  const failing = `pushed_broken_${RUN}`;

  it('native histograms, the classic span metrics and their exemplars arrive; a failing tool fires ToolErrorRateHigh from native data', async () => {
    expect(await getText(backends().TOOLSCOPE_PUSH_COLLECTOR_HEALTH_URL)).toBe('{}');
    const mp = meterProvider(pushCollectorUrl(), service, 'exponential');
    const tp = new TracerProvider({
      resource: resourceFromAttributes(resourceOf(service)),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({
            url: `${backends().TOOLSCOPE_PUSH_OTLP_HTTP_ENDPOINT}/v1/traces`,
            timeoutMillis: 2_000,
          }),
          scheduledDelayMillis: 100,
        }),
      ],
    });
    providers.push(tp);
    const h = createContractInstruments(mp).toolDuration;
    const tracer = tp.getTracer('toolscope-e2e');
    const call = (name: string, seconds: number, errorType?: string) => {
      const start = Date.now() - seconds * 1000;
      const span = tracer.startSpan(
        `execute_tool ${name}`,
        {
          startTime: start,
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name },
        },
        context.active(),
      );
      if (errorType) {
        span.setAttribute('error.type', errorType);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end(start + seconds * 1000);
      h.record(seconds, {
        'gen_ai.tool.name': name,
        'gen_ai.tool.type': 'function',
        ...(errorType ? { 'error.type': errorType } : {}),
      });
    };
    for (let i = 0; i < 20; i++) call(tool, 0.05 + i * 0.01);
    await Promise.all([mp.forceFlush(), tp.forceFlush()]);

    const [native] = await oneSample(
      prometheus3(),
      `${X}{${sel}, gen_ai_tool_name="${tool}"}`,
      'the native histogram pushed by the collector',
    );
    expect(native!.histogram?.[1].count).toBe('20');
    const spanMetrics = `traces_span_metrics_duration_milliseconds_bucket{${sel}, span_name="execute_tool ${tool}"}`;
    await oneSample(
      prometheus3(),
      spanMetrics,
      'span_metrics over OTLP (explicit buckets: classic)',
    );
    // Their exemplars travel over OTLP too.
    const since = new Date(Date.now() - 120_000);
    const traceId = await pollUntil(
      async () =>
        (await prometheus3().exemplars(spanMetrics, since, new Date(Date.now() + 60_000)))
          .flatMap((s) => s.exemplars.map((e) => e.labels.trace_id))
          .find((id) => id !== undefined),
      { timeoutMs: 30_000, description: `an exemplar on ${spanMetrics}` },
    );
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    let i = 0;
    const timer = setInterval(() => {
      // 1 success in 5 calls: an 80 % error ratio.
      call(failing, 0.01, i++ % 5 === 0 ? undefined : 'ECONNRESET');
    }, 100);
    try {
      const alert = await firingToolAlert(prometheus3(), 'ToolErrorRateHigh', failing);
      expect(Number(alert.value)).toBeGreaterThan(0.5);
      expect(
        await prometheus3().query(`{__name__=~"${X}_.+", gen_ai_tool_name="${failing}"}`),
        'the alert came from native histograms only',
      ).toEqual([]);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('one tool on both paths at once', () => {
  it('the rules count it once (native histograms first), not twice', async () => {
    const tool = `both_${RUN}`;
    const service = `toolscope-e2e-both-${RUN}`;
    // The same calls as classic buckets (scrape path) and as a native histogram (OTLP).
    const { classic, native } = toolDurationOnBothPaths(service);
    const attrs = { 'gen_ai.tool.name': tool, 'gen_ai.tool.type': 'function' };
    const timer = setInterval(() => {
      for (let k = 0; k < 5; k++) {
        classic.record(0.1, attrs);
        native.record(0.1, attrs);
      }
    }, 100);
    try {
      // Both kinds present, and the rule's rate is the native one alone (about 50/s), not
      // the sum of both (about 100/s).
      const ratio = await pollUntil(
        async () => {
          const rule = await prometheus3().value(
            `sum(toolscope:tool_calls:rate1m{gen_ai_tool_name="${tool}"})`,
          );
          const nativeOnly = await prometheus3().value(
            `sum(histogram_count(rate(${X}{gen_ai_tool_name="${tool}"}[1m])))`,
          );
          const classicOnly = await prometheus3().value(
            `sum(rate(${X}_count{gen_ai_tool_name="${tool}"}[1m]))`,
          );
          if (!rule || !nativeOnly || !classicOnly) return undefined;
          // Rule and query are evaluated a moment apart while the rates settle: wait until
          // they agree. Counting both kinds would settle at 2, never in this band.
          const r = rule / nativeOnly;
          if (r > 0.8 && r < 1.25) return r;
          throw new Error(
            `rule/native ${r.toFixed(3)} (rule ${rule}/s, native ${nativeOnly}/s, classic ${classicOnly}/s)`,
          );
        },
        { timeoutMs: 60_000, intervalMs: 500, description: `both kinds of ${tool}` },
      );
      expect(ratio).toBeLessThan(1.25);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('the overview dashboard on both kinds', () => {
  it('its Tools table answers for a classic and a native tool: calls, success, p95, objective', async () => {
    const dashboard = JSON.parse(
      readFileSync(
        join(REPO_ROOT, 'collector-config/grafana/provisioning/dashboards/toolscope/overview.json'),
        'utf8',
      ),
    ) as { panels: Array<{ title: string; targets: Array<{ refId: string; expr: string }> }> };
    const tools = dashboard.panels.find((p) => p.title === 'Tools')!.targets;
    const expr = (refId: string) =>
      tools
        .find((t) => t.refId === refId)!
        .expr.replaceAll('$__range', '1m')
        .replaceAll('$service', '.*');
    const service = `toolscope-e2e-overview-${RUN}`;
    const classicTool = `overview_classic_${RUN}`;
    const nativeTool = `overview_native_${RUN}`;
    const { classic, native } = toolDurationOnBothPaths(service);
    let i = 0;
    const timer = setInterval(() => {
      for (let k = 0; k < 5; k++, i++) {
        classic.record(0.1, { 'gen_ai.tool.name': classicTool, 'gen_ai.tool.type': 'function' });
        native.record(0.2, {
          'gen_ai.tool.name': nativeTool,
          'gen_ai.tool.type': 'function',
          ...(i % 5 === 0 ? { 'error.type': 'ECONNRESET' } : {}),
        });
      }
    }, 100);
    const byTool = async (refId: string) =>
      Object.fromEntries(
        (await prometheus3().query(expr(refId))).map((s) => [
          s.metric.gen_ai_tool_name,
          Number(s.value[1]),
        ]),
      );
    try {
      // Calls from both kinds, once each traffic has a few seconds of history.
      await pollUntil(
        async () => {
          const calls = await byTool('A');
          return (calls[classicTool] ?? 0) > 20 && (calls[nativeTool] ?? 0) > 20;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: 'overview calls of both tools' },
      );
      const success = await byTool('B');
      expect(success[classicTool]).toBe(1);
      expect(success[nativeTool]).toBeGreaterThan(0.7);
      expect(success[nativeTool]).toBeLessThan(0.9);
      const p95 = await byTool('C');
      // Classic: 0.1 s on a bucket bound; native: 0.2 s within a 1% bucket.
      expect(Math.abs(p95[classicTool]! - 0.1) / 0.1).toBeLessThan(0.12);
      expect(Math.abs(p95[nativeTool]! - 0.2) / 0.2).toBeLessThan(0.02);
      const objective = await byTool('D');
      expect([objective[classicTool], objective[nativeTool]]).toEqual([2, 2]);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('translation_strategy (the names docs/telemetry.md lists)', () => {
  it('other strategies give UTF-8 or suffix-less names; the shipped one gives the contract names', async () => {
    const config = backends().TOOLSCOPE_PROMETHEUS_CONFIG;
    const shipped = readFileSync(config, 'utf8');
    const reload = async () => {
      const res = await fetch(new URL('/-/reload', backends().TOOLSCOPE_PROMETHEUS_URL), {
        method: 'POST',
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status, await res.text()).toBe(200);
    };
    const expected: Record<string, { duration: string; retries: string; tool: string }> = {
      UnderscoreEscapingWithSuffixes: {
        duration: X,
        retries: 'toolscope_tool_retries_total',
        tool: 'gen_ai_tool_name',
      },
      NoUTF8EscapingWithSuffixes: {
        duration: 'gen_ai.execute_tool.duration_seconds',
        retries: 'toolscope.tool.retries_total',
        tool: 'gen_ai.tool.name',
      },
      NoTranslation: {
        duration: 'gen_ai.execute_tool.duration',
        retries: 'toolscope.tool.retries',
        tool: 'gen_ai.tool.name',
      },
      UnderscoreEscapingWithoutSuffixes: {
        duration: 'gen_ai_execute_tool_duration',
        retries: 'toolscope_tool_retries',
        tool: 'gen_ai_tool_name',
      },
    };
    expect(shipped).toMatch(/^ {2}translation_strategy: UnderscoreEscapingWithSuffixes$/m);
    try {
      for (const [strategy, names] of Object.entries(expected)) {
        writeFileSync(
          config,
          shipped.replace(
            /^( {2}translation_strategy:).*$/m,
            (_, key: string) => `${key} ${strategy}`,
          ),
        );
        await reload();
        const svc = `toolscope-e2e-names-${strategy}-${RUN}`;
        const mp = meterProvider(directUrl(), svc, 'exponential');
        const i = createContractInstruments(mp);
        i.toolDuration.record(0.2, { 'gen_ai.tool.name': 'names' });
        i.retries.add(1, { 'gen_ai.tool.name': 'names' });
        await mp.forceFlush();
        const series = await pollUntil(
          async () => {
            const r = await prometheus3().query(`{job="${svc}", __name__!="target_info"}`);
            return r.length >= 2 ? r : undefined;
          },
          { timeoutMs: 30_000, description: `series of ${svc}` },
        );
        const got = Object.fromEntries(series.map((s) => [s.metric.__name__, s.metric]));
        console.log(
          `[e2e] translation_strategy ${strategy}: ${Object.keys(got).sort().join(', ')}`,
        );
        expect(Object.keys(got).sort()).toEqual([names.duration, names.retries].sort());
        expect(got[names.duration]![names.tool]).toBe('names');
        await mp.shutdown();
      }
    } finally {
      writeFileSync(config, shipped);
      await reload();
    }
  });
});

describe('Prometheus 2.x on the scrape path (a)', () => {
  it('scrapes the same collector and fires the same ToolErrorRateHigh from classic buckets', async () => {
    const service = `toolscope-e2e-v2-${RUN}`;
    const failing = `v2_broken_${RUN}`;
    const h = createContractInstruments(
      meterProvider(scrapeCollectorUrl(), service, 'explicit'),
    ).toolDuration;
    let i = 0;
    const timer = setInterval(() => {
      h.record(0.01, {
        'gen_ai.tool.name': failing,
        'gen_ai.tool.type': 'function',
        ...(i++ % 5 === 0 ? {} : { 'error.type': 'ECONNRESET' }),
      });
    }, 100);
    try {
      for (const prom of [prometheus2(), prometheus3()]) {
        const alert = await firingToolAlert(prom, 'ToolErrorRateHigh', failing);
        expect(Number(alert.value)).toBeGreaterThan(0.5);
      }
      const build = JSON.parse(
        await getText(
          new URL('/api/v1/status/buildinfo', backends().TOOLSCOPE_PROMETHEUS_V2_URL).href,
        ),
      ) as { data: { version: string } };
      expect(build.data.version).toMatch(/^2\./);
    } finally {
      clearInterval(timer);
    }
  });
});
