/**
 * Typed clients for the real backends that `scripts/backends.sh` starts (see
 * `global-setup.ts`). Every request has a deadline; waiting is done by `pollUntil`, a
 * bounded poll, never by sleeping for a guessed time.
 */
import { spawnSync } from 'node:child_process';
import { inject } from 'vitest';
import {
  BACKENDS_SCRIPT,
  type BackendsEnv,
  type JaegerTrace,
  jaegerClient,
  type PromAlert,
  type PromExemplarSeries,
  type PromSample,
  prometheusClient,
  REPO_ROOT,
} from '../support/backend-clients.ts';

export * from '../support/backend-clients.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    backends: BackendsEnv;
  }
}

/** The endpoints and binaries of the running backends. */
export function backends(): BackendsEnv {
  return inject('backends');
}

const prometheus = () => prometheusClient(backends().TOOLSCOPE_PROMETHEUS_URL);
/** Prometheus 3: the scrape target of path (a) and the OTLP receiver of path (b). */
export const prometheus3 = prometheus;
/** Prometheus 2.x, scraping the same collector as Prometheus 3 (path a only). */
export const prometheus2 = () => prometheusClient(backends().TOOLSCOPE_PROMETHEUS_V2_URL);
/** Instant query; returns the vector (scalars come back as one sample with no labels). */
export async function promQuery(query: string, time?: Date): Promise<PromSample[]> {
  return prometheus().query(query, time);
}

/** The single value of an instant query, or undefined when the result is empty or NaN. */
export async function promValue(query: string): Promise<number | undefined> {
  return prometheus().value(query);
}

/** Active (pending or firing) alerts from `/api/v1/alerts`. */
export async function promAlerts(): Promise<PromAlert[]> {
  return prometheus().alerts();
}

/** `/api/v1/query_exemplars` between two instants. */
export async function promExemplars(
  query: string,
  start: Date,
  end: Date,
): Promise<PromExemplarSeries[]> {
  return prometheus().exemplars(query, start, end);
}

/** Metric names Prometheus knows (`/api/v1/label/__name__/values`). */
export async function promMetricNames(): Promise<string[]> {
  return prometheus().metricNames();
}

const jaeger = () => jaegerClient(backends().TOOLSCOPE_JAEGER_URL);

/**
 * Traces of `service` whose spans carry all `tags` (`/api/traces?service=&tags=`), most
 * recent first. `lookbackMs` bounds the search window.
 */
export async function jaegerFindTraces(
  service: string,
  tags: Record<string, string>,
  options: { lookbackMs?: number; limit?: number; operation?: string } = {},
): Promise<JaegerTrace[]> {
  return jaeger().findTraces(service, tags, options);
}

/** One trace by ID (`/api/traces/{id}`), or undefined when Jaeger does not have it. */
export async function jaegerTrace(traceId: string): Promise<JaegerTrace | undefined> {
  return jaeger().trace(traceId);
}

/** Services Jaeger has seen. */
export async function jaegerServices(): Promise<string[]> {
  return jaeger().services();
}

// ------------------------------------------------------------------ process control

/**
 * Runs `scripts/backends.sh <args>` (for example `kill collector`, `restart collector`)
 * and throws with its output when it fails.
 */
export function backendsCommand(...args: string[]): string {
  const r = spawnSync('bash', [BACKENDS_SCRIPT, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) {
    throw new Error(
      `scripts/backends.sh ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r.stdout + r.stderr;
}
