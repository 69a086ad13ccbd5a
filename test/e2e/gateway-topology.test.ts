/**
 * The two-tier topology of collector-config/gateway, run on loopback with the real binaries:
 * six services (two instrumented with toolscope, one each with OpenInference and the AI SDK's
 * legacy and GenAI integrations, run for real, and one emitting OpenLLMetry's spans built from
 * its SDK's attribute names: fixtures/topology-service.ts) → two agent collectors → two
 * gateway collectors (tail sampling, span metrics) → Jaeger on Badger, and a Prometheus
 * scraping the gateways and every collector's own telemetry. Three sharded probes report
 * through the same agents.
 *
 * Everything is checked exactly against what the services report they did and what the
 * collector's own algorithms decide (test/support/collector-routing.ts): which gateway gets
 * each trace and each service, which ordinary traces the probabilistic policy keeps. Then a
 * gateway is killed (its share is retried, dropped and counted; nothing else is lost) and
 * Jaeger is restarted (earlier traces are still there; traces kept meanwhile arrive after).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shardOf } from '@toolscope/health-probe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../packages/cli/test/support/run-cli.ts';
import { probabilisticKeeps } from '../support/collector-routing.ts';
import {
  backends,
  collectorMetric,
  counterReaches,
  type JaegerTrace,
  pollUntil,
  REPO_ROOT,
  spanTag,
} from './backends.ts';
import type { Library, Outcome, RequestRecord, ServicePlan } from './fixtures/topology-service.ts';
import { startProcess } from './support/processes.ts';
import { type Gateway, Topology } from './support/topology.ts';

const RUN = randomUUID().slice(0, 8);
const FIXTURE = fileURLToPath(new URL('./fixtures/topology-service.ts', import.meta.url));
const SAMPLING_PERCENTAGE = 25;
const SLOW_TOOL_CALL_MS = 1000;
/** How long a slow call takes: well past the threshold, whatever the machine's load. */
const SLOW_CALL_MS = 1200;
const AGENT_RETRY_MAX_ELAPSED_S = 5;

interface Service {
  name: string;
  library: Library;
  /** Index of the agent it exports to. */
  agent: number;
  /** Its tool names (distinct per service, so a tool's series belong to one service). */
  tools: string[];
}

interface Ran {
  service: Service;
  phase: string;
  records: RequestRecord[];
}

let topology: Topology;
let services: Record<
  'tsA' | 'tsB' | 'openllmetry' | 'openinference' | 'aiLegacy' | 'aiGenai' | 'flaky',
  Service
>;
const ledger: Ran[] = [];
let failed = false;

/** Runs `requests` of `service` in a process of its own and returns what it did. */
async function runService(
  service: Service,
  phase: string,
  requests: Array<{ tool: string; outcome: Outcome }>,
  extra: Partial<ServicePlan> = {},
): Promise<Ran> {
  const plan: ServicePlan = {
    library: service.library,
    service: service.name,
    endpoint: topology.agents[service.agent]!.otlpHttp,
    requests,
    slowMs: SLOW_CALL_MS,
    concurrency: 8,
    ...extra,
  };
  const name = `${service.name}-${phase}`;
  const proc = await startProcess({
    name,
    command: process.execPath,
    args: ['--conditions=toolscope-source', FIXTURE],
    env: { TOPOLOGY_PLAN: JSON.stringify(plan) },
    logDir: join(topology.runDir, 'logs'),
  });
  const code = await proc.exited(120_000).catch(async (err) => {
    await proc.kill();
    throw err;
  });
  const out = readFileSync(proc.logFile, 'utf8');
  if (code !== 0 || !out.includes('{"done"')) {
    throw new Error(`${name} exited ${code}:\n${proc.tail(60)}`);
  }
  const records = out
    .split('\n')
    .filter((l) => l.startsWith('{"request"'))
    .map((l) => (JSON.parse(l) as { request: RequestRecord }).request);
  const ran = { service, phase, records };
  ledger.push(ran);
  return ran;
}

/** Request i: the service's tools in turn; every 10th fails, every 10th is slow. */
function requestsFor(service: Service, count: number, canFail = true) {
  return Array.from({ length: count }, (_, i) => {
    const outcome: Outcome = i % 10 === 3 && canFail ? 'error' : i % 10 === 7 ? 'slow' : 'ok';
    return { tool: service.tools[i % service.tools.length]!, outcome };
  });
}

/** The records of `phases` (and of `service` when given). */
function records(phases: string[], service?: Service): RequestRecord[] {
  return ledger
    .filter((r) => phases.includes(r.phase) && (service === undefined || r.service === service))
    .flatMap((r) => r.records);
}

const spansOf = (rs: RequestRecord[]) => rs.reduce((n, r) => n + r.spans, 0);

/** Why tail sampling keeps a trace, or undefined when it drops it. */
function keptBecause(r: RequestRecord): 'error' | 'slow' | 'baseline' | undefined {
  if (r.error) return 'error';
  if (r.toolMs >= SLOW_TOOL_CALL_MS) return 'slow';
  return probabilisticKeeps(r.traceId, SAMPLING_PERCENTAGE) ? 'baseline' : undefined;
}

/** Every trace Jaeger holds for `service`. */
async function jaegerTraces(service: string): Promise<Map<string, JaegerTrace>> {
  const found = await topology.jaeger.findTraces(service, {}, { limit: 5000 });
  return new Map(found.map((t) => [t.traceID, t]));
}

/**
 * Waits until Jaeger holds every trace of `expected` for `service`, each with all its spans,
 * and returns what it holds then.
 */
async function awaitTraces(
  service: Service,
  expected: RequestRecord[],
): Promise<Map<string, JaegerTrace>> {
  return pollUntil(
    async () => {
      const traces = await jaegerTraces(service.name);
      const complete = expected.every((r) => traces.get(r.traceId)?.spans.length === r.spans);
      return complete ? traces : undefined;
    },
    {
      timeoutMs: 60_000,
      intervalMs: 500,
      description: `${expected.length} kept traces of ${service.name} in Jaeger`,
    },
  );
}

/** Polls a PromQL sum until it equals `expected` (bounded); returns the last value. */
async function promReaches(query: string, expected: number): Promise<number | undefined> {
  let last: number | undefined;
  try {
    await pollUntil(
      async () => {
        last = await topology.prometheus.value(query);
        return last === expected;
      },
      { timeoutMs: 45_000, intervalMs: 500, description: `${query} == ${expected}` },
    );
  } catch {
    // The caller's expect shows the value.
  }
  return last;
}

/** A service name whose span copies and metrics both go to gateway `want` (the ring decides). */
function serviceOn(prefix: string, want: Gateway): string {
  for (let k = 0; k < 1000; k++) {
    const name = `${prefix}-${RUN}-${k}`;
    if (
      topology.gatewayOfServiceSpans(name) === want &&
      topology.gatewayOfServiceMetrics(name) === want
    ) {
      return name;
    }
  }
  throw new Error(`no service name routed to ${want.name}`);
}

/**
 * Waits until every span the agents accepted has reached a gateway, on both routes (by trace
 * ID, and the copies by service; both gateways must be up): with no service sending, the
 * agents are then quiet and the counters final.
 */
async function agentsDrained(): Promise<void> {
  const sum = async (urls: string[], name: string, labels: Record<string, string>) =>
    (await Promise.all(urls.map((u) => collectorMetric(u, name, labels)))).reduce(
      (a, b) => a + b,
      0,
    );
  const agents = topology.agents.map((a) => a.telemetryUrl);
  const gateways = topology.gateways.map((g) => g.telemetryUrl);
  await pollUntil(
    async () => {
      const accepted = await sum(agents, 'otelcol_receiver_accepted_spans', {});
      for (const [exporter, receiver] of [
        ['load_balancing/traces', 'otlp'],
        ['load_balancing/by_service', 'otlp/by_service'],
      ] as const) {
        const sent = await sum(agents, 'otelcol_exporter_sent_spans', { exporter });
        const received = await sum(gateways, 'otelcol_receiver_accepted_spans', { receiver });
        if (sent !== accepted || received !== sent) return false;
      }
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 250, description: 'the agents to hand every span on' },
  );
}

/** The log lines an agent wrote for batches it dropped, by endpoint and signal. */
function droppedByAgents(endpoint: string, signal: 'traces' | 'metrics'): number {
  let n = 0;
  for (const agent of topology.agents) {
    for (const line of readFileSync(agent.process.logFile, 'utf8').split('\n')) {
      if (!line.includes('Exporting failed. Dropping data.')) continue;
      const fields = JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
      if (fields.endpoint === endpoint && fields['otelcol.signal'] === signal) {
        n += Number(fields.dropped_items);
      }
    }
  }
  return n;
}

beforeAll(async () => {
  const started = Date.now();
  topology = await Topology.start(backends(), {
    samplingPercentage: SAMPLING_PERCENTAGE,
    slowToolCallMs: SLOW_TOOL_CALL_MS,
    // Longer than the gap between the first and the last span of a trace (an AI SDK trace with
    // a slow tool: ~1.5 s) on a loaded machine, so that every trace is judged whole.
    decisionWait: '5s',
    agentRetryMaxElapsed: `${AGENT_RETRY_MAX_ELAPSED_S}s`,
    agentQueueSpans: 5000,
  });
  const [g1, g2] = topology.gateways as [Gateway, Gateway];
  const svc = (name: string, library: Library, agent: number, tools: string[]): Service => ({
    name,
    library,
    agent,
    tools,
  });
  services = {
    // tsA lives on the gateway that survives, tsB on the one that is killed.
    tsA: svc(serviceOn('ts-a', g1), 'toolscope', 0, ['a_search', 'a_book']),
    tsB: svc(serviceOn('ts-b', g2), 'toolscope', 1, ['b_search', 'b_book']),
    openllmetry: svc(`openllmetry-${RUN}`, 'openllmetry', 0, ['ol_search']),
    openinference: svc(`openinference-${RUN}`, 'openinference', 1, ['oi_lookup']),
    aiLegacy: svc(`ai-legacy-${RUN}`, 'ai-sdk-legacy', 0, ['ail_weather']),
    aiGenai: svc(`ai-genai-${RUN}`, 'ai-sdk-genai', 1, ['aig_weather']),
    flaky: svc(serviceOn('ai-flaky', g1), 'ai-sdk-legacy', 1, ['ail_flaky']),
  };
  console.log(
    `[topology] up in ${((Date.now() - started) / 1000).toFixed(1)}s; run dir ${topology.runDir}`,
  );
}, 180_000);

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') failed = true;
});

afterAll(async () => {
  await topology?.stop();
  if (topology !== undefined) {
    if (failed) console.log(`[topology] logs kept in ${topology.runDir}/logs`);
    else rmSync(topology.runDir, { recursive: true, force: true });
  }
}, 120_000);

const FOREIGN = ['openllmetry', 'openinference', 'aiLegacy', 'aiGenai'] as const;

describe('both gateways up', () => {
  it('every library runs through the agents, one tool span per request', async () => {
    const s = services;
    await Promise.all([
      runService(s.tsA, 'p1', requestsFor(s.tsA, 60)),
      runService(s.tsB, 'p1', requestsFor(s.tsB, 60)),
      // OpenLLMetry 0.27 never ends the spans of a call that throws: no failures to send.
      runService(s.openllmetry, 'p1', requestsFor(s.openllmetry, 40, false)),
      runService(s.openinference, 'p1', requestsFor(s.openinference, 40)),
      runService(s.aiLegacy, 'p1', requestsFor(s.aiLegacy, 40)),
      runService(s.aiGenai, 'p1', requestsFor(s.aiGenai, 40)),
    ]);
    const p1 = records(['p1']);
    expect(p1).toHaveLength(280);
    expect(p1.filter((r) => r.spans === 0 || r.toolSpans !== 1)).toEqual([]);
    expect(p1.filter((r) => r.outcome === 'error').every((r) => r.error)).toBe(true);
    expect(p1.filter((r) => r.outcome === 'slow').every((r) => r.toolMs >= SLOW_TOOL_CALL_MS)).toBe(
      true,
    );
  }, 180_000);

  it('routes whole traces by trace ID: each gateway receives exactly its share', async () => {
    const p1 = records(['p1']);
    for (const g of topology.gateways) {
      const mine = spansOf(p1.filter((r) => topology.gatewayOfTrace(r.traceId) === g));
      const received = await counterReaches(
        g.telemetryUrl,
        'otelcol_receiver_accepted_spans',
        { receiver: 'otlp' },
        mine,
        `spans received by ${g.name}`,
      );
      expect(received, g.name).toBe(mine);
      expect(mine).toBeGreaterThan(0);
    }
  });

  it('keeps every error trace, every slow call and exactly the ordinary traces the hash selects', async () => {
    for (const ran of ledger.filter((r) => r.phase === 'p1')) {
      const expected = ran.records.filter((r) => keptBecause(r) !== undefined);
      const found = await awaitTraces(ran.service, expected);
      expect([...found.keys()].sort(), ran.service.name).toEqual(
        expected.map((r) => r.traceId).sort(),
      );
    }
    // The same decisions, as each gateway's tail_sampling counts them (every policy judges
    // every trace; a trace is kept when any policy says so).
    const p1 = records(['p1']);
    for (const g of topology.gateways) {
      const mine = p1.filter((r) => topology.gatewayOfTrace(r.traceId) === g);
      const decided = (policy: string) =>
        collectorMetric(g.telemetryUrl, 'otelcol_processor_tail_sampling_count_traces_sampled', {
          policy,
          sampled: 'true',
        });
      expect(await decided('errors'), g.name).toBe(mine.filter((r) => r.error).length);
      expect(await decided('slow-tool-calls'), g.name).toBe(
        mine.filter((r) => r.toolMs >= SLOW_TOOL_CALL_MS).length,
      );
      expect(await decided('baseline'), g.name).toBe(
        mine.filter((r) => probabilisticKeeps(r.traceId, SAMPLING_PERCENTAGE)).length,
      );
      expect(
        await collectorMetric(
          g.telemetryUrl,
          'otelcol_processor_tail_sampling_global_count_traces_sampled',
          { sampled: 'true' },
        ),
        g.name,
      ).toBe(mine.filter((r) => keptBecause(r) !== undefined).length);
    }
  });

  it('the agents map OpenLLMetry, OpenInference and AI SDK tool spans to execute_tool', async () => {
    const source: Record<(typeof FOREIGN)[number], string | undefined> = {
      openllmetry: 'openllmetry',
      openinference: 'openinference',
      aiLegacy: 'ai_sdk',
      aiGenai: undefined, // already GenAI-shaped: left alone
    };
    for (const key of FOREIGN) {
      const service = services[key];
      const mine = records(['p1'], service).filter((r) => keptBecause(r) !== undefined);
      const traces = await jaegerTraces(service.name);
      for (const r of mine) {
        const tool = traces
          .get(r.traceId)!
          .spans.find((s) => s.operationName === `execute_tool ${r.tool}`);
        expect(tool, `${service.name}: execute_tool ${r.tool} in ${r.traceId}`).toBeDefined();
        expect(spanTag(tool!, 'gen_ai.operation.name')).toBe('execute_tool');
        expect(spanTag(tool!, 'gen_ai.tool.name')).toBe(r.tool);
        expect(spanTag(tool!, 'toolscope.tool.source')).toBe(source[key]);
        if (r.outcome === 'error') {
          expect(spanTag(tool!, 'error.type'), service.name).toBe('UpstreamError');
        }
      }
    }
  });

  it('counts every call exactly: the SDK histogram for toolscope, the span-derived one for the others, span_metrics for all — on the gateway each service routes to', async () => {
    const prom = topology.prometheus;
    const gatewaysOf = async (query: string) =>
      [...new Set((await prom.query(query)).map((s) => s.metric.gateway))].sort();
    for (const key of ['tsA', 'tsB', ...FOREIGN] as const) {
      const service = services[key];
      const calls = records(['p1'], service);
      const sel = `service_name="${service.name}"`;
      const tool = 'gen_ai_execute_tool_duration_seconds_count';
      expect(await promReaches(`sum(${tool}{${sel}})`, calls.length), service.name).toBe(
        calls.length,
      );
      const errors = calls.filter((r) => r.outcome === 'error').length;
      if (errors > 0) {
        expect(await prom.value(`sum(${tool}{${sel}, error_type="UpstreamError"})`)).toBe(errors);
      }
      const spanCalls = `traces_span_metrics_calls_total{${sel}, span_name=~"execute_tool .*"}`;
      expect(await promReaches(`sum(${spanCalls})`, calls.length), service.name).toBe(calls.length);
      // Each service's series come from the one gateway the ring routes it to.
      const isToolscope = service.library === 'toolscope';
      const histogramFrom = isToolscope
        ? topology.gatewayOfServiceMetrics(service.name)
        : topology.gatewayOfServiceSpans(service.name);
      expect(await gatewaysOf(`${tool}{${sel}}`)).toEqual([histogramFrom.metricsTarget]);
      expect(await gatewaysOf(spanCalls)).toEqual([
        topology.gatewayOfServiceSpans(service.name).metricsTarget,
      ]);
      // Never both for the same calls: toolscope's calls only in its SDK histogram.
      const scopes = [
        ...new Set((await prom.query(`${tool}{${sel}}`)).map((s) => s.metric.otel_scope_name)),
      ];
      expect(scopes, service.name).toEqual([
        isToolscope ? '@toolscope/instrumentation' : 'spanmetricsconnector',
      ]);
    }
  });

  it('alert rules, the dashboard and `toolscope report --prometheus` cover a service instrumented with another library', async () => {
    const flaky = services.flaky;
    const tool = flaky.tools[0]!;
    // Half the calls fail, spread over ~10 s so Prometheus sees the rate.
    const requests = Array.from({ length: 40 }, (_, i) => ({
      tool,
      outcome: (i % 2 === 0 ? 'error' : 'ok') as Outcome,
    }));
    const ran = runService(flaky, 'alerts', requests, { concurrency: 1, paceMs: 250 });
    const alert = await pollUntil(
      async () =>
        (await topology.prometheus.alerts()).find(
          (a) =>
            a.labels.alertname === 'ToolErrorRateHigh' &&
            a.labels.gen_ai_tool_name === tool &&
            a.state === 'firing',
        ),
      { timeoutMs: 90_000, intervalMs: 500, description: `ToolErrorRateHigh firing for ${tool}` },
    );
    expect(Number(alert.value)).toBeGreaterThan(0.2);
    await ran;

    const dash = JSON.parse(
      readFileSync(
        join(REPO_ROOT, 'collector-config/grafana/provisioning/dashboards/toolscope/tool.json'),
        'utf8',
      ),
    ) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const panel = (title: string) =>
      dash.panels
        .find((p) => p.title.startsWith(title))!
        .targets.map((t) =>
          t.expr
            .replaceAll('$__rate_interval', '1m')
            .replaceAll('$__range', '10m')
            .replaceAll('$tool', tool)
            .replaceAll('$service', flaky.name)
            .replaceAll('$check', '.*'),
        );
    for (const title of [
      'Latency p50 / p95 / p99',
      'Calls per second by outcome',
      'Success rate',
    ]) {
      for (const expr of panel(title)) {
        const result = await topology.prometheus.query(expr);
        expect(result.length, `${title}: ${expr}`).toBeGreaterThan(0);
      }
    }

    const report = await runCli(
      [
        'report',
        '--prometheus',
        topology.prometheusUrl,
        '--window',
        '10m',
        '--format',
        'json',
        '--selector',
        `service_name="${flaky.name}"`,
      ],
      { timeoutMs: 60_000 },
    );
    expect([0, 1], report.stderr).toContain(report.code);
    const json = JSON.parse(report.stdout) as {
      tools: Array<{ tool: string; calls: number; errorTypes: Record<string, number> }>;
    };
    const row = json.tools.find((t) => t.tool === tool);
    expect(row, report.stdout.slice(0, 2000)).toBeDefined();
    expect(row!.calls).toBeGreaterThan(0);
    expect(row!.errorTypes.UpstreamError).toBeGreaterThan(0);
  }, 180_000);
});

describe('probes that scale out: toolscope probe --shard i/3 through the agents', () => {
  it('each check is run and reported by exactly its shard; ToolUnhealthy fires for the failing ones; a missing or stopped shard raises ProbeShardAbsent', async () => {
    // Checks against two local endpoints: one answers, one fails. Ids chosen so that every
    // shard owns three checks, one of them failing (the hash decides; the test asks it).
    const target = createServer((req, res) => {
      res.statusCode = req.url === '/down' ? 503 : 200;
      res.end();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    const checks: Array<{ id: string; down: boolean }> = [];
    for (let k = 0; checks.length < 9; k++) {
      const id = `probe-${RUN}-${k}`;
      const shard = shardOf(id, 3);
      const mine = checks.filter((c) => shardOf(c.id, 3) === shard);
      if (mine.length < 3) checks.push({ id, down: mine.length === 0 });
    }
    const file = join(topology.runDir, 'checks.yaml');
    writeFileSync(
      file,
      `checks:\n${checks
        .map(
          (c) =>
            `  - id: ${c.id}\n    type: http\n    endpoint: ${base}/${c.down ? 'down' : 'up'}\n    interval: 1s\n    timeout: 500ms\n    failure_threshold: 2\n`,
        )
        .join('')}`,
    );
    const probe = (index: number) =>
      startProcess({
        name: `probe-${index}-of-3`,
        command: process.execPath,
        args: [
          '--conditions=toolscope-source',
          join(REPO_ROOT, 'packages/cli/src/bin.ts'),
          'probe',
          '--config',
          file,
          '--shard',
          `${index}/3`,
        ],
        env: {
          // Shards export through the agents, as any service on their hosts would.
          OTEL_EXPORTER_OTLP_ENDPOINT: topology.agents[index % 2]!.otlpHttp,
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
        },
        logDir: join(topology.runDir, 'logs'),
      });
    const prom = topology.prometheus;
    const absent = async () =>
      (await prom.alerts()).filter((a) => a.labels.alertname === 'ProbeShardAbsent');
    const shards = [await probe(1), await probe(3)];
    try {
      // Two of three shards report: the "missing" rule is pending (it waits `for: 2m`).
      const missing = await pollUntil(
        async () => (await absent()).find((a) => a.labels.reason === 'missing'),
        { timeoutMs: 60_000, intervalMs: 500, description: 'ProbeShardAbsent (missing) pending' },
      );
      expect(missing.labels.toolscope_probe_shards_total).toBe('3');
      shards.push(await probe(2));
      await pollUntil(async () => (await absent()).length === 0, {
        timeoutMs: 60_000,
        intervalMs: 500,
        description: 'ProbeShardAbsent to clear once all three shards report',
      });

      // Every check reported by one instance: its own shard's.
      const series = await pollUntil(
        async () => {
          const r = await prom.query(
            `group by (toolscope_health_check_id, instance) (toolscope_health_status{toolscope_health_check_id=~"probe-${RUN}-.*"})`,
          );
          return r.length === checks.length ? r : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: 'the status of all nine checks' },
      );
      for (const c of checks) {
        expect(
          series
            .filter((s) => s.metric.toolscope_health_check_id === c.id)
            .map((s) => s.metric.instance),
          c.id,
        ).toEqual([`toolscope-probe-${shardOf(c.id, 3)}-of-3`]);
      }
      // ToolUnhealthy for exactly the failing checks (pending or firing: `for: 10s`).
      const down = checks
        .filter((c) => c.down)
        .map((c) => c.id)
        .sort();
      const unhealthy = await pollUntil(
        async () => {
          const ids = (await prom.alerts())
            .filter((a) => a.labels.alertname === 'ToolUnhealthy')
            .map((a) => a.labels.toolscope_health_check_id!)
            .filter((id) => id.startsWith(`probe-${RUN}-`))
            .sort();
          return ids.length >= down.length ? ids : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: 'ToolUnhealthy for the failing checks' },
      );
      expect(unhealthy).toEqual(down);

      // Shard 2 dies: its series stay in the exporter, frozen; ProbeShardAbsent says so.
      await shards[2]!.kill();
      const stopped = await pollUntil(
        async () =>
          (await absent()).find((a) => a.labels.reason === 'stopped' && a.state === 'firing'),
        { timeoutMs: 90_000, intervalMs: 1000, description: 'ProbeShardAbsent for shard 2/3' },
      );
      expect(stopped.labels.toolscope_probe_shard).toBe('2/3');
      expect((await absent()).filter((a) => a.labels.reason === 'stopped')).toHaveLength(1);
    } finally {
      for (const s of shards) await s.stop(10_000);
      await new Promise((resolve) => target.close(resolve));
    }
    await agentsDrained();
  }, 240_000);
});

describe('a gateway killed mid-run (static resolver)', () => {
  it('its share is retried, dropped and counted; everything routed to the other arrives', async () => {
    const [live, dead] = topology.gateways as [Gateway, Gateway];
    // Everything sent so far has passed the agents (the services' spans, exactly, and the
    // probes' health-check spans).
    for (const [i, agent] of topology.agents.entries()) {
      const sent = spansOf(ledger.filter((r) => r.service.agent === i).flatMap((r) => r.records));
      await counterReaches(
        agent.telemetryUrl,
        'otelcol_exporter_sent_spans',
        { exporter: 'load_balancing/traces' },
        sent,
        `spans ${agent.name} handed to the gateways`,
      );
    }
    await agentsDrained();
    const agentSent = await Promise.all(
      topology.agents.map((a) =>
        collectorMetric(a.telemetryUrl, 'otelcol_exporter_sent_spans', {
          exporter: 'load_balancing/traces',
        }),
      ),
    );
    const liveBefore = await collectorMetric(live.telemetryUrl, 'otelcol_receiver_accepted_spans', {
      receiver: 'otlp',
    });

    await dead.process.kill();
    const s = services;
    await Promise.all([
      runService(s.tsA, 'p2', requestsFor(s.tsA, 60)),
      runService(s.tsB, 'p2', requestsFor(s.tsB, 60)),
    ]);
    const p2 = records(['p2']);
    const toLive = p2.filter((r) => topology.gatewayOfTrace(r.traceId) === live);
    const toDead = p2.filter((r) => topology.gatewayOfTrace(r.traceId) === dead);
    expect(toLive.length).toBeGreaterThan(0);
    expect(toDead.length).toBeGreaterThan(0);

    // The agents accepted all of it and handed it to their per-gateway queues...
    for (const [i, agent] of topology.agents.entries()) {
      const sent = spansOf(
        ledger.filter((r) => r.phase === 'p2' && r.service.agent === i).flatMap((r) => r.records),
      );
      expect(
        await counterReaches(
          agent.telemetryUrl,
          'otelcol_exporter_sent_spans',
          { exporter: 'load_balancing/traces' },
          agentSent[i]! + sent,
          `spans ${agent.name} queued after the kill`,
        ),
      ).toBe(agentSent[i]! + sent);
    }
    // ... the surviving gateway received exactly its share ...
    expect(
      await counterReaches(
        live.telemetryUrl,
        'otelcol_receiver_accepted_spans',
        { receiver: 'otlp' },
        liveBefore + spansOf(toLive),
        `spans received by ${live.name} after the kill`,
      ),
    ).toBe(liveBefore + spansOf(toLive));
    // ... and the dead gateway's share was retried for the retry window, then dropped: the
    // agents log each dropped batch with its endpoint and size, exactly that share.
    const deadSpans = spansOf(toDead);
    const dropped = await pollUntil(
      () => {
        const n = droppedByAgents(dead.traceEndpoint, 'traces');
        return n >= deadSpans ? n : undefined;
      },
      {
        timeoutMs: (AGENT_RETRY_MAX_ELAPSED_S + 30) * 1000,
        intervalMs: 500,
        description: `${deadSpans} spans for ${dead.name} dropped by the agents`,
      },
    );
    expect(dropped).toBe(deadSpans);
    // The span copies of tsB (routed by service to the dead gateway) went the same way.
    expect(
      await pollUntil(
        () => {
          const n = droppedByAgents(dead.serviceEndpoint, 'traces');
          return n >= spansOf(records(['p2'], s.tsB)) ? n : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, description: 'tsB span copies dropped' },
      ),
    ).toBe(spansOf(records(['p2'], s.tsB)));
    // Nothing refused at the agents: the loss is bounded by what was routed to the dead one.
    for (const agent of topology.agents) {
      expect(
        await collectorMetric(agent.telemetryUrl, 'otelcol_exporter_send_failed_spans', {
          exporter: 'load_balancing/traces',
        }),
      ).toBe(0);
      expect(await collectorMetric(agent.telemetryUrl, 'otelcol_receiver_refused_spans')).toBe(0);
    }

    // Traces: what went to the live gateway is kept exactly as before; none of the rest.
    for (const service of [s.tsA, s.tsB]) {
      const mine = records(['p2'], service);
      const expected = mine.filter(
        (r) => topology.gatewayOfTrace(r.traceId) === live && keptBecause(r) !== undefined,
      );
      await awaitTraces(service, expected);
      const found = await jaegerTraces(service.name);
      const p2Found = mine.filter((r) => found.has(r.traceId)).map((r) => r.traceId);
      expect(p2Found.sort(), service.name).toEqual(expected.map((r) => r.traceId).sort());
    }
    // Metrics: tsA (on the live gateway) stays exact; tsB's gateway and its series are gone.
    const sdk = (svc: Service) =>
      `sum(gen_ai_execute_tool_duration_seconds_count{service_name="${svc.name}"})`;
    expect(await promReaches(sdk(s.tsA), records(['p1', 'p2'], s.tsA).length)).toBe(
      records(['p1', 'p2'], s.tsA).length,
    );
    expect(
      await promReaches(
        `sum(traces_span_metrics_calls_total{service_name="${s.tsA.name}", span_name=~"execute_tool .*"})`,
        records(['p1', 'p2'], s.tsA).length,
      ),
    ).toBe(records(['p1', 'p2'], s.tsA).length);
    await pollUntil(async () => (await topology.prometheus.value(sdk(s.tsB))) === undefined, {
      timeoutMs: 30_000,
      description: `${s.tsB.name}'s series to go stale with its gateway`,
    });
  }, 180_000);
});

describe('Jaeger restarted on its Badger store', () => {
  it('finds the earlier traces, and the traces kept while it was down arrive after', async () => {
    const [live] = topology.gateways as [Gateway];
    await topology.stopJaeger();
    const decidedBefore = await collectorMetric(
      live.telemetryUrl,
      'otelcol_processor_tail_sampling_global_count_traces_sampled',
    );
    const ran = await runService(services.tsA, 'p3', requestsFor(services.tsA, 30));
    const toLive = ran.records.filter((r) => topology.gatewayOfTrace(r.traceId) === live);
    // The live gateway decided them and holds the kept ones in its queue to Jaeger.
    await counterReaches(
      live.telemetryUrl,
      'otelcol_processor_tail_sampling_global_count_traces_sampled',
      {},
      decidedBefore + toLive.length,
      `${live.name}'s decisions on the traces sent while Jaeger was down`,
    );
    const keptWhileDown = toLive.filter((r) => keptBecause(r) !== undefined);
    expect(keptWhileDown.length).toBeGreaterThan(0);
    await pollUntil(
      async () =>
        (await collectorMetric(live.telemetryUrl, 'otelcol_exporter_queue_size', {
          exporter: 'otlp_grpc/jaeger',
        })) > 0,
      { timeoutMs: 30_000, description: `${live.name}'s queue to Jaeger to hold them` },
    );

    await topology.startJaeger();
    // Everything kept before the restart is still there (same store) ...
    for (const ran1 of ledger.filter((r) => r.phase === 'p1')) {
      const expected = ran1.records.filter((r) => keptBecause(r) !== undefined);
      const found = await awaitTraces(ran1.service, expected);
      expect(
        ran1.records
          .filter((r) => found.has(r.traceId))
          .map((r) => r.traceId)
          .sort(),
        ran1.service.name,
      ).toEqual(expected.map((r) => r.traceId).sort());
    }
    // ... and what was kept while it was down arrives from the gateway's retrying queue.
    await awaitTraces(services.tsA, keptWhileDown);
  }, 180_000);
});
