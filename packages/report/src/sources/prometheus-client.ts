import {
  boundName,
  boundText,
  credentialsAsHeader,
  describeBytes,
  isRecord,
  LIMITS,
  redactUrl,
} from '@toolscope/instrumentation/internal';
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
  /** The float value; NaN on a native histogram sample (every float consumer skips it). */
  readonly value: number;
  /** Set on native histogram samples only. */
  readonly histogram?: NativeHistogramValue;
}

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
 * A minimal client of the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`). Works
 * with Prometheus 2.42 and later.
 *
 * - One deadline per request covers everything: connect, headers, reading the whole body and
 *   parsing it (a server that trickles a byte at a time is given up at the deadline).
 * - A body is read to at most `maxBodyBytes` (`LIMITS.prometheusBodyBytes` by default): a
 *   longer one is refused (declared or not) without reading further.
 * - Answers are checked against the API's shape before anything uses them: a vector is a list
 *   of `{ metric: { label: string }, value: [time, string] }`; anything else (`null`,
 *   `result: [null]`, a numeric label value) is a `PrometheusQueryError` naming the problem.
 *   A native-histogram sample (`histogram` instead of `value`) is valid: its value is NaN.
 * - Credentials in the URL (`http://user:pass@host`) are sent as Basic auth and never shown:
 *   `url` (used in every message) has them redacted.
 */
export class PrometheusClient {
  /** The base URL as it may be shown (credentials redacted). */
  readonly url: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(
    url: string,
    timeoutMs: number,
    headers: Readonly<Record<string, string>> = {},
    maxBodyBytes: number = LIMITS.prometheusBodyBytes,
  ) {
    this.url = redactUrl(url);
    this.timeoutMs = timeoutMs;
    this.maxBodyBytes = maxBodyBytes;
    const auth = credentialsAsHeader(new URL(url.endsWith('/') ? url : `${url}/`), headers);
    this.base = auth.url;
    this.headers = auth.headers;
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
    const malformed = (problem: string) => this.malformed(problem, expr);
    if (data.resultType === 'scalar') {
      return [{ metric: {}, value: parseValue(pointOf(data.result, 'result', malformed)[1]) }];
    }
    if (data.resultType !== 'vector')
      throw malformed(`expected a vector, got ${typeOf(data.resultType)}`);
    return listOf(data.result, 'result', malformed).map((r, i) => {
      const sample = recordOf(r, `result[${i}]`, malformed);
      // A native-histogram sample carries `histogram` instead of `value`: no float (NaN, which
      // every consumer skips), not a malformed answer.
      const native = sample.value === undefined && sample.histogram !== undefined;
      const metric = labelsOf(sample.metric, `result[${i}].metric`, malformed);
      if (native) {
        const [, raw] = pointOf(sample.histogram, `result[${i}].histogram`, malformed);
        return { metric, value: Number.NaN, histogram: parseHistogram(raw) };
      }
      return {
        metric,
        value: parseValue(pointOf(sample.value, `result[${i}].value`, malformed)[1]),
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
    const malformed = (problem: string) => this.malformed(problem, expr);
    if (data.resultType !== 'matrix')
      throw malformed(`expected a matrix, got ${typeOf(data.resultType)}`);
    return listOf(data.result, 'result', malformed).map((r, i) => {
      const series = recordOf(r, `result[${i}]`, malformed);
      return {
        metric: labelsOf(series.metric, `result[${i}].metric`, malformed),
        values: listOf(series.values ?? [], `result[${i}].values`, malformed).map((v, j) => {
          const [t, value] = pointOf(v, `result[${i}].values[${j}]`, malformed);
          return [Number(t), parseValue(value)] as const;
        }),
      };
    });
  }

  /** Values of one label (`/api/v1/label/<name>/values`), for example every metric name. */
  async labelValues(label: string): Promise<string[]> {
    const { result } = await this.call(
      `api/v1/label/${encodeURIComponent(label)}/values`,
      undefined,
      '',
    );
    return Array.isArray(result) ? result.filter((v): v is string => typeof v === 'string') : [];
  }

  /** Closes the connections, abandoning any request still in flight (bounded). */
  async close(): Promise<void> {
    await this.agent.destroy();
  }

  /**
   * One request under one deadline: the answer is read (at most `maxBodyBytes`) and parsed
   * before the deadline, or the request fails: unreachable ("no answer within …") when no
   * headers came, "did not finish answering within …" (`PrometheusQueryError`) when they did.
   */
  private async call(
    path: string,
    params: Record<string, string> | undefined,
    expr: string,
  ): Promise<{ resultType?: unknown; result?: unknown }> {
    const target = new URL(path, this.base);
    const form = params !== undefined;
    const deadline = performance.now() + this.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    // Set once the status line and headers are in: from then on a deadline means the answer
    // was too slow to finish, not that nobody answered.
    let status: number | undefined;
    let text: string;
    try {
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
          signal: controller.signal,
        });
        status = res.statusCode;
        text = await this.readBody(res.body, res.headers['content-length']);
      } catch (err) {
        if (err instanceof PrometheusQueryError) throw err;
        const reason = controller.signal.aborted ? timeoutError() : err;
        if (status !== undefined && isTimeout(reason)) throw this.unfinished(status);
        throw this.connectionError(reason);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new PrometheusQueryError(
          this.url,
          `answered HTTP ${status} with a body that is not Prometheus API JSON; is this the Prometheus base URL (without /graph or /api)?`,
        );
      }
      // Parsing is synchronous: the deadline is checked once it is done.
      if (performance.now() > deadline) throw this.unfinished(status);
      if (!isRecord(body)) throw this.malformed(`the answer is ${typeOf(body)}, not an object`);
      if (body.status !== 'success') {
        if (body.status !== 'error') {
          throw this.malformed(`the answer's status is ${typeOf(body.status)}`);
        }
        throw new PrometheusQueryError(
          this.url,
          `query failed (HTTP ${status}, ${boundName(body.errorType ?? 'error', 'report.source')}: ${boundText(body.error ?? 'no message', 'report.source')})`,
          expr === '' ? undefined : expr,
        );
      }
      if (path.startsWith('api/v1/label/')) return { result: body.data };
      if (!isRecord(body.data)) throw this.malformed(`its data is ${typeOf(body.data)}`, expr);
      return body.data;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The body as text, refused past `maxBodyBytes` (declared or read) without reading on. */
  private async readBody(
    body: AsyncIterable<Buffer> & { destroy(): unknown },
    declared: string | string[] | undefined,
  ): Promise<string> {
    const tooLarge = () => {
      body.destroy();
      return new PrometheusQueryError(
        this.url,
        `answered with a body larger than ${describeBytes(this.maxBodyBytes)}, the most toolscope reads; narrow the query with --selector`,
      );
    };
    if (typeof declared === 'string' && Number(declared) > this.maxBodyBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > this.maxBodyBytes) throw tooLarge();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  private malformed(problem: string, expr?: string): PrometheusQueryError {
    return new PrometheusQueryError(
      this.url,
      `answered with a malformed API answer: ${problem}`,
      expr === '' ? undefined : expr,
    );
  }

  /** Prometheus began to answer (`status` and headers came) but did not finish in time. */
  private unfinished(status: number): PrometheusQueryError {
    return new PrometheusQueryError(
      this.url,
      `did not finish answering within ${this.timeoutMs} ms (its headers came, HTTP ${status}; the rest of the answer did not); raise --timeout or narrow the query with --selector`,
    );
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
    return new PrometheusUnreachableError(
      this.url,
      boundText(e?.message ?? String(err), 'report.source'),
      { cause: err },
    );
  }
}

/** Whether `err` is the end of a request's time: our deadline, or one of undici's timeouts. */
function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return true;
  return (e?.code ?? e?.cause?.code ?? '').includes('TIMEOUT');
}

/** The reason of a request given up at its deadline (recognised by `connectionError`). */
function timeoutError(): Error {
  return Object.assign(new Error('deadline'), { name: 'TimeoutError' });
}

/** How a JSON value is named in a message about a malformed answer. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return boundName(JSON.stringify(value), 'report.source');
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

type Malformed = (problem: string) => Error;

function listOf(value: unknown, where: string, malformed: Malformed): unknown[] {
  if (!Array.isArray(value)) throw malformed(`${where} is ${typeOf(value)}, not a list`);
  return value;
}

function recordOf(value: unknown, where: string, malformed: Malformed): Record<string, unknown> {
  if (!isRecord(value)) throw malformed(`${where} is ${typeOf(value)}, not an object`);
  return value;
}

/** A label set: an object of strings (Prometheus label values are always strings). */
function labelsOf(value: unknown, where: string, malformed: Malformed): Record<string, string> {
  const labels = recordOf(value === undefined ? {} : value, where, malformed);
  for (const [name, v] of Object.entries(labels)) {
    if (typeof v !== 'string') {
      throw malformed(`${where}.${boundName(name, 'report.source')} is ${typeOf(v)}, not a string`);
    }
  }
  return labels as Record<string, string>;
}

/** A sample point `[time, "value"]`. */
function pointOf(value: unknown, where: string, malformed: Malformed): [unknown, unknown] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw malformed(`${where} is ${typeOf(value)}, not a [time, value] pair`);
  }
  return value as [unknown, unknown];
}

/**
 * A native histogram as the HTTP API encodes it: `{ count, sum, buckets: [[boundaryRule,
 * lower, upper, count], ...] }`, numbers as strings. Buckets that are not finite, ascending
 * `[lower, upper]` with a finite count are skipped; a histogram that is not an object has
 * none.
 */
export function parseHistogram(raw: unknown): NativeHistogramValue {
  const h = isRecord(raw) ? raw : {};
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
