import type { Attributes } from '@opentelemetry/api';
import type { InvocationStoreOptions } from '@toolscope/instrumentation';
import {
  credentialsAsHeader,
  envServiceName,
  type HistogramAggregation,
  LIMITS,
  redactUrl,
  serviceNameProblem,
  validators,
} from '@toolscope/instrumentation/internal';
import { env, envBoolean, envPositiveInt, parseKeyValueList } from './env.ts';
import { ToolscopeSetupError } from './errors.ts';
import { FRAMEWORKS, type FrameworkId, frameworkOptionKey } from './frameworks.ts';
import type { BatchOptions, OtlpProtocol, ToolscopeOptions } from './types.ts';

/** Options after defaults and environment variables were applied and everything validated. */
export interface ResolvedOptions {
  serviceName: string | undefined;
  resourceAttributes: Attributes;
  /** The OTLP base URL, without credentials (those are sent as Basic auth). */
  endpoint: string;
  tracesUrl: string;
  metricsUrl: string;
  protocol: OtlpProtocol;
  /** Headers of the trace exporter (Basic auth from its URL's credentials included). */
  tracesHeaders: Record<string, string>;
  /** Headers of the metric exporter (Basic auth from its URL's credentials included). */
  metricsHeaders: Record<string, string>;
  sdkDisabled: boolean;
  exportEnabled: boolean;
  metricExportIntervalMs: number;
  metricExportTimeoutMs: number;
  histograms: HistogramAggregation;
  batch: Required<BatchOptions>;
  attributeValueLengthLimit: number;
  inProcess: InvocationStoreOptions | undefined;
  instrumentations: readonly unknown[];
  /** The framework integrations to enable, by id. */
  frameworks: ReadonlySet<FrameworkId>;
  flushOnExit: boolean;
  exitFlushTimeoutMs: number;
}

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

/**
 * OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION values (OpenTelemetry
 * specification, OTLP exporter) and the `histograms` option each stands for.
 */
const HISTOGRAM_AGGREGATIONS: Readonly<Record<string, HistogramAggregation>> = {
  explicit_bucket_histogram: 'explicit',
  base2_exponential_bucket_histogram: 'exponential',
};

function resolveHistograms(option: unknown): HistogramAggregation {
  if (option !== undefined) {
    if (option !== 'explicit' && option !== 'exponential') {
      throw new ToolscopeSetupError(
        'histograms',
        `must be 'explicit' or 'exponential' (got ${JSON.stringify(option)})`,
      );
    }
    return option;
  }
  const raw = env('OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION');
  if (raw === undefined) return 'explicit';
  const aggregation = HISTOGRAM_AGGREGATIONS[raw.trim().toLowerCase()];
  if (aggregation === undefined) {
    throw new ToolscopeSetupError(
      'OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION',
      `must be explicit_bucket_histogram or base2_exponential_bucket_histogram (got ${JSON.stringify(raw)})`,
    );
  }
  return aggregation;
}

/** The span attribute value length limit when neither the option nor OTEL_* sets one. */
export const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = LIMITS.spanAttributeValueLength;

const v = validators((field, problem) => new ToolscopeSetupError(field, problem));

function positiveInt(field: string, value: unknown, fallback: number): number {
  return v.optionalNumber(field, value, { min: 1, integer: true }) ?? fallback;
}

/**
 * An OTLP URL without its credentials, which go into an `Authorization: Basic` header instead
 * (unless `headers` sets one), written as given otherwise (no trailing slash added).
 */
function withoutCredentials(
  raw: string,
  headers: Readonly<Record<string, string>>,
): { url: string; headers: Record<string, string> } {
  const url = new URL(raw);
  if (url.username === '' && url.password === '') return { url: raw, headers: { ...headers } };
  const split = credentialsAsHeader(url, headers);
  const href = split.url.href;
  return {
    url: !raw.endsWith('/') && split.url.pathname === '/' ? href.slice(0, -1) : href,
    headers: split.headers,
  };
}

function checkUrl(field: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolscopeSetupError(
      field,
      `must be an absolute http(s) URL such as http://localhost:4318 (got ${JSON.stringify(redactUrl(raw))})`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolscopeSetupError(
      field,
      `must use http or https (got ${url.protocol.replace(':', '')}); toolscope exports OTLP over HTTP, port 4318 by default`,
    );
  }
  return raw.replace(/\/+$/, '');
}

/** Every option of `startToolscope`; another key (a typo) is rejected, naming it. */
const OPTION_KEYS = [
  'serviceName',
  'resourceAttributes',
  'endpoint',
  'protocol',
  'headers',
  'export',
  'metricExportIntervalMs',
  'metricExportTimeoutMs',
  'histograms',
  'batch',
  'attributeValueLengthLimit',
  'inProcess',
  'mcp',
  'frameworks',
  'instrumentations',
  'flushOnExit',
  'exitFlushTimeoutMs',
] as const satisfies readonly (keyof ToolscopeOptions)[];
const BATCH_KEYS = [
  'maxQueueSize',
  'maxExportBatchSize',
  'scheduledDelayMillis',
  'exportTimeoutMillis',
] as const satisfies readonly (keyof BatchOptions)[];
/** Fails to compile when an options type gains a key the lists above lack. */
const allKeysListed: [
  Exclude<keyof ToolscopeOptions, (typeof OPTION_KEYS)[number]>,
  Exclude<keyof BatchOptions, (typeof BATCH_KEYS)[number]>,
] extends [never, never]
  ? true
  : never = true;
void allKeysListed;

/**
 * The `serviceName` option, else OTEL_SERVICE_NAME (`envServiceName`), validated: a name longer
 * than a name may be or with a control character is refused, naming where it came from.
 */
function resolveServiceName(option: unknown): string | undefined {
  if (option !== undefined && (typeof option !== 'string' || option.trim() === '')) {
    throw new ToolscopeSetupError('serviceName', 'must be a non-empty string');
  }
  const field = option !== undefined ? 'serviceName' : 'OTEL_SERVICE_NAME';
  const name = option ?? envServiceName(process.env);
  if (name === undefined) return undefined;
  const problem = serviceNameProblem(name);
  if (problem !== undefined) {
    throw new ToolscopeSetupError(field, problem, {
      fix: 'give a short name of printable characters, such as checkout-agent',
    });
  }
  return name;
}

/** Applies defaults and `OTEL_*` variables to `options` and validates everything. */
export function resolveOptions(options: ToolscopeOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new ToolscopeSetupError('options', 'must be an object');
  }
  v.knownKeys('', options as Record<string, unknown>, OPTION_KEYS);
  const serviceName = resolveServiceName(options.serviceName);
  const rawProtocol = options.protocol ?? env('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  if (!PROTOCOLS.includes(rawProtocol as OtlpProtocol)) {
    const field = options.protocol !== undefined ? 'protocol' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    throw new ToolscopeSetupError(
      field,
      `must be 'http/protobuf' or 'http/json' (got ${JSON.stringify(rawProtocol)})${rawProtocol === 'grpc' ? '; gRPC is not supported, point toolscope at the collector’s OTLP/HTTP port (4318)' : ''}`,
    );
  }
  const endpointField = options.endpoint !== undefined ? 'endpoint' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const rawEndpoint = checkUrl(
    endpointField,
    options.endpoint ?? env('OTEL_EXPORTER_OTLP_ENDPOINT') ?? 'http://localhost:4318',
  );
  const tracesEnv =
    options.endpoint === undefined ? env('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') : undefined;
  const metricsEnv =
    options.endpoint === undefined ? env('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') : undefined;
  const rawTraces =
    tracesEnv === undefined ? undefined : checkUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEnv);
  const rawMetrics =
    metricsEnv === undefined
      ? undefined
      : checkUrl('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', metricsEnv);

  if (options.headers !== undefined) {
    if (options.headers === null || typeof options.headers !== 'object') {
      throw new ToolscopeSetupError(
        'headers',
        'must be an object of header names to string values',
      );
    }
    for (const [k, v] of Object.entries(options.headers)) {
      if (typeof v !== 'string') throw new ToolscopeSetupError(`headers.${k}`, 'must be a string');
    }
  }
  const headers =
    options.headers ??
    parseKeyValueList('OTEL_EXPORTER_OTLP_HEADERS', env('OTEL_EXPORTER_OTLP_HEADERS'), {
      secret: true,
    });
  // Credentials in an endpoint become Basic auth; the URLs kept (and shown) carry none.
  const base = withoutCredentials(rawEndpoint, headers);
  const endpoint = base.url;
  const traces =
    rawTraces === undefined
      ? { url: `${endpoint}/v1/traces`, headers: base.headers }
      : withoutCredentials(rawTraces, headers);
  const metrics =
    rawMetrics === undefined
      ? { url: `${endpoint}/v1/metrics`, headers: base.headers }
      : withoutCredentials(rawMetrics, headers);

  const sdkDisabled = envBoolean('OTEL_SDK_DISABLED') ?? false;
  const tracesExporterNone = env('OTEL_TRACES_EXPORTER')?.toLowerCase() === 'none';
  if (options.export !== undefined && typeof options.export !== 'boolean') {
    throw new ToolscopeSetupError('export', 'must be true or false');
  }
  const exportEnabled = !sdkDisabled && (options.export ?? !tracesExporterNone);

  const b = options.batch ?? {};
  v.knownKeys('batch', v.object('batch', b, 'an object of batch settings'), BATCH_KEYS);
  const batch: Required<BatchOptions> = {
    maxQueueSize: positiveInt(
      'batch.maxQueueSize',
      b.maxQueueSize,
      envPositiveInt('OTEL_BSP_MAX_QUEUE_SIZE') ?? 16384,
    ),
    maxExportBatchSize: positiveInt(
      'batch.maxExportBatchSize',
      b.maxExportBatchSize,
      envPositiveInt('OTEL_BSP_MAX_EXPORT_BATCH_SIZE') ?? 512,
    ),
    scheduledDelayMillis: positiveInt(
      'batch.scheduledDelayMillis',
      b.scheduledDelayMillis,
      envPositiveInt('OTEL_BSP_SCHEDULE_DELAY') ?? 500,
    ),
    exportTimeoutMillis: positiveInt(
      'batch.exportTimeoutMillis',
      b.exportTimeoutMillis,
      envPositiveInt('OTEL_BSP_EXPORT_TIMEOUT') ?? 10_000,
    ),
  };
  if (batch.maxExportBatchSize > batch.maxQueueSize) {
    throw new ToolscopeSetupError(
      'batch.maxExportBatchSize',
      `must be <= batch.maxQueueSize (${batch.maxQueueSize}) (got ${batch.maxExportBatchSize})`,
    );
  }
  const metricExportIntervalMs = positiveInt(
    'metricExportIntervalMs',
    options.metricExportIntervalMs,
    envPositiveInt('OTEL_METRIC_EXPORT_INTERVAL') ?? 10_000,
  );
  const metricExportTimeoutMs = Math.min(
    metricExportIntervalMs,
    positiveInt(
      'metricExportTimeoutMs',
      options.metricExportTimeoutMs,
      envPositiveInt('OTEL_METRIC_EXPORT_TIMEOUT') ?? 5_000,
    ),
  );

  const histograms = resolveHistograms(options.histograms);
  const attributeValueLengthLimit = positiveInt(
    'attributeValueLengthLimit',
    options.attributeValueLengthLimit,
    envPositiveInt('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      envPositiveInt('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  );

  let inProcess: InvocationStoreOptions | undefined;
  if (options.inProcess === undefined || options.inProcess === true) inProcess = {};
  else if (options.inProcess === false) inProcess = undefined;
  else if (typeof options.inProcess === 'object' && options.inProcess !== null)
    inProcess = options.inProcess;
  else throw new ToolscopeSetupError('inProcess', 'must be true, false or store options');

  if (options.instrumentations !== undefined && !Array.isArray(options.instrumentations)) {
    throw new ToolscopeSetupError(
      'instrumentations',
      'must be an array of OpenTelemetry instrumentations',
    );
  }

  const frameworks = resolveFrameworks(options);
  const flushOnExit =
    v.optionalBoolean('flushOnExit', options.flushOnExit) ??
    envBoolean('TOOLSCOPE_FLUSH_ON_EXIT') ??
    true;
  const exitFlushTimeoutMs = positiveInt(
    'exitFlushTimeoutMs',
    options.exitFlushTimeoutMs,
    envPositiveInt('TOOLSCOPE_EXIT_FLUSH_TIMEOUT') ?? LIMITS.exitFlushTimeoutMs,
  );

  const resourceAttributes: Attributes = {
    ...parseKeyValueList('OTEL_RESOURCE_ATTRIBUTES', env('OTEL_RESOURCE_ATTRIBUTES')),
    ...options.resourceAttributes,
  };
  return {
    serviceName,
    resourceAttributes,
    endpoint,
    tracesUrl: traces.url,
    metricsUrl: metrics.url,
    protocol: rawProtocol as OtlpProtocol,
    tracesHeaders: traces.headers,
    metricsHeaders: metrics.headers,
    sdkDisabled,
    exportEnabled,
    metricExportIntervalMs,
    metricExportTimeoutMs,
    histograms,
    batch,
    attributeValueLengthLimit,
    inProcess,
    instrumentations: options.instrumentations ?? [],
    frameworks,
    flushOnExit,
    exitFlushTimeoutMs,
  };
}

/**
 * The framework integrations to enable: the `frameworks` option (and the older `mcp` flag),
 * else `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS`, else all.
 */
function resolveFrameworks(options: ToolscopeOptions): ReadonlySet<FrameworkId> {
  const ids = FRAMEWORKS.map((f) => f.id);
  const mcp = v.optionalBoolean('mcp', options.mcp);
  const given = options.frameworks;
  let enabled: Set<FrameworkId>;
  if (given === undefined) {
    enabled = new Set(ids);
    const only = env('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
    if (only !== undefined) enabled = new Set(listOf(only, ids));
    const off = env('OTEL_NODE_DISABLED_INSTRUMENTATIONS');
    if (off !== undefined) {
      for (const id of listOf(off, ids)) enabled.delete(id);
    }
  } else if (typeof given === 'boolean') {
    enabled = new Set(given ? ids : []);
  } else {
    const record = v.object('frameworks', given, 'true, false or an object of frameworks');
    const keys = new Map(ids.map((id) => [frameworkOptionKey(id), id]));
    v.knownKeys('frameworks', record, keys.keys());
    enabled = new Set(
      ids.filter(
        (id) =>
          v.optionalBoolean(
            `frameworks.${frameworkOptionKey(id)}`,
            record[frameworkOptionKey(id)],
          ) ?? true,
      ),
    );
  }
  if (mcp === false) enabled.delete('mcp');
  return enabled;
}

/** A comma-separated list of framework ids; other OpenTelemetry instrumentation ids are ignored. */
function listOf(raw: string, ids: readonly FrameworkId[]): FrameworkId[] {
  const known = new Set<string>(ids);
  return raw
    .split(',')
    .map((s) => s.trim().replace(/^@toolscope\/instrumentation-/, ''))
    .filter((s): s is FrameworkId => known.has(s));
}
