import type { Attributes, MeterProvider, Span, SpanKind, TracerProvider } from '@opentelemetry/api';
import type { InvocationStore } from './aggregate/invocation-store.ts';
import type { AlertCenter } from './alerts/alert-center.ts';

/** The kinds of tool named by the GenAI semantic conventions (`gen_ai.tool.type`). */
export type ToolType = 'function' | 'extension' | 'datastore';

/** How a workflow ended (`toolscope.workflow.outcome`). */
export type WorkflowOutcome = 'completed' | 'partial' | 'failed';

/** Options of a traced tool: `traceTool`, `withTool` and the `@tool` decorator. */
export interface ToolOptions<Args extends unknown[] = unknown[], Result = unknown> {
  /** The tool's name (its id); becomes `gen_ai.tool.name`. Required, non-empty. */
  name: string;
  /** `gen_ai.tool.type`. @default 'function' */
  type?: ToolType;
  /** `gen_ai.tool.description`, on spans only. @default undefined */
  description?: string;
  /**
   * `gen_ai.tool.call.id`: a fixed id, or a function of the call's arguments. On spans only,
   * never on metrics. @default undefined
   */
  callId?: string | ((...args: Args) => string | undefined);
  /** The selector's confidence in this tool, 0..1 (`toolscope.selection.confidence`). @default undefined */
  confidence?: number;
  /**
   * The response time the caller expects from this tool, in milliseconds (the seed's
   * `expected_performance`). Recorded on spans; the report compares it with the observed p95.
   * @default undefined
   */
  expectedPerformanceMs?: number;
  /** The tool this call stands in for (`toolscope.tool.fallback_for`). @default undefined */
  fallbackFor?: string;
  /**
   * Span kind. Use `SpanKind.CLIENT` when the tool is called over the network (MCP, HTTP).
   * @default SpanKind.INTERNAL
   */
  kind?: SpanKind;
  /**
   * Input size in bytes, or a function of the arguments returning it. When absent, the size
   * is measured only when cheap: a single string, Buffer, ArrayBuffer or typed-array argument.
   * @default undefined (cheap estimate)
   */
  inputSize?: number | ((...args: Args) => number | undefined);
  /**
   * Output size in bytes, as a function of the result. When absent, measured only when the
   * result is a string, Buffer, ArrayBuffer or typed array. @default undefined (cheap estimate)
   */
  outputSize?: (result: Awaited<Result>) => number | undefined;
  /**
   * Capture arguments and result on the span. Overrides the global setting for this tool.
   * @default undefined (follows `configureInstrumentation({ captureContent })`)
   */
  captureContent?: boolean;
  /**
   * Time async iterables and streams returned by the tool until they end, instead of until
   * the function returns. @default true
   */
  traceStreams?: boolean;
  /** Extra span attributes, never metric attributes. @default undefined */
  attributes?: Attributes;
}

/** Options of a traced workflow: `traceWorkflow`, `withWorkflow` and the `@workflow` decorator. */
export interface WorkflowOptions {
  /** The workflow's name; becomes `gen_ai.workflow.name`. Required, non-empty. */
  name: string;
  /**
   * The number of steps the workflow declares. With it, a run that completes fewer steps
   * ends `partial`. @default undefined (a run that returns is `completed`)
   */
  totalSteps?: number;
  /** Extra span attributes, never metric attributes. @default undefined */
  attributes?: Attributes;
}

/** The live handle of one tool invocation, passed to `withTool`'s callback. */
export interface ToolInvocation {
  /** The tool's name. */
  readonly name: string;
  /** The span of this invocation. */
  readonly span: Span;
  /** Retries recorded so far. */
  readonly retryCount: number;
  /**
   * Record one retry attempt of this call (the call is retried inside the same span).
   * Adds a `retry` span event and increments `toolscope.tool.retries`.
   * @param errorType the `error.type` of the attempt that failed, if known
   */
  recordRetry(errorType?: string): void;
  /** Mark this call as a fallback standing in for another tool. */
  markFallbackFor(toolName: string): void;
  /** Set the input size in bytes when the caller knows it. */
  setInputSize(bytes: number): void;
  /** Set the output size in bytes when the caller knows it. */
  setOutputSize(bytes: number): void;
  /**
   * Mark the call failed without throwing (for example an MCP result with `isError`): the
   * span gets ERROR status and `error.type`, the metrics count a failure. The function's
   * result is still returned unchanged.
   */
  fail(errorType: string, message?: string): void;
  /**
   * Undo an earlier `fail()`, for example when a retry inside the same call succeeded after
   * an attempt that returned an error result.
   */
  clearFailure(): void;
  /** Add attributes to the span (never to metrics). */
  setAttributes(attributes: Attributes): void;
}

/** The live handle of one workflow run, passed to `withWorkflow`'s callback. */
export interface WorkflowRun {
  /** The workflow's name. */
  readonly name: string;
  /** The span of this run. */
  readonly span: Span;
  /** The declared total steps, if any. */
  readonly totalSteps: number | undefined;
  /**
   * Steps completed, never more than `totalSteps`: the explicit count when `completeStep` was
   * called; else the framework's own steps that completed (an AI SDK step, a LangChain
   * sequence step or graph node, an OpenAI Agents turn; a step in which a tool call failed did
   * not complete) when an integration reports them;
   * else the tool calls made directly in the run (not inside another tool) that succeeded.
   */
  readonly stepsCompleted: number;
  /** Names of the tools called inside the run, in first-use order. */
  readonly toolsUsed: readonly string[];
  /** Count `n` more completed steps explicitly. @default n = 1 */
  completeStep(n?: number): void;
  /** Force the outcome instead of deriving it. */
  setOutcome(outcome: WorkflowOutcome): void;
}

/** What a content redaction hook receives. */
export interface RedactInput {
  /** `arguments` or `result`. */
  readonly direction: 'arguments' | 'result';
  /** The tool's name. */
  readonly tool: string;
  /** The value about to be captured. */
  readonly value: unknown;
}

/** Process-wide instrumentation settings: `configureInstrumentation(options)`. */
export interface InstrumentationConfig {
  /**
   * Capture tool arguments and results on spans (`gen_ai.tool.call.arguments` / `.result`).
   * @default false, or true when `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`
   */
  captureContent?: boolean;
  /**
   * Byte limit of each captured content attribute (at least 16); longer values are cut, the
   * marker `…` included. @default 4096
   */
  maxContentBytes?: number;
  /**
   * Runs before content is captured; returns the value to capture (return `undefined` to drop
   * it). A hook that throws drops the content and logs through the diag logger.
   * @default undefined
   */
  redact?: (input: RedactInput) => unknown;
  /**
   * Distinct tool (and workflow) names allowed on metrics; later names are folded into
   * `_OTHER` so metric series stay bounded. Spans keep the real name. @default 200
   */
  maxToolNames?: number;
  /**
   * Baggage keys, besides `toolscope.correlation_id`, copied onto toolscope spans as attributes.
   * @default []
   */
  baggageAllowList?: readonly string[];
  /**
   * Longest name, id or version from outside the process (an MCP peer's tool name, JSON-RPC
   * id or protocol version, a probed server's version) kept on telemetry; longer ones are cut
   * and counted on `toolscope.values.truncated`. @default 256
   */
  maxPeerStringLength?: number;
  /**
   * Longest free text from outside (error messages of peers and probed servers) kept on
   * telemetry and alerts; longer text is cut and counted. @default 1024
   */
  maxPeerTextLength?: number;
  /**
   * Tracer provider for every toolscope component that is not given one of its own.
   * @default the global provider, looked up on each use
   */
  tracerProvider?: TracerProvider;
  /**
   * Meter provider for every toolscope component that is not given one of its own.
   * @default the global provider, looked up on each use
   */
  meterProvider?: MeterProvider;
}

/** A finished tool invocation, as delivered to invocation listeners and the in-process store. */
export interface ToolInvocationRecord {
  readonly kind: 'tool';
  /** The tool's name, as on spans (not folded by the cardinality guard). */
  readonly name: string;
  readonly toolType: ToolType;
  /** Duration in seconds. */
  readonly durationS: number;
  /** End time, epoch milliseconds. */
  readonly endTimeMs: number;
  /** `error.type` when the call failed; undefined on success. */
  readonly errorType: string | undefined;
  readonly retryCount: number;
  readonly fallbackFor: string | undefined;
  readonly inputSize: number | undefined;
  readonly outputSize: number | undefined;
  readonly expectedPerformanceMs: number | undefined;
  readonly confidence: number | undefined;
  /** The enclosing workflow's name, if any. */
  readonly workflow: string | undefined;
}

/** A finished workflow run, as delivered to invocation listeners and the in-process store. */
export interface WorkflowExecutionRecord {
  readonly kind: 'workflow';
  readonly name: string;
  readonly durationS: number;
  readonly endTimeMs: number;
  readonly outcome: WorkflowOutcome;
  readonly errorType: string | undefined;
  readonly stepsCompleted: number;
  readonly totalSteps: number | undefined;
  readonly toolsUsed: readonly string[];
}

export type InvocationRecord = ToolInvocationRecord | WorkflowExecutionRecord;

/** Receives every finished invocation; must be fast and must not throw (it is guarded anyway). */
export type InvocationListener = (record: InvocationRecord) => void;

/** The seed's manual API for a tool call measured elsewhere: `trackToolInvocation`. */
export interface TrackToolInvocationInput {
  /** The tool's name. Required, non-empty. */
  tool: string;
  /** The tool's type. @default 'function' */
  toolType?: ToolType;
  /** Correlation ID for the span; the active one when omitted. Never on metrics. */
  correlationId?: string;
  /** Response time in milliseconds; must be finite and >= 0. */
  responseTimeMs: number;
  /** Whether the call succeeded. */
  success: boolean;
  /** Input size in bytes. @default undefined */
  inputSize?: number;
  /** Output size in bytes. @default undefined */
  outputSize?: number;
  /** `error.type` of a failed call. @default '_OTHER' when success is false */
  errorType?: string;
  /** Retries the call needed. @default 0 */
  retryCount?: number;
  /** The tool this call stood in for. @default undefined */
  fallbackFor?: string;
  /** Call id (span only). @default undefined */
  callId?: string;
  /** When the call ended, epoch ms or Date. @default now */
  endTime?: number | Date;
}

/** The seed's manual API for a workflow measured elsewhere: `trackWorkflowExecution`. */
export interface TrackWorkflowExecutionInput {
  /** The workflow's name. Required, non-empty. */
  workflowId: string;
  /** Correlation ID for the span; the active one when omitted. */
  correlationId?: string;
  /** Execution time in milliseconds; must be finite and >= 0. */
  executionTimeMs: number;
  /** Names of the tools used. @default [] */
  toolsUsed?: readonly string[];
  /** Whether the workflow succeeded. */
  success: boolean;
  /** Steps completed. @default totalSteps when success, else 0 */
  stepsCompleted?: number;
  /** Steps declared. @default undefined */
  totalSteps?: number;
  /** `error.type` of a failed workflow. @default '_OTHER' when success is false */
  errorType?: string;
  /** When the workflow ended, epoch ms or Date. @default now */
  endTime?: number | Date;
}

// ---------------------------------------------------------------------------------------
// Health (shared by @toolscope/health-probe, which writes it, and the tool selector)
// ---------------------------------------------------------------------------------------

/** The five health statuses, as the lower-case values of `toolscope.health.state`. */
export type HealthState = 'healthy' | 'degraded' | 'unhealthy' | 'unknown' | 'maintenance';

/** A tool's current health as last reported by a probe. */
export interface ToolHealth {
  /** Tool (or check) name the health is about. */
  readonly tool: string;
  readonly state: HealthState;
  /** When the state was last updated, epoch ms. */
  readonly updatedAtMs: number;
  /** When the state last changed, epoch ms. */
  readonly sinceMs: number;
  /** Last check latency in milliseconds, if known. */
  readonly latencyMs?: number;
  /** Last `error.type`, if the last check failed. */
  readonly errorType?: string;
}

// ---------------------------------------------------------------------------------------
// Alerts (one model for health probes and performance objectives)
// ---------------------------------------------------------------------------------------

/** Alert severities (`toolscope.alert.severity`). */
export type AlertSeverity = 'info' | 'warning' | 'error' | 'critical';

/**
 * What an alert is about (`toolscope.alert.kind`). The listed kinds are the ones toolscope
 * raises; any other string is allowed for user alerts.
 */
export type AlertKind =
  | 'tool_unhealthy'
  | 'tool_degraded'
  | 'tool_recovered'
  | 'latency_threshold'
  | 'error_rate_threshold'
  | 'retry_rate_threshold'
  | 'fallback_rate_threshold'
  | (string & {});

/** Input of `AlertCenter.fire`. */
export interface FireAlertInput {
  /**
   * The identity of the condition (for example `health:search-api` or
   * `latency_threshold:search`). While an alert with this key is open, firing it again
   * updates it (same id) instead of opening another.
   */
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** The tool, workflow or check the alert is about. */
  subject: string;
  /** Human-readable text. Goes on the span event; keep secrets out of it. */
  message: string;
  /** `toolscope.health.state` after the change, when the alert is about health. */
  state?: HealthState;
  /** `toolscope.health.state.previous`, when the alert is about health. */
  previousState?: HealthState;
  /** The span that observed the condition; the span event is added to it. */
  span?: Span;
  /** Extra attributes for the span event and listeners. */
  attributes?: Attributes;
}

/** Input of `AlertCenter.resolve`. */
export interface ResolveAlertInput {
  /** Human-readable text of the recovery. */
  message: string;
  state?: HealthState;
  previousState?: HealthState;
  span?: Span;
  attributes?: Attributes;
}

/** An alert, open or resolved. */
export interface Alert {
  /** Stable for the alert's whole life, from fired to resolved. */
  readonly id: string;
  readonly key: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly subject: string;
  readonly message: string;
  readonly status: 'firing' | 'resolved';
  readonly firedAtMs: number;
  readonly resolvedAtMs?: number;
  readonly state?: HealthState;
  readonly previousState?: HealthState;
  readonly attributes?: Attributes;
}

/**
 * What listeners receive. `fired` when an alert opens or its severity changes; `resolved`
 * when it closes; every resolution is followed by an INFO `recovered` notice (an event of type
 * `recovered` whose alert has kind `tool_recovered` and severity `info`).
 */
export interface AlertEvent {
  readonly type: 'fired' | 'resolved' | 'recovered';
  readonly alert: Alert;
}

export type AlertListener = (event: AlertEvent) => void | Promise<void>;

// ---------------------------------------------------------------------------------------
// In-process aggregates
// ---------------------------------------------------------------------------------------

/** Options of the in-process invocation store. */
export interface InvocationStoreOptions {
  /** Width of one time slot in seconds: the granularity of windows. @default 10 */
  slotSeconds?: number;
  /** How long slots are kept, in seconds. @default 3600 */
  retentionSeconds?: number;
  /**
   * Relative accuracy of the duration quantiles (DDSketch alpha): every quantile is within
   * this fraction of the exact value. @default 0.005
   */
  relativeAccuracy?: number;
  /** Clock, epoch ms (for tests). @default Date.now */
  now?: () => number;
}

/** A time window, epoch milliseconds, `from` inclusive and `to` exclusive. */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Distribution summary of durations (seconds) or sizes (bytes). */
export interface DistributionSummary {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** Quantile `q` in [0, 1]; NaN when count is 0. */
  quantile(q: number): number;
}

/** One tool's aggregates over a window. */
export interface ToolWindowStats {
  readonly tool: string;
  readonly toolType: ToolType;
  readonly calls: number;
  readonly errors: number;
  /** Failed calls by `error.type`. */
  readonly errorTypes: Readonly<Record<string, number>>;
  /** Retry attempts recorded. */
  readonly retries: number;
  /** Calls that needed at least one retry. */
  readonly retriedCalls: number;
  /** Calls made as a fallback, by the tool they stood in for. */
  readonly fallbacks: Readonly<Record<string, number>>;
  readonly duration: DistributionSummary;
  readonly inputBytes: DistributionSummary;
  readonly outputBytes: DistributionSummary;
  /** The latest declared expected performance, in ms. */
  readonly expectedPerformanceMs: number | undefined;
  /** Last time the tool was called, epoch ms. */
  readonly lastCallMs: number;
}

/** One workflow's aggregates over a window. */
export interface WorkflowWindowStats {
  readonly workflow: string;
  readonly executions: number;
  readonly outcomes: Readonly<Record<WorkflowOutcome, number>>;
  readonly duration: DistributionSummary;
  /** Sum of steps completed over all executions. */
  readonly stepsCompleted: number;
  /** Tools used, with how many executions used each. */
  readonly tools: Readonly<Record<string, number>>;
  readonly lastRunMs: number;
}

// ---------------------------------------------------------------------------------------
// Monitors (`HealthMonitor` of @toolscope/health-probe, `ObjectiveMonitor` of @toolscope/objectives)
// ---------------------------------------------------------------------------------------

/**
 * The one lifecycle of toolscope's monitors. Their timers are unref'd: a monitor never keeps
 * the process alive.
 *
 * @example
 * const monitor = new HealthMonitor({ checks }).start();
 * await monitor.stop(); // scheduling stopped, runs in flight finished; start() may follow
 * await monitor.close(); // and what it owns released; start() now throws
 */
export interface Monitor {
  /** Starts scheduling and returns the monitor. Idempotent while running; throws after `close()`. */
  start(): this;
  /** Stops scheduling and resolves once the work in flight has finished. `start()` may follow. */
  stop(): Promise<void>;
  /**
   * `stop()`, then releases what the monitor owns (connections, a store it made, its gauges).
   * Idempotent; the monitor cannot be started again.
   */
  close(): Promise<void>;
}

/** The options every monitor takes, with the same names and defaults. */
export interface MonitorOptions {
  /** Where alerts go. @default getAlertCenter() */
  alertCenter?: AlertCenter;
  /**
   * Tracer provider of the monitor's spans.
   * @default the process-wide `configureInstrumentation({ tracerProvider })`, else the global
   * provider, looked up on each use
   */
  tracerProvider?: TracerProvider;
  /** Clock in epoch ms (tests). @default Date.now */
  now?: () => number;
}

// ---------------------------------------------------------------------------------------
// Tool selection
// ---------------------------------------------------------------------------------------

/** A candidate tool for a task. */
export interface CandidateTool {
  /** The tool's name, as recorded (`gen_ai.tool.name`). */
  name: string;
  /** Expected response time in ms; compared with the live p95. @default what the store last saw */
  expectedPerformanceMs?: number;
  /** How well the tool fits the task, 0..1 (the planner's selection confidence). @default 1 */
  confidence?: number;
}

/** Live numbers the selector reads about one tool. */
export interface SelectorStats {
  readonly calls: number;
  readonly errors: number;
  /** p95 duration in ms; NaN when unknown. */
  readonly p95Ms: number;
  readonly expectedPerformanceMs: number | undefined;
}

/** Options of `new ToolSelector(options)`. */
export interface ToolSelectorOptions {
  /** The in-process store the live numbers come from. Required unless `stats` is given. */
  store?: InvocationStore;
  /** Custom live numbers per tool (replaces `store`). @default undefined */
  stats?: (tools: readonly string[]) => ReadonlyMap<string, SelectorStats>;
  /** The window of live numbers: a duration (`5m`, `90s`) or milliseconds. @default '5m' */
  window?: string | number;
  /** Current health of a tool. @default getToolHealth (the core's registry) */
  health?: (tool: string) => ToolHealth | undefined;
  /** Where open alerts come from. @default getAlertCenter() */
  alerts?: { active(): Alert[] };
  /** Pseudo-calls of prior belief blended with live data (see the scoring). @default 10 */
  priorCalls?: number;
  /** The performance assumed before any data, 0..1. @default 0.75 */
  priorScore?: number;
}

/** A ranked candidate. */
export interface RankedTool {
  readonly tool: string;
  /** Final score, 0..1 (usable as `toolscope.selection.confidence`). */
  readonly score: number;
  /** True when the tool is unhealthy or in maintenance (ranked last unless all are). */
  readonly avoided: boolean;
  readonly components: {
    /** Smoothed success rate. */
    readonly reliability: number;
    /** min(1, expected / p95). */
    readonly speed: number;
    /** Weight of live data, calls / (calls + priorCalls). */
    readonly evidence: number;
    /** Health factor. */
    readonly health: number;
    /** Product of open-alert penalties. */
    readonly alerts: number;
    /** Declared task fit. */
    readonly confidence: number;
  };
  /** Why it ranks where it does, for people and logs. */
  readonly reasons: readonly string[];
}
