import type { Attributes, MeterProvider, TracerProvider } from '@opentelemetry/api';
import type {
  AlertCenter,
  InvocationStore,
  InvocationStoreOptions,
} from '@toolscope/instrumentation';

/** OTLP/HTTP encodings toolscope can export with. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** BatchSpanProcessor settings. */
export interface BatchOptions {
  /**
   * Spans held while waiting for export; beyond it new spans are dropped (and counted).
   * @default 16384 (OTEL_BSP_MAX_QUEUE_SIZE)
   */
  maxQueueSize?: number;
  /**
   * Spans per export request. Serialization runs on the main thread, so smaller batches
   * block the event loop for less (+7 ms p99 at 512 against +13 ms at 1024, measured).
   * @default 512 (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)
   */
  maxExportBatchSize?: number;
  /** Delay between two scheduled exports, ms. @default 500 (OTEL_BSP_SCHEDULE_DELAY) */
  scheduledDelayMillis?: number;
  /** Deadline of one export, ms. @default 10000 (OTEL_BSP_EXPORT_TIMEOUT) */
  exportTimeoutMillis?: number;
}

/**
 * Options of `startToolscope`. Every option falls back to the standard `OTEL_*` environment
 * variable named in its description, then to the default.
 */
export interface ToolscopeOptions {
  /**
   * `service.name`: at most 256 characters, no control characters (refused at set-up).
   * @default OTEL_SERVICE_NAME, else 'unknown_service:node'
   */
  serviceName?: string;
  /** More resource attributes. @default parsed from OTEL_RESOURCE_ATTRIBUTES */
  resourceAttributes?: Attributes;
  /**
   * OTLP/HTTP base URL; `/v1/traces` and `/v1/metrics` are appended.
   * @default OTEL_EXPORTER_OTLP_ENDPOINT, else 'http://localhost:4318'
   */
  endpoint?: string;
  /** Encoding. `grpc` is not supported. @default OTEL_EXPORTER_OTLP_PROTOCOL, else 'http/protobuf' */
  protocol?: OtlpProtocol;
  /** Headers on every export request. @default parsed from OTEL_EXPORTER_OTLP_HEADERS */
  headers?: Record<string, string>;
  /**
   * Export over OTLP at all. When false, spans and metrics are still produced (so other
   * instrumentation and the in-process store work) but not sent anywhere.
   * @default true, unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none
   */
  export?: boolean;
  /** Interval between metric exports, ms. @default OTEL_METRIC_EXPORT_INTERVAL, else 10000 */
  metricExportIntervalMs?: number;
  /** Deadline of one metric export, ms. @default OTEL_METRIC_EXPORT_TIMEOUT, else 5000 */
  metricExportTimeoutMs?: number;
  /**
   * How exported histograms aggregate: `'explicit'` buckets (toolscope's 142-boundary layout
   * for durations; Prometheus stores classic `_bucket` series) or `'exponential'`:
   * OpenTelemetry's base-2 exponential histograms (at most 160 buckets, resolution adapting
   * to the values), which Prometheus 3 stores as native histograms when it receives them
   * over OTLP (its receiver, or a collector's `otlp_http` exporter; see docs/telemetry.md).
   * Applies to every histogram the exporting reader sends: toolscope's tool, workflow and
   * agent durations and payload sizes, the health checks' and MCP's durations, and yours.
   * The in-process store is unaffected.
   * @default OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION
   *   (`base2_exponential_bucket_histogram` or `explicit_bucket_histogram`), else 'explicit'
   */
  histograms?: 'explicit' | 'exponential';
  /** BatchSpanProcessor settings (defaults chosen not to drop at thousands of calls/s). */
  batch?: BatchOptions;
  /**
   * Longest span attribute value (string characters, array elements) toolscope's tracer
   * provider keeps; longer values are cut. A last line of defence against values from outside
   * the process that no instrumentation bounded (an exception message of another library, a
   * peer's text), on top of toolscope's own per-site bounds.
   * @default OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, else OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, else 4096
   */
  attributeValueLengthLimit?: number;
  /**
   * Keep in-process aggregates (`Toolscope.store`) so the process can report on itself
   * without any collector. `false` turns it off; an object configures it.
   * @default true
   */
  inProcess?: boolean | InvocationStoreOptions;
  /**
   * Trace the MCP TypeScript SDK (`@toolscope/instrumentation-mcp`): client and server spans
   * with trace context in `params._meta`. CommonJS consumers are patched on load; ESM apps
   * also start with `node --import @toolscope/node/register` (or call
   * `instrumentMcpClient`). Same as `frameworks: { mcp }`. @default true
   */
  mcp?: boolean;
  /**
   * The framework integrations to enable: `true` for all, `false` for none, or per framework.
   * Each acts only when the application uses its framework; with all of them on, every tool
   * call the framework makes is one `execute_tool` span, whatever else is registered.
   * `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS` (comma-separated
   * ids: `mcp`, `ai-sdk`, `openai-agents`, `langchain`) apply when this option is not given.
   * @default true
   */
  frameworks?: boolean | FrameworkOptions;
  /** More OpenTelemetry instrumentations to register. @default [] */
  instrumentations?: readonly unknown[];
  /**
   * Flush what was recorded when the process ends on its own (`beforeExit`) or receives
   * SIGTERM/SIGINT, waiting at most `exitFlushTimeoutMs` (past it, a process ending on its own
   * exits with the code it would have had; a second signal during the flush quits at once).
   * Node's default signal behaviour is kept: without a handler of the application's own, the
   * process still ends by the signal. Not covered: `process.exit()` (await `shutdown()`
   * before it) and a crash by an uncaught exception or unhandled rejection, which loses what
   * was not exported yet.
   * @default true (TOOLSCOPE_FLUSH_ON_EXIT)
   */
  flushOnExit?: boolean;
  /** Longest wait for the flush on exit, ms. @default 5000 (TOOLSCOPE_EXIT_FLUSH_TIMEOUT) */
  exitFlushTimeoutMs?: number;
}

/** Which framework integrations `startToolscope` enables (each @default true). */
export interface FrameworkOptions {
  /** The MCP TypeScript SDK 1.x and 2.x (`@toolscope/instrumentation-mcp`). @default true */
  mcp?: boolean;
  /** The Vercel AI SDK 7 (`@toolscope/instrumentation-ai-sdk`). @default true */
  aiSdk?: boolean;
  /** OpenAI Agents JS 0.20 (`@toolscope/instrumentation-openai-agents`). @default true */
  openaiAgents?: boolean;
  /** LangChain.js 1.x and LangGraph 1.x (`@toolscope/instrumentation-langchain`). @default true */
  langchain?: boolean;
}

/** Counters of what the pipeline sent and lost, so nothing is lost silently. */
export interface ToolscopeStats {
  /** Spans the exporter delivered. */
  readonly spansExported: number;
  /** Spans lost because an export failed (collector down, timeout, rejected). */
  readonly spansFailed: number;
  /** Spans dropped because the batch queue was full. */
  readonly spansDropped: number;
  /** Metric exports that succeeded. */
  readonly metricExports: number;
  /** Metric exports that failed (cumulative metrics catch up on the next success). */
  readonly metricExportsFailed: number;
}

/** What `startToolscope` returns. */
export interface Toolscope {
  /** The provider toolscope registered; undefined when the application had its own. */
  readonly tracerProvider: TracerProvider | undefined;
  /** The provider toolscope registered; undefined when the application had its own. */
  readonly meterProvider: MeterProvider | undefined;
  /** In-process aggregates, unless `inProcess: false`. */
  readonly store: InvocationStore | undefined;
  /** The process-wide alert center (probes and objectives use it). */
  readonly alerts: AlertCenter;
  /** Whether spans and metrics are exported over OTLP. */
  readonly exporting: boolean;
  /** The resolved OTLP base URL (also when not exporting). */
  readonly endpoint: string;
  /** Counts of exported, failed and dropped data. */
  stats(): Promise<ToolscopeStats>;
  /** Exports everything pending now. Never rejects: failures are counted and logged. */
  forceFlush(): Promise<void>;
  /** Flushes, then shuts down what toolscope set up. Never rejects. Idempotent. */
  shutdown(): Promise<void>;
}
