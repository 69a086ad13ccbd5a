/**
 * Clients for the real backends (Prometheus, Jaeger, a collector's telemetry endpoint) and
 * bounded polling, with no test-runner dependency: the e2e tests (through `test/e2e/backends.ts`)
 * and `npm run bench` share them. Every request has a deadline; waiting is done by `pollUntil`,
 * a bounded poll, never by sleeping for a guessed time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What `scripts/backends.sh env` prints, provided to every e2e test by the global setup. */
export interface BackendsEnv {
  TOOLSCOPE_CACHE: string;
  TOOLSCOPE_RUN_DIR: string;
  TOOLSCOPE_CONFIG_DIR: string;
  TOOLSCOPE_OTELCOL_BIN: string;
  TOOLSCOPE_JAEGER_BIN: string;
  /** The Prometheus 3 release backends.sh builds, e.g. `3.16.0`. */
  TOOLSCOPE_PROMETHEUS_VERSION: string;
  TOOLSCOPE_PROMETHEUS_BIN: string;
  TOOLSCOPE_PROMTOOL_BIN: string;
  TOOLSCOPE_PROMETHEUS_CONFIG: string;
  /** Prometheus 2.x (Debian's 2.42): scrapes the same collector, loads the same rules. */
  TOOLSCOPE_PROMETHEUS_V2_BIN: string;
  TOOLSCOPE_PROMTOOL_V2_BIN: string;
  TOOLSCOPE_PROMETHEUS_V2_CONFIG: string;
  /** OTLP/HTTP base URL of the collector, e.g. `http://127.0.0.1:4318`. */
  TOOLSCOPE_OTLP_HTTP_ENDPOINT: string;
  TOOLSCOPE_OTLP_GRPC_ENDPOINT: string;
  TOOLSCOPE_COLLECTOR_HEALTH_URL: string;
  /** The collector's prometheus exporter (what Prometheus scrapes). */
  TOOLSCOPE_COLLECTOR_METRICS_URL: string;
  /** The collector's own telemetry (otelcol_* metrics). */
  TOOLSCOPE_COLLECTOR_TELEMETRY_URL: string;
  TOOLSCOPE_JAEGER_URL: string;
  /**
   * OTLP/HTTP base URL of the second collector, which pushes metrics to Prometheus' OTLP
   * receiver (path b) instead of exposing them for scraping.
   */
  TOOLSCOPE_PUSH_OTLP_HTTP_ENDPOINT: string;
  TOOLSCOPE_PUSH_COLLECTOR_HEALTH_URL: string;
  /** Prometheus 3 (the scrape target of path a, the OTLP receiver of path b). */
  TOOLSCOPE_PROMETHEUS_URL: string;
  /** Prometheus' OTLP receiver base URL; the SDK appends `/v1/metrics`. */
  TOOLSCOPE_PROMETHEUS_OTLP_ENDPOINT: string;
  TOOLSCOPE_PROMETHEUS_V2_URL: string;
}

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BACKENDS_SCRIPT = fileURLToPath(new URL('../../scripts/backends.sh', import.meta.url));

/** Parses the KEY=VALUE lines `scripts/backends.sh env` prints. */
export function parseBackendsEnv(text: string): BackendsEnv {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env as unknown as BackendsEnv;
}

/** What `scripts/backends.sh env` prints now (binaries and endpoints; nothing is started). */
export function readBackendsEnv(): BackendsEnv {
  const r = spawnSync('bash', [BACKENDS_SCRIPT, 'env'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`scripts/backends.sh env exited ${r.status}: ${r.stderr}`);
  return parseBackendsEnv(r.stdout);
}

/** Deadline of a single HTTP request to a backend. */
const REQUEST_TIMEOUT_MS = 5_000;

async function getJson<T>(url: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  if (!res.ok) {
    throw new Error(`GET ${url} -> ${res.status}: ${body.slice(0, 500)}`);
  }
  return JSON.parse(body) as T;
}

export async function getText(url: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  if (!res.ok) {
    throw new Error(`GET ${url} -> ${res.status}: ${body.slice(0, 500)}`);
  }
  return body;
}

// ------------------------------------------------------------------ polling

export interface PollOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts. @default 250 */
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/**
 * Calls `fn` until it returns a value other than `undefined`, `null` or `false`, and
 * returns that value. Errors thrown by `fn` count as "not yet". Throws after
 * `timeoutMs`, with the last error or value in the message.
 */
export async function pollUntil<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: PollOptions,
): Promise<T> {
  const { timeoutMs, intervalMs = 250, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) {
        return value;
      }
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail =
        last instanceof Error ? last.message : (JSON.stringify(last)?.slice(0, 500) ?? 'undefined');
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${description}; last: ${detail}`);
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(intervalMs, deadline - Date.now())),
    );
  }
}

// ------------------------------------------------------------------ Prometheus

interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** A native histogram sample as the HTTP API returns it (values are strings). */
export interface PromHistogram {
  count: string;
  sum: string;
  /** [boundary rule, lower, upper, count]; rule 0 = (lower, upper], 3 = [lower, upper]. */
  buckets?: Array<[number, string, string, string]>;
}

export interface PromSample {
  metric: Record<string, string>;
  /** [unix seconds, value as a string]; absent on a native histogram sample. */
  value: [number, string];
  /** [unix seconds, histogram]: only on native histogram samples. */
  histogram?: [number, PromHistogram];
}

/** A Prometheus HTTP API at `baseUrl` (every request has a deadline). */
export function prometheusClient(baseUrl: string) {
  async function get<T>(path: string, params: Record<string, string>): Promise<T> {
    const url = new URL(path, baseUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await res.json()) as PromResponse<T>;
    if (!res.ok || body.status !== 'success') {
      throw new Error(
        `Prometheus ${path} ${JSON.stringify(params)}: ${body.errorType}: ${body.error}`,
      );
    }
    return body.data;
  }

  /** Instant query; returns the vector (scalars come back as one sample with no labels). */
  async function query(q: string, time?: Date): Promise<PromSample[]> {
    const params: Record<string, string> = { query: q };
    if (time) params.time = String(time.getTime() / 1000);
    const data = await get<
      | { resultType: 'vector'; result: PromSample[] }
      | { resultType: 'scalar'; result: [number, string] }
    >('/api/v1/query', params);
    if (data.resultType === 'scalar') return [{ metric: {}, value: data.result }];
    return data.result;
  }

  return {
    query,
    /** The single value of an instant query, or undefined when the result is empty or NaN. */
    async value(q: string): Promise<number | undefined> {
      const result = await query(q);
      if (result.length === 0) return undefined;
      if (result.length > 1) {
        throw new Error(`expected one series for ${q}, got ${result.length}`);
      }
      const v = Number(result[0]!.value?.[1]);
      return Number.isNaN(v) ? undefined : v;
    },
    /** Active (pending or firing) alerts from `/api/v1/alerts`. */
    async alerts(): Promise<PromAlert[]> {
      return (await get<{ alerts: PromAlert[] }>('/api/v1/alerts', {})).alerts;
    },
    /** `/api/v1/query_exemplars` between two instants. */
    exemplars(q: string, start: Date, end: Date): Promise<PromExemplarSeries[]> {
      return get<PromExemplarSeries[]>('/api/v1/query_exemplars', {
        query: q,
        start: String(start.getTime() / 1000),
        end: String(end.getTime() / 1000),
      });
    },
    /** Metric names Prometheus knows (`/api/v1/label/__name__/values`). */
    metricNames(): Promise<string[]> {
      return get<string[]>('/api/v1/label/__name__/values', {});
    },
  };
}

export type PrometheusClient = ReturnType<typeof prometheusClient>;

/**
 * Waits (bounded: 90 s) until `alertname` fires for `tool` on the Prometheus `api` talks to,
 * and returns the alert.
 */
export function firingToolAlert(
  api: PrometheusClient,
  alertname: string,
  tool: string,
): Promise<PromAlert> {
  return pollUntil(
    async () =>
      (await api.alerts()).find(
        (a) =>
          a.labels.alertname === alertname &&
          a.labels.gen_ai_tool_name === tool &&
          a.state === 'firing',
      ),
    { timeoutMs: 90_000, intervalMs: 500, description: `${alertname} firing for ${tool}` },
  );
}

// ------------------------------------------------------------------ Grafana

interface DashboardPanel {
  targets?: Array<{ expr?: string }>;
  panels?: DashboardPanel[];
}

/**
 * Every PromQL expression of a Grafana dashboard: panel targets (rows' nested panels too)
 * and the queries behind `label_values(<query>, <label>)` variables.
 */
export function dashboardQueries(dashboard: {
  panels: DashboardPanel[];
  templating?: { list: Array<{ definition?: string }> };
}): string[] {
  const fromPanels = (panels: DashboardPanel[]): string[] =>
    panels.flatMap((p) => [
      ...(p.targets ?? []).flatMap((t) => (t.expr ? [t.expr] : [])),
      ...fromPanels(p.panels ?? []),
    ]);
  return [
    ...fromPanels(dashboard.panels),
    ...(dashboard.templating?.list ?? []).flatMap((v) =>
      v.definition ? [v.definition.replace(/^label_values\((.*), \w+\)$/, '$1')] : [],
    ),
  ];
}

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt: string;
  value: string;
}

export interface PromExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }>;
}

// ------------------------------------------------------------------ Jaeger

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags: Array<{ key: string; type: string; value: unknown }>;
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: Array<{ key: string; value: unknown }> }>;
}

interface JaegerResponse<T> {
  data: T;
  errors: Array<{ code: number; msg: string }> | null;
}

/** A Jaeger query API at `baseUrl` (every request has a deadline). */
export function jaegerClient(baseUrl: string) {
  return {
    /**
     * Traces of `service` whose spans carry all `tags` (`/api/traces?service=&tags=`), most
     * recent first. `lookbackMs` bounds the search window.
     */
    async findTraces(
      service: string,
      tags: Record<string, string>,
      options: { lookbackMs?: number; limit?: number; operation?: string } = {},
    ): Promise<JaegerTrace[]> {
      const { lookbackMs = 3_600_000, limit = 100, operation } = options;
      const url = new URL('/api/traces', baseUrl);
      const nowUs = Date.now() * 1000;
      url.searchParams.set('service', service);
      url.searchParams.set('tags', JSON.stringify(tags));
      url.searchParams.set('start', String(nowUs - lookbackMs * 1000));
      url.searchParams.set('end', String(nowUs + 60_000_000));
      url.searchParams.set('limit', String(limit));
      if (operation) url.searchParams.set('operation', operation);
      const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (res.status === 404) return [];
      const body = (await res.json()) as JaegerResponse<JaegerTrace[] | null>;
      if (!res.ok) throw new Error(`Jaeger ${url}: ${res.status} ${JSON.stringify(body.errors)}`);
      return body.data ?? [];
    },
    /** One trace by ID (`/api/traces/{id}`), or undefined when Jaeger does not have it. */
    async trace(traceId: string): Promise<JaegerTrace | undefined> {
      const url = new URL(`/api/traces/${traceId}`, baseUrl);
      const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (res.status === 404) return undefined;
      const body = (await res.json()) as JaegerResponse<JaegerTrace[] | null>;
      if (!res.ok) throw new Error(`Jaeger ${url}: ${res.status} ${JSON.stringify(body.errors)}`);
      return body.data?.[0];
    },
    /** Services Jaeger has seen. */
    async services(): Promise<string[]> {
      const body = await getJson<JaegerResponse<string[] | null>>(
        new URL('/api/services', baseUrl).href,
      );
      return body.data ?? [];
    },
  };
}

export type JaegerClient = ReturnType<typeof jaegerClient>;

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

/**
 * Polls a collector's counter (or gauge) at its telemetry `url` until it reaches `expected`
 * (bounded), then returns its value.
 */
export async function counterReaches(
  url: string,
  name: string,
  labels: Record<string, string>,
  expected: number,
  what: string,
  timeoutMs = 60_000,
): Promise<number> {
  await pollUntil(async () => (await collectorMetric(url, name, labels)) >= expected, {
    timeoutMs,
    intervalMs: 250,
    description: `${what} to reach ${expected}`,
  });
  return collectorMetric(url, name, labels);
}

export function spanTag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}
