import type { MeterProvider } from '@opentelemetry/api';
import type { AlertListener, HealthState, MonitorOptions } from '@toolscope/instrumentation';
import type { Dispatcher } from 'undici';

export type { HealthState };

/** The kinds of check (`toolscope.health.check.type`). */
export type CheckType = 'http' | 'mcp';

/** How an MCP check reaches its server. */
export type McpTransportKind = 'http' | 'stdio';

/**
 * Which MCP protocol era to speak.
 * - `legacy`: the `initialize` handshake then `ping` (revisions 2024-11-05 .. 2025-11-25);
 * - `modern`: `server/discover` (revision 2026-07-28, which removed `initialize` and `ping`);
 * - `auto`: try `server/discover` first and fall back to the handshake when the answer is not a
 *   modern one, as the 2026-07-28 backward-compatibility rules say; the era found is remembered
 *   per check and re-detected after a failure.
 */
export type McpProtocolMode = 'auto' | 'legacy' | 'modern';

/** Assertions on an HTTP response body. All given assertions must hold. */
export interface BodyAssertion {
  /** The body must contain this text. @default undefined */
  contains?: string;
  /** The body must match this regular expression (JavaScript syntax). @default undefined */
  matches?: string;
  /**
   * The body must be JSON and the value at `path` (dot path, array indexes allowed:
   * `data.0.status`) must equal `equals`, or merely exist when `equals` is omitted.
   * @default undefined
   */
  json?: { path: string; equals?: string | number | boolean | null };
}

/** Fields every check has. */
interface CheckDefinitionBase {
  /** Unique id of the check; becomes `toolscope.health.check.id`. Required. */
  id: string;
  /** Human-readable name. @default the id */
  name?: string;
  /**
   * The tool whose health this check reports (`setToolHealth(tool, …)`), read by the tool
   * selector. @default the id
   */
  tool?: string;
  /**
   * Time between two runs, in milliseconds (`interval` in a config file); at least
   * `LIMITS.minProbeIntervalMs` (100). @default 30000
   */
  intervalMs?: number;
  /**
   * Deadline of one run, in milliseconds (`timeout` in a config file); > 0 and <= intervalMs.
   * @default 5000, or intervalMs when that is shorter
   */
  timeoutMs?: number;
  /**
   * Random spread added to each interval, in milliseconds (uniform in ±jitterMs; `jitter` in
   * a config file); < intervalMs. @default 10% of intervalMs
   */
  jitterMs?: number;
  /** Consecutive failures that make the check UNHEALTHY. @default 3 */
  failureThreshold?: number;
  /** Consecutive successes that bring an UNHEALTHY check back to HEALTHY. @default 2 */
  recoveryThreshold?: number;
  /**
   * A passing run slower than this (milliseconds; `degraded_threshold` in a config file) is
   * DEGRADED; < timeoutMs. @default undefined (never degraded by latency)
   */
  degradedThresholdMs?: number;
  /**
   * Consecutive failures after which the open alert escalates from ERROR to CRITICAL.
   * Must be >= failureThreshold. @default undefined (never escalates)
   */
  criticalThreshold?: number;
  /** Raise a WARNING alert while DEGRADED. @default true */
  alertOnDegraded?: boolean;
  /**
   * Headers sent with every request (HTTP checks and MCP over HTTP). Values are secrets:
   * they never appear on spans, in logs or in errors. @default {}
   */
  headers?: Record<string, string>;
}

/** An HTTP check: one request, judged on status code, latency and (optionally) body. */
export interface HttpCheckDefinition extends CheckDefinitionBase {
  type: 'http';
  /** The URL to request (`http:` or `https:`). Required. */
  endpoint: string;
  /** HTTP method. @default 'GET' */
  method?: 'GET' | 'HEAD' | 'POST';
  /** Request body for POST. @default undefined */
  requestBody?: string;
  /**
   * Accepted status codes: numbers, ranges `'200-299'` or classes `'2xx'`.
   * @default ['200-299']
   */
  expectedStatus?: readonly (number | string)[];
  /** Body assertions. @default undefined (the body is drained, not checked) */
  body?: BodyAssertion;
  /** Body size cap in bytes; a longer body fails the run with `body_too_large`. @default 1048576 */
  maxBodyBytes?: number;
}

/** An MCP check: handshake and `ping` (or `server/discover`), optionally `tools/list`. */
export interface McpCheckDefinition extends CheckDefinitionBase {
  type: 'mcp';
  /** @default 'http' when `endpoint` is given, 'stdio' when `command` is given */
  transport?: McpTransportKind;
  /** Streamable HTTP endpoint URL (transport `http`). */
  endpoint?: string;
  /** Command that starts the server (transport `stdio`); spawned per run and reaped after it. */
  command?: string;
  /** Arguments of `command`. @default [] */
  args?: readonly string[];
  /** Extra environment of the spawned server (added to the SDK's safe defaults). @default {} */
  env?: Record<string, string>;
  /** Working directory of the spawned server. @default the current directory */
  cwd?: string;
  /** Tools that `tools/list` must list; a missing one fails the run. @default [] */
  expectTools?: readonly string[];
  /** Protocol era. @default 'auto' */
  protocol?: McpProtocolMode;
}

/** A check as written in code or in a config file. */
export type CheckDefinition = HttpCheckDefinition | McpCheckDefinition;

/** A recurring or one-off period during which checks run but alerts are held. */
export interface MaintenanceWindow {
  /** Checks the window applies to. @default every check */
  checks?: readonly string[];
  /** One-off start: ISO-8601 timestamp or epoch ms. */
  start?: string | number;
  /** One-off end: ISO-8601 timestamp or epoch ms. */
  end?: string | number;
  /**
   * Recurring: days of the week (`monday` … `sunday`, or `daily`) with a UTC start time
   * `at` (`HH:MM`) and a `durationMs`. @default undefined
   */
  every?: readonly string[];
  /** Recurring start time of day, UTC, `HH:MM`. */
  at?: string;
  /** Recurring duration in milliseconds (`duration` in a config file); at most 7 days. */
  durationMs?: number;
}

/** Options of a webhook alert listener: `createAlertWebhook(options)`. */
export interface AlertWebhookOptions {
  /** URL the alert events are POSTed to as JSON. Required. */
  url: string;
  /** Deadline of one delivery attempt, in milliseconds (`timeout` in a config file). @default 5000 */
  timeoutMs?: number;
  /** Extra attempts after a failed one (network error, 408, 429 or 5xx). @default 2 */
  retries?: number;
  /**
   * Base of the exponential backoff between attempts, in milliseconds (`backoff` in a config
   * file). @default 250
   */
  backoffMs?: number;
  /** Headers of every POST (for example an authorization token); never logged. @default {} */
  headers?: Record<string, string>;
  /** Events waiting for delivery beyond which the oldest is dropped (and logged). @default 1000 */
  maxQueue?: number;
  /** Which events to send. @default ['fired', 'resolved', 'recovered'] */
  events?: readonly ('fired' | 'resolved' | 'recovered')[];
  /** undici dispatcher to send through. @default a private keep-alive Agent */
  dispatcher?: Dispatcher;
}

/** A webhook listener: pass it to `AlertCenter.subscribe`. Delivery never blocks the caller. */
export interface AlertWebhook extends AlertListener {
  /** Resolves when every queued event was delivered or given up on. */
  flush(): Promise<void>;
  /**
   * Delivery counters: `delivered`; `failed` (given up after the retries); `dropped` (the
   * queue was full, or the webhook closed); `undelivered` (still queued or in flight when
   * `close()` reached its deadline); `pending` (queued or in flight now).
   */
  stats(): {
    delivered: number;
    failed: number;
    dropped: number;
    undelivered: number;
    pending: number;
  };
  /**
   * Stops taking events, gives the queue until `deadlineMs` (@default
   * `LIMITS.webhookCloseDeadlineMs`, 5000), then abandons what is left (counted as
   * `undelivered`) and closes the private dispatcher (if one was created). Bounded whatever
   * the queue size, retries and attempt timeout. Idempotent.
   */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

/** The outcome of one run of one check. */
export interface CheckResult {
  readonly id: string;
  readonly tool: string;
  readonly type: CheckType;
  /** Whether the run passed (status, body, handshake, tools...). */
  readonly ok: boolean;
  /** Wall time of the run in milliseconds (until the verdict; excludes session teardown). */
  readonly latencyMs: number;
  /** Low-cardinality failure class (`timeout`, `connection_refused`, …); undefined on success. */
  readonly errorType?: string;
  /** Short human-readable failure reason (no secrets). */
  readonly error?: string;
  /** HTTP status code, when a response was received. */
  readonly statusCode?: number;
  /** MCP protocol version spoken, when known. */
  readonly protocolVersion?: string;
  /** When the run ended, epoch ms. */
  readonly timestampMs: number;
}

/** The live state of one check. */
export interface CheckStatus {
  readonly id: string;
  readonly name: string;
  readonly tool: string;
  readonly type: CheckType;
  /** The reported status: the state machine's state, or `maintenance` inside a window. */
  readonly status: HealthState;
  /** The state machine's state, ignoring maintenance. */
  readonly underlying: HealthState;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly lastResult: CheckResult | undefined;
  /** When the reported status last changed, epoch ms. */
  readonly sinceMs: number;
}

/** Trend of a check over the summary window. */
export interface CheckTrend {
  /**
   * `failures_rising` when the failure rate of the newer half of the window exceeds the older
   * half's; `latency_rising` when the fitted latency grew by >= 20% over the window and would
   * cross the degraded threshold (if any) within one more window; `stable` otherwise;
   * `insufficient_data` with fewer than 4 results.
   */
  readonly signal: 'stable' | 'latency_rising' | 'failures_rising' | 'insufficient_data';
  /** Least-squares slope of passing runs' latency, milliseconds per minute. */
  readonly latencySlopeMsPerMin: number | undefined;
  /** Failure rate of the older half of the window (0..1). */
  readonly previousFailureRate: number | undefined;
  /** Failure rate of the newer half of the window (0..1). */
  readonly recentFailureRate: number | undefined;
}

/** One check in the health summary. */
export interface CheckSummary extends CheckStatus {
  /** Passing runs / all runs in the window (0..1); undefined without runs. */
  readonly availability: number | undefined;
  /** Runs in the window. */
  readonly runs: number;
  /** This check's score 0..100 (see `HealthSummary.score`); undefined when not scored. */
  readonly score: number | undefined;
  readonly trend: CheckTrend;
}

/** `HealthMonitor.summary()`. */
export interface HealthSummary {
  /** Window the availability and trends cover, in milliseconds. */
  readonly windowMs: number;
  /**
   * Worst status among the checks: unhealthy > degraded > unknown > healthy; `maintenance`
   * only when every check is in maintenance; `unknown` without checks.
   */
  readonly status: HealthState;
  /**
   * Overall score 0..100, the mean of the scored checks' scores. A check's score is
   * `100 × (0.5 × w + 0.5 × a)` with `w` = 1 (healthy), 0.5 (degraded), 0 (unhealthy) and `a` its
   * availability in the window (`w` when it has no runs). UNKNOWN and MAINTENANCE checks are
   * not scored. Undefined when no check is scored.
   */
  readonly score: number | undefined;
  /** Checks per status. */
  readonly counts: Readonly<Record<HealthState, number>>;
  readonly checks: readonly CheckSummary[];
}

/**
 * Options of a `HealthMonitor`: the options every monitor takes (`alertCenter`,
 * `tracerProvider`, `now`; see `MonitorOptions` of `@toolscope/instrumentation`) and these.
 */
export interface HealthMonitorOptions extends MonitorOptions {
  /** Checks to register now. @default [] */
  checks?: readonly CheckDefinition[];
  /** Maintenance windows. @default [] */
  maintenance?: readonly MaintenanceWindow[];
  /** Global cap on checks running at the same time. @default 10 */
  concurrency?: number;
  /**
   * Meter provider of the health metrics and gauges.
   * @default the process-wide `configureInstrumentation({ meterProvider })`, else the global
   * provider, looked up on each use
   */
  meterProvider?: MeterProvider;
  /** Publish each result with `setToolHealth` from `@toolscope/instrumentation`. @default true */
  publishToolHealth?: boolean;
  /** Results kept per check for the summary (a ring buffer). @default 1000 */
  historySize?: number;
  /** undici dispatcher for HTTP checks and MCP over HTTP. @default a private keep-alive Agent */
  dispatcher?: Dispatcher;
  /** Random source in [0, 1) for jitter (tests). @default Math.random */
  random?: () => number;
}
