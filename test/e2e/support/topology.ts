/**
 * The two-tier topology of collector-config/gateway on loopback, from the real binaries that
 * `scripts/backends.sh` builds: Jaeger on Badger (a directory of this run), gateway and agent
 * collectors, and a Prometheus scraping them, each on free ports of its own, in a run
 * directory of its own, with the shipped configuration files (only the variables they
 * document are set). Every process is stopped by `stop()` and, whatever happens, killed when
 * the process exits (support/processes.ts). No test-runner dependency: `npm run bench` uses it
 * too (bench/scenarios/gateway.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  type BackendsEnv,
  type JaegerClient,
  jaegerClient,
  type PrometheusClient,
  prometheusClient,
  REPO_ROOT,
} from '../../support/backend-clients.ts';
import { HashRing } from '../../support/collector-routing.ts';
import { answers, freePorts, type ManagedProcess, startProcess } from './processes.ts';

export const GATEWAY_CONFIG_DIR = join(REPO_ROOT, 'collector-config/gateway');
const HOST = '127.0.0.1';

/** A new run directory with a `logs/` folder. */
export function makeRunDir(prefix = 'toolscope-topology-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'logs'));
  return dir;
}

export interface JaegerInstance {
  url: string;
  /** `host:port` of its OTLP/gRPC receiver. */
  otlpEndpoint: string;
  client: JaegerClient;
  process: ManagedProcess;
  /** Starts it again on the same ports and store (after `process.stop()`). */
  restart(): Promise<JaegerInstance>;
}

/** Jaeger v2 on Badger in `badgerDir` (collector-config/gateway/jaeger-badger.yaml). */
export async function startJaeger(
  env: BackendsEnv,
  runDir: string,
  ports?: { otlp: number; http: number; grpc: number },
): Promise<JaegerInstance> {
  const p =
    ports ??
    (([otlp, http, grpc]) => ({ otlp: otlp!, http: http!, grpc: grpc! }))(await freePorts(3));
  const url = `http://${HOST}:${p.http}`;
  const process = await startProcess({
    name: 'jaeger',
    command: env.TOOLSCOPE_JAEGER_BIN,
    args: [`--config=${join(GATEWAY_CONFIG_DIR, 'jaeger-badger.yaml')}`],
    env: {
      JAEGER_LISTEN_HOST: HOST,
      JAEGER_OTLP_GRPC_PORT: String(p.otlp),
      JAEGER_QUERY_HTTP_PORT: String(p.http),
      JAEGER_QUERY_GRPC_PORT: String(p.grpc),
      JAEGER_BADGER_DIR: join(runDir, 'badger'),
    },
    logDir: join(runDir, 'logs'),
    ready: () => answers(`${url}/api/services`),
  });
  return {
    url,
    otlpEndpoint: `${HOST}:${p.otlp}`,
    client: jaegerClient(url),
    process,
    restart: () => startJaeger(env, runDir, p),
  };
}

export interface GatewayInstance {
  name: string;
  /** `host:port` of its trace receiver, as the agents' static resolver lists it. */
  traceEndpoint: string;
  /** `host:port` of its otlp/by_service receiver. */
  serviceEndpoint: string;
  /** Its prometheus exporter's `host:port` (the `gateway` label of its series). */
  metricsTarget: string;
  telemetryUrl: string;
  process: ManagedProcess;
}

/** A gateway collector (collector-config/gateway/gateway.yaml) exporting to `jaegerEndpoint`. */
export async function startGateway(
  env: BackendsEnv,
  runDir: string,
  name: string,
  jaegerEndpoint: string,
  vars: Record<string, string> = {},
): Promise<GatewayInstance> {
  const [grpc, byService, metrics, health, telemetry] = await freePorts(5);
  const process = await startProcess({
    name,
    command: env.TOOLSCOPE_OTELCOL_BIN,
    args: [`--config=${join(GATEWAY_CONFIG_DIR, 'gateway.yaml')}`],
    env: {
      GATEWAY_LISTEN_HOST: HOST,
      GATEWAY_OTLP_GRPC_PORT: String(grpc),
      GATEWAY_BY_SERVICE_GRPC_PORT: String(byService),
      GATEWAY_PROMETHEUS_PORT: String(metrics),
      GATEWAY_HEALTH_PORT: String(health),
      GATEWAY_TELEMETRY_PORT: String(telemetry),
      JAEGER_OTLP_ENDPOINT: jaegerEndpoint,
      ...vars,
    },
    logDir: join(runDir, 'logs'),
    ready: () => answers(`http://${HOST}:${health}/`),
  });
  return {
    name,
    traceEndpoint: `${HOST}:${grpc}`,
    serviceEndpoint: `${HOST}:${byService}`,
    metricsTarget: `${HOST}:${metrics}`,
    telemetryUrl: `http://${HOST}:${telemetry}/metrics`,
    process,
  };
}

export interface AgentInstance {
  name: string;
  /** OTLP/HTTP base URL applications export to. */
  otlpHttp: string;
  telemetryUrl: string;
  process: ManagedProcess;
}

/** An agent collector (collector-config/gateway/agent.yaml) in front of `gateways`. */
export async function startAgent(
  env: BackendsEnv,
  runDir: string,
  name: string,
  gateways: ReadonlyArray<Pick<GatewayInstance, 'traceEndpoint' | 'serviceEndpoint'>>,
  vars: Record<string, string> = {},
): Promise<AgentInstance> {
  const [grpc, http, health, telemetry] = await freePorts(4);
  const list = (xs: string[]) => `[${xs.join(', ')}]`;
  const process = await startProcess({
    name,
    command: env.TOOLSCOPE_OTELCOL_BIN,
    args: [`--config=${join(GATEWAY_CONFIG_DIR, 'agent.yaml')}`],
    env: {
      AGENT_LISTEN_HOST: HOST,
      AGENT_OTLP_GRPC_PORT: String(grpc),
      AGENT_OTLP_HTTP_PORT: String(http),
      AGENT_HEALTH_PORT: String(health),
      AGENT_TELEMETRY_PORT: String(telemetry),
      GATEWAY_TRACE_ENDPOINTS: list(gateways.map((g) => g.traceEndpoint)),
      GATEWAY_SERVICE_ENDPOINTS: list(gateways.map((g) => g.serviceEndpoint)),
      ...vars,
    },
    logDir: join(runDir, 'logs'),
    ready: () => answers(`http://${HOST}:${health}/`),
  });
  return {
    name,
    otlpHttp: `http://${HOST}:${http}`,
    telemetryUrl: `http://${HOST}:${telemetry}/metrics`,
    process,
  };
}

/**
 * Prometheus with the shipped collector-config/gateway/prometheus.yml, rendered with these
 * targets, 1 s intervals and absolute rule paths (plus `extraRuleFiles`).
 */
export async function startPrometheus(
  env: BackendsEnv,
  runDir: string,
  gateways: readonly GatewayInstance[],
  collectors: ReadonlyArray<{ telemetryUrl: string }>,
  extraRuleFiles: readonly string[] = [],
): Promise<{ url: string; client: PrometheusClient; process: ManagedProcess }> {
  const config = parse(readFileSync(join(GATEWAY_CONFIG_DIR, 'prometheus.yml'), 'utf8'));
  config.global.scrape_interval = '1s';
  config.global.scrape_timeout = '1s';
  config.global.evaluation_interval = '1s';
  config.rule_files = [
    ...(config.rule_files as string[]).map((f) => join(GATEWAY_CONFIG_DIR, f)),
    ...extraRuleFiles,
  ];
  const targets: Record<string, string[]> = {
    toolscope: gateways.map((g) => g.metricsTarget),
    'otel-collector': collectors.map((c) => new URL(c.telemetryUrl).host),
  };
  for (const job of config.scrape_configs as Array<{
    job_name: string;
    static_configs: Array<{ targets: string[] }>;
  }>) {
    const rendered = targets[job.job_name];
    if (rendered === undefined) throw new Error(`prometheus.yml: unexpected job ${job.job_name}`);
    job.static_configs = [{ targets: rendered }];
  }
  const file = join(runDir, 'prometheus.yml');
  writeFileSync(file, stringify(config));
  const [port] = await freePorts(1);
  const url = `http://${HOST}:${port}`;
  const process = await startProcess({
    name: 'prometheus',
    command: env.TOOLSCOPE_PROMETHEUS_BIN,
    args: [
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(runDir, 'prometheus-data')}`,
      `--web.listen-address=${HOST}:${port}`,
      '--enable-feature=exemplar-storage',
    ],
    logDir: join(runDir, 'logs'),
    ready: () => answers(`${url}/-/ready`),
  });
  return { url, client: prometheusClient(url), process };
}

export interface TopologyOptions {
  /** Share of ordinary traces kept (the probabilistic policy). */
  samplingPercentage: number;
  /** A tool call at least this long keeps its trace. */
  slowToolCallMs: number;
  /** Tail sampling's decision wait. */
  decisionWait: string;
  /** How long an agent retries a batch for an unreachable gateway. */
  agentRetryMaxElapsed: string;
  /** Per-gateway sending queue of an agent, in spans. */
  agentQueueSpans: number;
  /** Extra rule files for Prometheus (absolute paths). */
  ruleFiles?: string[];
}

export type Gateway = GatewayInstance;
export type Agent = AgentInstance;

/** Two agents, two gateways, Jaeger on Badger and Prometheus. */
export class Topology {
  readonly runDir = makeRunDir();
  readonly agents: AgentInstance[] = [];
  readonly gateways: GatewayInstance[] = [];
  /** The ring the agents' `load_balancing/traces` exporter builds (routing by trace ID). */
  traceRing!: HashRing;
  /** The ring of `load_balancing/by_service` (span copies and metrics by service). */
  serviceRing!: HashRing;
  jaeger!: JaegerClient;
  prometheus!: PrometheusClient;
  prometheusUrl = '';
  private jaegerInstance: JaegerInstance | undefined;
  private prometheusProcess: ManagedProcess | undefined;

  /** Starts Jaeger, the gateways, the agents and Prometheus, each ready before the next. */
  static async start(env: BackendsEnv, options: TopologyOptions): Promise<Topology> {
    const t = new Topology();
    try {
      t.jaegerInstance = await startJaeger(env, t.runDir);
      t.jaeger = t.jaegerInstance.client;
      for (const i of [1, 2]) {
        t.gateways.push(
          await startGateway(env, t.runDir, `gateway-${i}`, t.jaegerInstance.otlpEndpoint, {
            GATEWAY_DECISION_WAIT: options.decisionWait,
            GATEWAY_SAMPLING_PERCENTAGE: String(options.samplingPercentage),
            GATEWAY_SLOW_TOOL_CALL_MS: String(options.slowToolCallMs),
          }),
        );
      }
      t.traceRing = new HashRing(t.gateways.map((g) => g.traceEndpoint));
      t.serviceRing = new HashRing(t.gateways.map((g) => g.serviceEndpoint));
      for (const i of [1, 2]) {
        t.agents.push(
          await startAgent(env, t.runDir, `agent-${i}`, t.gateways, {
            AGENT_RETRY_MAX_ELAPSED: options.agentRetryMaxElapsed,
            AGENT_QUEUE_SPANS: String(options.agentQueueSpans),
          }),
        );
      }
      const prometheus = await startPrometheus(
        env,
        t.runDir,
        t.gateways,
        [...t.agents, ...t.gateways],
        options.ruleFiles,
      );
      t.prometheus = prometheus.client;
      t.prometheusUrl = prometheus.url;
      t.prometheusProcess = prometheus.process;
    } catch (err) {
      await t.stop();
      throw err;
    }
    return t;
  }

  /** Stops Jaeger gracefully (Badger flushes its tables). */
  async stopJaeger(): Promise<void> {
    await this.jaegerInstance?.process.stop(30_000);
  }

  /** Starts Jaeger again on the same ports and Badger store. */
  async startJaeger(): Promise<void> {
    if (this.jaegerInstance === undefined) throw new Error('Jaeger was never started');
    this.jaegerInstance = await this.jaegerInstance.restart();
    this.jaeger = this.jaegerInstance.client;
  }

  /** The gateway whose trace or service endpoint is `endpoint`. */
  gatewayAt(endpoint: string): GatewayInstance {
    const g = this.gateways.find(
      (x) => x.traceEndpoint === endpoint || x.serviceEndpoint === endpoint,
    );
    if (g === undefined) throw new Error(`no gateway at ${endpoint}`);
    return g;
  }

  /** The gateway that receives trace `traceId`. */
  gatewayOfTrace(traceId: string): GatewayInstance {
    return this.gatewayAt(this.traceRing.endpointForTrace(traceId));
  }

  /** The gateway that receives the span copies of `service` (span_metrics). */
  gatewayOfServiceSpans(service: string): GatewayInstance {
    return this.gatewayAt(this.serviceRing.endpointForServiceSpans(service));
  }

  /** The gateway that receives the metrics of `service`. */
  gatewayOfServiceMetrics(service: string): GatewayInstance {
    return this.gatewayAt(this.serviceRing.endpointForServiceMetrics(service));
  }

  /** Stops everything it started, Prometheus first, Jaeger last. Never throws. */
  async stop(): Promise<void> {
    await stopAll([
      this.prometheusProcess,
      ...this.agents.map((a) => a.process),
      ...this.gateways.map((g) => g.process),
      this.jaegerInstance?.process,
    ]);
  }
}

/** Stops each process in order (SIGTERM, then SIGKILL after 10 s). Never throws. */
export async function stopAll(processes: ReadonlyArray<ManagedProcess | undefined>): Promise<void> {
  for (const p of processes) {
    try {
      await p?.stop(10_000);
    } catch {
      // Killed by the exit hook at worst.
    }
  }
}
