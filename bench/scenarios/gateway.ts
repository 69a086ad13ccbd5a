/**
 * (8) Gateway tier: the figures docs/scaling.md sizes the topology with, measured on the real
 * collector (collector-config/gateway/agent.yaml and gateway.yaml, binaries from
 * `scripts/backends.sh install`; rows say n/a when they are not built).
 *
 * - Throughput: this process generates traces (a workflow span and three tool spans, one
 *   trace in ten failing) with the OpenTelemetry SDK through OTLP/HTTP into one agent, which
 *   forwards to one gateway (tail sampling at 10 %, span metrics, the derived tool-call
 *   histogram), which exports to Jaeger on Badger. Each collector's CPU time (user + system,
 *   /proc) over the run, until the gateway has decided every trace, divided into the spans it
 *   handled: spans per CPU-second, i.e. per core at full load. The generator shares the
 *   machine, so this is a cost per span, not a peak rate.
 * - Memory: Go's own count of live heap after each GC (`GODEBUG=gctrace=1`, `GOGC=10` so GCs
 *   are frequent), before and after N spans are held: by an agent whose gateways are
 *   unreachable (each span sits in the trace queue and, slimmed, in the by-service queue), by
 *   a gateway's tail sampling while it waits for the decision, and by a gateway's queue to a
 *   Jaeger that is down.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { freePorts, type ManagedProcess } from '../../test/e2e/support/processes.ts';
import {
  makeRunDir,
  startAgent,
  startGateway,
  startJaeger,
  stopAll,
} from '../../test/e2e/support/topology.ts';
import {
  type BackendsEnv,
  collectorMetric,
  counterReaches,
  pollUntil,
  readBackendsEnv,
} from '../../test/support/backend-clients.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

const SPANS_PER_TRACE = 4;
const MEMORY_VARS = { GOGC: '10', GODEBUG: 'gctrace=1' };

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const CLOCK_TICKS = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** Live heap (MB) after each GC the process logged with gctrace, oldest first. */
function liveHeaps(process: ManagedProcess): number[] {
  const log = readFileSync(process.logFile, 'utf8');
  return [...log.matchAll(/^gc \d+ @.*?(\d+)->(\d+)->(\d+) MB/gm)].map((m) => Number(m[3]));
}

/**
 * The live heap (MB) after the next GC past the first `gcsBefore` ones. An idle collector
 * hardly allocates, so its telemetry endpoint is read meanwhile (each read allocates) until a
 * GC comes (bounded); NaN when none did, so the row says n/a instead of a wrong figure.
 */
async function heapAfter(
  collector: { process: ManagedProcess; telemetryUrl: string },
  gcsBefore: number,
): Promise<number> {
  return pollUntil(
    async () => {
      const heaps = liveHeaps(collector.process);
      if (heaps.length > gcsBefore) return heaps[heaps.length - 1];
      await fetch(collector.telemetryUrl, { signal: AbortSignal.timeout(2_000) })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      return undefined;
    },
    { timeoutMs: 60_000, intervalMs: 20, description: `a GC in ${collector.process.name}` },
  ).catch(() => Number.NaN);
}

/**
 * Sends `traces` traces (or as many as fit in `durationMs`) through OTLP/HTTP to `endpoint`,
 * at most `spansPerSecond`, paced in 1 ms steps; returns the spans the SDK exported.
 */
async function generate(
  endpoint: string,
  limits: { traces?: number; durationMs?: number; spansPerSecond?: number },
): Promise<number> {
  let exported = 0;
  const exporter = new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, timeoutMillis: 30_000 });
  const counting = {
    export: (
      spans: Parameters<OTLPTraceExporter['export']>[0],
      done: (r: { code: number }) => void,
    ) =>
      exporter.export(spans, (result) => {
        if (result.code === 0) exported += spans.length;
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-gateway' }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: counting as never,
        maxQueueSize: 65_536,
        maxExportBatchSize: 1024,
        scheduledDelayMillis: 50,
      }),
    ],
  });
  const tracer = provider.getTracer('bench-gateway');
  const started = Date.now();
  let made = 0;
  const more = () =>
    (limits.traces === undefined || made < limits.traces) &&
    (limits.durationMs === undefined || Date.now() - started < limits.durationMs);
  const perMs = (limits.spansPerSecond ?? 160_000) / SPANS_PER_TRACE / 1000;
  while (more()) {
    // Catch up to the rate, but never more than 40 traces (160 spans) in one step.
    const due = Math.min(40, Math.floor((Date.now() - started + 1) * perMs) - made);
    for (let i = 0; i < due && more(); i++, made++) {
      const now = Date.now();
      const root = tracer.startSpan('invoke_workflow bench', {
        startTime: now - 30,
        attributes: { 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'bench' },
      });
      const ctx = trace.setSpan(context.active(), root);
      for (let t = 0; t < SPANS_PER_TRACE - 1; t++) {
        const fail = made % 10 === 0 && t === 0;
        const tool = tracer.startSpan(
          `execute_tool tool_${t}`,
          {
            startTime: now - 25 + t * 5,
            attributes: {
              'gen_ai.operation.name': 'execute_tool',
              'gen_ai.tool.name': `tool_${t}`,
              'gen_ai.tool.type': 'function',
              ...(fail ? { 'error.type': 'TimeoutError' } : {}),
            },
          },
          ctx,
        );
        if (fail) tool.setStatus({ code: SpanStatusCode.ERROR });
        tool.end(now - 21 + t * 5);
      }
      root.end(now);
    }
    await delay(1);
  }
  // A failed export shows in `exported`; the caller waits for what did arrive.
  await provider.forceFlush().catch(() => undefined);
  await provider.shutdown().catch(() => undefined);
  return exported;
}

async function throughput(env: BackendsEnv, runDir: string, quick: boolean) {
  const jaeger = await startJaeger(env, runDir);
  const gateway = await startGateway(env, runDir, 'gateway', jaeger.otlpEndpoint, {
    GATEWAY_DECISION_WAIT: '2s',
  });
  const agent = await startAgent(env, runDir, 'agent', [gateway]);
  try {
    const cpu0 = { agent: cpuSeconds(agent.process.pid), gateway: cpuSeconds(gateway.process.pid) };
    const t0 = Date.now();
    // A rate this machine sustains with the generator, both collectors and Jaeger on its two
    // cores (at ~26,000 spans/s the agent's queues overflowed here): the figure is CPU per span.
    const spans = await generate(agent.otlpHttp, {
      durationMs: quick ? 1_500 : 15_000,
      spansPerSecond: 10_000,
    });
    const generatedMs = Date.now() - t0;
    const traces = spans / SPANS_PER_TRACE;
    let decided = 0;
    await pollUntil(
      async () => {
        decided = await collectorMetric(
          gateway.telemetryUrl,
          'otelcol_processor_tail_sampling_global_count_traces_sampled',
        );
        return decided >= traces;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: 'the gateway to decide every trace' },
    ).catch(async (err: Error) => {
      const dump = async (url: string) =>
        (await (await fetch(url)).text())
          .split('\n')
          .filter((l) =>
            /^otelcol_(exporter_(send_failed|enqueue_failed|sent)|receiver_(accepted|refused)|processor_tail_sampling_(global|traces_on|sampling_trace_dropped))/.test(
              l,
            ),
          )
          .join('\n');
      throw new Error(
        `${err.message} (${decided} of ${traces})\nagent:\n${await dump(agent.telemetryUrl)}\ngateway:\n${await dump(gateway.telemetryUrl)}`,
      );
    });
    const cpu = {
      agent: cpuSeconds(agent.process.pid) - cpu0.agent,
      gateway: cpuSeconds(gateway.process.pid) - cpu0.gateway,
    };
    return {
      'offered.spansPerSecond': spans / (generatedMs / 1000),
      'gateway.spansPerCpuSecond': spans / cpu.gateway,
      'agent.spansPerCpuSecond': spans / cpu.agent,
      'throughput.spans': spans,
    };
  } finally {
    await stopAll([agent.process, gateway.process, jaeger.process]);
  }
}

async function agentQueueMemory(env: BackendsEnv, runDir: string, quick: boolean) {
  // Gateways that are not there: every span stays queued (retried for 10 minutes).
  const [a, b, c, d] = await freePorts(4);
  const nowhere = [
    { traceEndpoint: `127.0.0.1:${a}`, serviceEndpoint: `127.0.0.1:${b}` },
    { traceEndpoint: `127.0.0.1:${c}`, serviceEndpoint: `127.0.0.1:${d}` },
  ];
  const traces = quick ? 2_000 : 25_000;
  const agent = await startAgent(env, runDir, 'agent-queue', nowhere, {
    ...MEMORY_VARS,
    AGENT_QUEUE_SPANS: String(traces * SPANS_PER_TRACE * 2),
    AGENT_RETRY_MAX_ELAPSED: '10m',
  });
  try {
    await delay(1_000);
    const before = await heapAfter(agent, 0);
    const spans = await generate(agent.otlpHttp, { traces, spansPerSecond: 10_000 });
    await counterReaches(
      agent.telemetryUrl,
      'otelcol_exporter_sent_spans',
      { exporter: 'load_balancing/traces' },
      spans,
      'the spans queued in the agent',
    );
    const after = await heapAfter(agent, liveHeaps(agent.process).length);
    return { 'agent.bytesPerQueuedSpan': ((after - before) * 1048576) / spans };
  } finally {
    await stopAll([agent.process]);
  }
}

async function gatewayMemory(env: BackendsEnv, runDir: string, quick: boolean) {
  const [deadJaeger] = await freePorts(1);
  const traces = quick ? 2_000 : 25_000;
  const gateway = await startGateway(env, runDir, 'gateway-memory', `127.0.0.1:${deadJaeger}`, {
    ...MEMORY_VARS,
    GATEWAY_DECISION_WAIT: quick ? '4s' : '12s',
    GATEWAY_SAMPLING_PERCENTAGE: '100',
    GATEWAY_JAEGER_QUEUE_SPANS: String(traces * SPANS_PER_TRACE * 2),
    GATEWAY_JAEGER_RETRY_MAX_ELAPSED: '10m',
  });
  const agent = await startAgent(env, runDir, 'agent-feed', [gateway]);
  try {
    await delay(1_000);
    const before = await heapAfter(gateway, 0);
    const spans = await generate(agent.otlpHttp, { traces, spansPerSecond: 10_000 });
    // Held by tail sampling, waiting for the decision.
    await counterReaches(
      gateway.telemetryUrl,
      'otelcol_receiver_accepted_spans',
      { receiver: 'otlp' },
      spans,
      'the spans at the gateway',
    );
    let held = 0;
    await pollUntil(
      async () => {
        held = await collectorMetric(
          gateway.telemetryUrl,
          'otelcol_processor_tail_sampling_sampling_traces_on_memory',
        );
        return held * SPANS_PER_TRACE >= spans * 0.9;
      },
      { timeoutMs: 3_000, intervalMs: 100, description: 'the traces held for a decision' },
    ).catch(() => undefined);
    const whileHeld = await heapAfter(gateway, liveHeaps(gateway.process).length);
    // Then all kept (100 %) and queued for a Jaeger that is not there.
    await counterReaches(
      gateway.telemetryUrl,
      'otelcol_exporter_queue_size',
      { exporter: 'otlp_grpc/jaeger' },
      spans,
      'the spans queued for Jaeger',
      120_000,
    );
    const queued = await heapAfter(gateway, liveHeaps(gateway.process).length);
    return {
      'gateway.bytesPerHeldSpan':
        held * SPANS_PER_TRACE >= spans * 0.9
          ? ((whileHeld - before) * 1048576) / spans
          : Number.NaN,
      'gateway.bytesPerQueuedSpan': ((queued - before) * 1048576) / spans,
    };
  } finally {
    await stopAll([agent.process, gateway.process]);
  }
}

export async function gateway(options: ScenarioOptions): Promise<ScenarioOutput> {
  let env: BackendsEnv;
  try {
    env = readBackendsEnv();
    for (const bin of [env.TOOLSCOPE_OTELCOL_BIN, env.TOOLSCOPE_JAEGER_BIN]) {
      accessSync(bin, constants.X_OK);
    }
  } catch {
    return {
      metrics: {},
      notes: { unavailable: 'collector/Jaeger not built: run scripts/backends.sh install' },
    };
  }
  const runDir = makeRunDir('toolscope-bench-gateway-');
  const metrics = {
    ...(await throughput(env, runDir, options.quick)),
    ...(await agentQueueMemory(env, runDir, options.quick)),
    ...(await gatewayMemory(env, runDir, options.quick)),
  };
  // Kept when a phase failed: its logs say why.
  rmSync(runDir, { recursive: true, force: true });
  return { metrics, notes: {} };
}
