/**
 * The two-tier topology of collector-config/gateway on loopback, from the real binaries that
 * `scripts/backends.sh` builds: Jaeger on Badger (a directory of this run), two gateway
 * collectors, two agent collectors and a Prometheus scraping them, each on free ports of
 * its own, in a run directory of its own, with the shipped configuration files (only the
 * variables they document are set). Every process is stopped by `stop()` and, whatever
 * happens, killed when the test process exits (support/processes.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { HashRing } from '../../support/collector-routing.ts';
import {
  type BackendsEnv,
  getText,
  type JaegerClient,
  jaegerClient,
  type PrometheusClient,
  prometheusClient,
  REPO_ROOT,
} from '../backends.ts';
import { answers, freePorts, type ManagedProcess, startProcess } from './processes.ts';

export const GATEWAY_CONFIG_DIR = join(REPO_ROOT, 'collector-config/gateway');

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

export interface Agent {
  name: string;
  /** OTLP/HTTP base URL applications export to. */
  otlpHttp: string;
  telemetryUrl: string;
  process: ManagedProcess;
}

export interface Gateway {
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

const HOST = '127.0.0.1';

export class Topology {
  readonly runDir: string;
  readonly agents: Agent[] = [];
  readonly gateways: Gateway[] = [];
  /** The ring the agents' `load_balancing/traces` exporter builds (routing by trace ID). */
  traceRing!: HashRing;
  /** The ring of `load_balancing/by_service` (span copies and metrics by service). */
  serviceRing!: HashRing;
  jaeger!: JaegerClient;
  prometheus!: PrometheusClient;
  jaegerUrl = '';
  prometheusUrl = '';
  private jaegerProcess: ManagedProcess | undefined;
  private prometheusProcess: ManagedProcess | undefined;
  private readonly jaegerPorts: { otlp: number; http: number; grpc: number };
  private readonly badgerDir: string;
  private readonly env: BackendsEnv;
  private readonly options: TopologyOptions;
  private readonly ports: number[];

  private constructor(env: BackendsEnv, options: TopologyOptions, ports: number[]) {
    this.env = env;
    this.options = options;
    this.ports = ports;
    this.runDir = mkdtempSync(join(tmpdir(), 'toolscope-topology-'));
    mkdirSync(join(this.runDir, 'logs'));
    this.badgerDir = join(this.runDir, 'badger');
    this.jaegerPorts = { otlp: this.port(), http: this.port(), grpc: this.port() };
  }

  private port(): number {
    const p = this.ports.shift();
    if (p === undefined) throw new Error('topology: out of ports');
    return p;
  }

  private get logDir(): string {
    return join(this.runDir, 'logs');
  }

  /** Starts Jaeger, the gateways, the agents and Prometheus, each ready before the next. */
  static async start(env: BackendsEnv, options: TopologyOptions): Promise<Topology> {
    // Jaeger 3, each gateway 5, each agent 4, Prometheus 1.
    const topology = new Topology(env, options, await freePorts(3 + 2 * 5 + 2 * 4 + 1));
    try {
      await topology.startJaeger();
      for (const i of [1, 2]) await topology.startGateway(i);
      topology.traceRing = new HashRing(topology.gateways.map((g) => g.traceEndpoint));
      topology.serviceRing = new HashRing(topology.gateways.map((g) => g.serviceEndpoint));
      for (const i of [1, 2]) await topology.startAgent(i);
      await topology.startPrometheus();
    } catch (err) {
      await topology.stop();
      throw err;
    }
    return topology;
  }

  /** Jaeger on the run's Badger directory (the same one again after a restart). */
  async startJaeger(): Promise<void> {
    const { otlp, http, grpc } = this.jaegerPorts;
    this.jaegerUrl = `http://${HOST}:${http}`;
    this.jaeger = jaegerClient(this.jaegerUrl);
    this.jaegerProcess = await startProcess({
      name: 'jaeger',
      command: this.env.TOOLSCOPE_JAEGER_BIN,
      args: [`--config=${join(GATEWAY_CONFIG_DIR, 'jaeger-badger.yaml')}`],
      env: {
        JAEGER_LISTEN_HOST: HOST,
        JAEGER_OTLP_GRPC_PORT: String(otlp),
        JAEGER_QUERY_HTTP_PORT: String(http),
        JAEGER_QUERY_GRPC_PORT: String(grpc),
        JAEGER_BADGER_DIR: this.badgerDir,
      },
      logDir: this.logDir,
      ready: () => answers(`${this.jaegerUrl}/api/services`),
    });
  }

  /** Stops Jaeger gracefully (Badger flushes) and starts it again on the same store. */
  async restartJaeger(): Promise<void> {
    await this.jaegerProcess?.stop(30_000);
    await this.startJaeger();
  }

  async stopJaeger(): Promise<void> {
    await this.jaegerProcess?.stop(30_000);
  }

  private async startGateway(i: number): Promise<void> {
    const [grpc, byService, metrics, health, telemetry] = [1, 2, 3, 4, 5].map(() => this.port());
    const name = `gateway-${i}`;
    const process = await startProcess({
      name,
      command: this.env.TOOLSCOPE_OTELCOL_BIN,
      args: [`--config=${join(GATEWAY_CONFIG_DIR, 'gateway.yaml')}`],
      env: {
        GATEWAY_LISTEN_HOST: HOST,
        GATEWAY_OTLP_GRPC_PORT: String(grpc),
        GATEWAY_BY_SERVICE_GRPC_PORT: String(byService),
        GATEWAY_PROMETHEUS_PORT: String(metrics),
        GATEWAY_HEALTH_PORT: String(health),
        GATEWAY_TELEMETRY_PORT: String(telemetry),
        GATEWAY_DECISION_WAIT: this.options.decisionWait,
        GATEWAY_SAMPLING_PERCENTAGE: String(this.options.samplingPercentage),
        GATEWAY_SLOW_TOOL_CALL_MS: String(this.options.slowToolCallMs),
        JAEGER_OTLP_ENDPOINT: `${HOST}:${this.jaegerPorts.otlp}`,
      },
      logDir: this.logDir,
      ready: () => answers(`http://${HOST}:${health}/`),
    });
    this.gateways.push({
      name,
      traceEndpoint: `${HOST}:${grpc}`,
      serviceEndpoint: `${HOST}:${byService}`,
      metricsTarget: `${HOST}:${metrics}`,
      telemetryUrl: `http://${HOST}:${telemetry}/metrics`,
      process,
    });
  }

  private async startAgent(i: number): Promise<void> {
    const [grpc, http, health, telemetry] = [1, 2, 3, 4].map(() => this.port());
    const name = `agent-${i}`;
    const list = (xs: string[]) => `[${xs.join(', ')}]`;
    const process = await startProcess({
      name,
      command: this.env.TOOLSCOPE_OTELCOL_BIN,
      args: [`--config=${join(GATEWAY_CONFIG_DIR, 'agent.yaml')}`],
      env: {
        AGENT_LISTEN_HOST: HOST,
        AGENT_OTLP_GRPC_PORT: String(grpc),
        AGENT_OTLP_HTTP_PORT: String(http),
        AGENT_HEALTH_PORT: String(health),
        AGENT_TELEMETRY_PORT: String(telemetry),
        AGENT_RETRY_MAX_ELAPSED: this.options.agentRetryMaxElapsed,
        AGENT_QUEUE_SPANS: String(this.options.agentQueueSpans),
        GATEWAY_TRACE_ENDPOINTS: list(this.gateways.map((g) => g.traceEndpoint)),
        GATEWAY_SERVICE_ENDPOINTS: list(this.gateways.map((g) => g.serviceEndpoint)),
      },
      logDir: this.logDir,
      ready: () => answers(`http://${HOST}:${health}/`),
    });
    this.agents.push({
      name,
      otlpHttp: `http://${HOST}:${http}`,
      telemetryUrl: `http://${HOST}:${telemetry}/metrics`,
      process,
    });
  }

  /** The shipped collector-config/gateway/prometheus.yml with this run's targets. */
  private renderPrometheusConfig(): string {
    const config = parse(readFileSync(join(GATEWAY_CONFIG_DIR, 'prometheus.yml'), 'utf8'));
    config.global.scrape_interval = '1s';
    config.global.scrape_timeout = '1s';
    config.global.evaluation_interval = '1s';
    config.rule_files = [
      ...(config.rule_files as string[]).map((f) => join(GATEWAY_CONFIG_DIR, f)),
      ...(this.options.ruleFiles ?? []),
    ];
    const host = (url: string) => new URL(url).host;
    const targets: Record<string, string[]> = {
      toolscope: this.gateways.map((g) => g.metricsTarget),
      'otel-collector': [...this.agents, ...this.gateways].map((c) => host(c.telemetryUrl)),
    };
    for (const job of config.scrape_configs as Array<{
      job_name: string;
      static_configs: Array<{ targets: string[] }>;
    }>) {
      const rendered = targets[job.job_name];
      if (rendered === undefined) throw new Error(`prometheus.yml: unexpected job ${job.job_name}`);
      if (job.static_configs.flatMap((s) => s.targets).length !== rendered.length) {
        throw new Error(`prometheus.yml: job ${job.job_name} lists another number of targets`);
      }
      job.static_configs = [{ targets: rendered }];
    }
    const path = join(this.runDir, 'prometheus.yml');
    writeFileSync(path, stringify(config));
    return path;
  }

  private async startPrometheus(): Promise<void> {
    const port = this.port();
    this.prometheusUrl = `http://${HOST}:${port}`;
    this.prometheus = prometheusClient(this.prometheusUrl);
    this.prometheusProcess = await startProcess({
      name: 'prometheus',
      command: this.env.TOOLSCOPE_PROMETHEUS_BIN,
      args: [
        `--config.file=${this.renderPrometheusConfig()}`,
        `--storage.tsdb.path=${join(this.runDir, 'prometheus-data')}`,
        `--web.listen-address=${HOST}:${port}`,
        '--enable-feature=exemplar-storage',
      ],
      logDir: this.logDir,
      ready: () => answers(`${this.prometheusUrl}/-/ready`),
    });
  }

  /** The gateway whose trace or service endpoint is `endpoint`. */
  gatewayAt(endpoint: string): Gateway {
    const g = this.gateways.find(
      (x) => x.traceEndpoint === endpoint || x.serviceEndpoint === endpoint,
    );
    if (g === undefined) throw new Error(`no gateway at ${endpoint}`);
    return g;
  }

  /** The gateway that receives trace `traceId`. */
  gatewayOfTrace(traceId: string): Gateway {
    return this.gatewayAt(this.traceRing.endpointForTrace(traceId));
  }

  /** The gateway that receives the span copies of `service` (span_metrics). */
  gatewayOfServiceSpans(service: string): Gateway {
    return this.gatewayAt(this.serviceRing.endpointForServiceSpans(service));
  }

  /** The gateway that receives the metrics of `service`. */
  gatewayOfServiceMetrics(service: string): Gateway {
    return this.gatewayAt(this.serviceRing.endpointForServiceMetrics(service));
  }

  /** Stops everything it started, Prometheus first, Jaeger last. Never throws. */
  async stop(): Promise<void> {
    const all = [
      this.prometheusProcess,
      ...this.agents.map((a) => a.process),
      ...this.gateways.map((g) => g.process),
      this.jaegerProcess,
    ];
    for (const p of all) {
      try {
        await p?.stop(10_000);
      } catch {
        // Killed by the exit hook at worst.
      }
    }
  }
}

/**
 * The collector's own metrics at `url` (its telemetry endpoint), as
 * `name{labels}` → value, summed over series that match `labels`.
 */
export async function collectorMetric(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await getText(url, 2_000);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    const seriesLabels = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [
        x[1]!,
        x[2]!,
      ]),
    );
    if (Object.entries(labels).every(([k, v]) => seriesLabels[k] === v)) sum += Number(m[4]);
  }
  return sum;
}
