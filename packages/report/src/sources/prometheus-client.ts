import { Agent, request } from 'undici';
import { PrometheusQueryError, PrometheusUnreachableError } from '../errors.ts';

/** One bucket of a native histogram: `count` observations between `lower` and `upper`. */
export interface NativeBucket {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

/** A native histogram sample (`histogram` in the HTTP API's answer). */
export interface NativeHistogramValue {
  readonly count: number;
  readonly sum: number;
  /** Populated buckets, ascending (the zero bucket first when it holds observations). */
  readonly buckets: readonly NativeBucket[];
}

/** One element of an instant vector: a float sample, or a native histogram sample. */
export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  /** The float value; for a native histogram sample, its count. */
  readonly value: number;
  /** Set on native histogram samples only. */
  readonly histogram?: NativeHistogramValue;
}

/** Default cap on one answer's size: 32 MiB (a 1-hour report of 500 tools is about 1 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** One series of a range query. */
export interface MatrixSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly (readonly [number, number])[];
}

/** Connection errors that mean "nobody answers there". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * A minimal client of the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`), with
 * a deadline on every request (connect, headers, body and an overall abort signal). Works
 * with Prometheus 2.42 and later.
 */
export class PrometheusClient {
  readonly url: string;
  readonly timeoutMs: number;
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly headers: Readonly<Record<string, string>>;
  /** Answers larger than this fail with `PrometheusQueryError` (read no further). */
  readonly maxResponseBytes: number;

  constructor(
    url: string,
    timeoutMs: number,
    headers: Readonly<Record<string, string>> = {},
    maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
  ) {
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.maxResponseBytes = maxResponseBytes;
    this.base = new URL(url.endsWith('/') ? url : `${url}/`);
    this.headers = headers;
    this.agent = new Agent({
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 1000,
    });
  }

  /** An instant query evaluated at `timeSec` (epoch seconds). */
  async query(expr: string, timeSec: number): Promise<VectorSample[]> {
    const data = await this.call('api/v1/query', { query: expr, time: timeSec.toFixed(3) }, expr);
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) {
      if (data.resultType === 'scalar' && Array.isArray(data.result)) {
        return [{ metric: {}, value: parseValue(data.result[1]) }];
      }
      throw new PrometheusQueryError(this.url, `expected a vector, got ${data.resultType}`, expr);
    }
    return (
      data.result as { metric?: Record<string, string>; value?: unknown[]; histogram?: unknown[] }[]
    ).map((r) => {
      const histogram = r.histogram === undefined ? undefined : parseHistogram(r.histogram[1]);
      return {
        metric: r.metric ?? {},
        value: histogram?.count ?? parseValue(r.value?.[1]),
        ...(histogram !== undefined ? { histogram } : {}),
      };
    });
  }

  /** A range query from `startSec` to `endSec` every `stepSec`. */
  async queryRange(
    expr: string,
    startSec: number,
    endSec: number,
    stepSec: number,
  ): Promise<MatrixSeries[]> {
    const data = await this.call(
      'api/v1/query_range',
      {
        query: expr,
        start: startSec.toFixed(3),
        end: endSec.toFixed(3),
        step: `${Math.max(1, Math.round(stepSec))}s`,
      },
      expr,
    );
    if (data.resultType !== 'matrix' || !Array.isArray(data.result)) {
      throw new PrometheusQueryError(this.url, `expected a matrix, got ${data.resultType}`, expr);
    }
    return (data.result as { metric?: Record<string, string>; values?: unknown[][] }[]).map(
      (r) => ({
        metric: r.metric ?? {},
        values: (r.values ?? []).map((v) => [Number(v[0]), parseValue(v[1])] as const),
      }),
    );
  }

  /** Values of one label (`/api/v1/label/<name>/values`), for example every metric name. */
  async labelValues(label: string): Promise<string[]> {
    const data = await this.call(`api/v1/label/${encodeURIComponent(label)}/values`, undefined, '');
    return Array.isArray(data) ? data.filter((v): v is string => typeof v === 'string') : [];
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async call(
    path: string,
    params: Record<string, string> | undefined,
    expr: string,
  ): Promise<{ resultType?: string; result?: unknown }> {
    const target = new URL(path, this.base);
    const form = params !== undefined;
    let status: number;
    let text: string;
    try {
      const res = await request(target, {
        method: form ? 'POST' : 'GET',
        dispatcher: this.agent,
        headers: {
          ...this.headers,
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          accept: 'application/json',
        },
        ...(form ? { body: new URLSearchParams(params).toString() } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.statusCode;
      text = await this.readCapped(res.body, expr);
    } catch (err) {
      if (err instanceof PrometheusQueryError) throw err;
      throw this.connectionError(err);
    }
    let body: { status?: string; data?: unknown; errorType?: string; error?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new PrometheusQueryError(
        this.url,
        `answered HTTP ${status} with a body that is not Prometheus API JSON; is this the Prometheus base URL (without /graph or /api)?`,
      );
    }
    if (body.status !== 'success') {
      throw new PrometheusQueryError(
        this.url,
        `query failed (HTTP ${status}, ${body.errorType ?? 'error'}: ${body.error ?? 'no message'})`,
        expr === '' ? undefined : expr,
      );
    }
    return (body.data ?? {}) as { resultType?: string; result?: unknown };
  }

  /** The body as text, failing once it grows past `maxResponseBytes`. */
  private async readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, expr: string) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > this.maxResponseBytes) {
        body.destroy();
        throw new PrometheusQueryError(
          this.url,
          `answered more than ${this.maxResponseBytes} bytes; narrow the window or the selector`,
          expr === '' ? undefined : expr,
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private connectionError(err: unknown): Error {
    const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
      return new PrometheusUnreachableError(this.url, `no answer within ${this.timeoutMs} ms`, {
        cause: err,
      });
    }
    const code = e?.code ?? e?.cause?.code;
    if (code !== undefined && UNREACHABLE_CODES.has(code)) {
      const reason = code.includes('TIMEOUT') ? `no answer within ${this.timeoutMs} ms` : code;
      return new PrometheusUnreachableError(this.url, reason, { cause: err });
    }
    return new PrometheusUnreachableError(this.url, e?.message ?? String(err), { cause: err });
  }
}

/**
 * A native histogram as the HTTP API encodes it: `{ count, sum, buckets: [[boundaryRule,
 * lower, upper, count], ...] }`, numbers as strings. Malformed buckets are skipped.
 */
export function parseHistogram(raw: unknown): NativeHistogramValue | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const h = raw as { count?: unknown; sum?: unknown; buckets?: unknown };
  const buckets: NativeBucket[] = [];
  for (const b of Array.isArray(h.buckets) ? h.buckets : []) {
    if (!Array.isArray(b) || b.length < 4) continue;
    const lower = parseValue(b[1]);
    const upper = parseValue(b[2]);
    const count = parseValue(b[3]);
    if ([lower, upper, count].every(Number.isFinite) && upper >= lower) {
      buckets.push({ lower, upper, count });
    }
  }
  buckets.sort((a, b) => a.upper - b.upper);
  return { count: parseValue(h.count), sum: parseValue(h.sum), buckets };
}

/** Prometheus encodes sample values as strings, including `NaN`, `+Inf`, `-Inf`. */
export function parseValue(raw: unknown): number {
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (typeof raw === 'string' || typeof raw === 'number') return Number(raw);
  return Number.NaN;
}
