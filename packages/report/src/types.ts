import type {
  Alert,
  AlertSeverity,
  DistributionSummary,
  HealthState,
  InvocationStore,
  TimeWindow,
  ToolHealth,
  WorkflowOutcome,
} from '@toolscope/instrumentation';

// ---------------------------------------------------------------------------------------
// Data sources
// ---------------------------------------------------------------------------------------

/** How exact the percentiles of a source are. Copied into every report (`source.accuracy`). */
export interface AccuracyStatement {
  /**
   * `ddsketch`: the in-process log histogram. `bucket-log-interpolation` (or `-linear-`):
   * estimated from Prometheus' cumulative buckets (see `quantileFromBuckets`).
   */
  readonly method: 'ddsketch' | 'bucket-log-interpolation' | 'bucket-linear-interpolation';
  /**
   * Guaranteed bound on the relative error of every duration percentile of the report
   * (0.005 = 0.5%). For buckets: the widest bucket a reported percentile fell in.
   */
  readonly relativeErrorBound: number;
  /** One or two sentences for people, printed with the report. */
  readonly statement: string;
  /**
   * Prometheus only: the histogram kind the duration percentiles came from. `native`:
   * native histograms (exponential histograms pushed over OTLP); `classic`: `_bucket` series;
   * `native+classic`: some tools or workflows of each (never both for one of them).
   */
  readonly histograms?: 'native' | 'classic' | 'native+classic';
  /**
   * Caveats about this window's numbers, one sentence each, for example that Prometheus held
   * no toolscope data at the window's start (so series it first saw inside the window are
   * counted whole). Every format prints each as its own line near the top of the report. In a
   * `Report` always present (empty when none); a source may leave it out.
   */
  readonly caveats?: readonly string[];
}

/** One health state change (or the state known at a point in time). */
export interface HealthTransition {
  readonly tool: string;
  readonly state: HealthState;
  /** Epoch ms. */
  readonly atMs: number;
}

/** One tool's numbers over a window, as a source delivers them. */
export interface ToolSample {
  readonly tool: string;
  /** `gen_ai.tool.type`. */
  readonly toolType: string;
  readonly calls: number;
  readonly errors: number;
  /** Failed calls by `error.type`. */
  readonly errorTypes: Readonly<Record<string, number>>;
  /** Retry attempts. */
  readonly retries: number;
  /** Calls that needed at least one retry; null when the source cannot tell (Prometheus). */
  readonly retriedCalls: number | null;
  /** Calls this tool made standing in for another tool, by that tool. */
  readonly fallbacks: Readonly<Record<string, number>>;
  /** Durations in seconds. */
  readonly duration: DistributionSummary;
  /** Input payload sizes in bytes. */
  readonly inputBytes: DistributionSummary;
  /** Output payload sizes in bytes. */
  readonly outputBytes: DistributionSummary;
  /** Declared expected response time, ms; null when unknown. */
  readonly expectedPerformanceMs: number | null;
  /** Last call, epoch ms; null when unknown. */
  readonly lastCallMs: number | null;
}

/** One workflow's numbers over a window. */
export interface WorkflowSample {
  readonly workflow: string;
  readonly executions: number;
  readonly outcomes: Readonly<Record<WorkflowOutcome, number>>;
  /** Durations in seconds. */
  readonly duration: DistributionSummary;
  /** Sum of completed steps; null when the source cannot tell (Prometheus). */
  readonly stepsCompleted: number | null;
  /** Tools used, with the number of executions that used each; null when unknown. */
  readonly tools: Readonly<Record<string, number>> | null;
  /** Last run, epoch ms; null when unknown. */
  readonly lastRunMs: number | null;
}

/** What a source returns for one window. */
export interface SourceSnapshot {
  /** The window the numbers cover (a source may widen it to its granularity). */
  readonly window: TimeWindow;
  readonly tools: readonly ToolSample[];
  readonly workflows: readonly WorkflowSample[];
  /** Current health of every tool a probe reports on. */
  readonly health: readonly ToolHealth[];
  /** Open alerts. */
  readonly alerts: readonly Alert[];
  /** Health changes in the window (plus the state at its start), when the source keeps them. */
  readonly healthHistory: readonly HealthTransition[] | undefined;
  readonly accuracy: AccuracyStatement;
}

/** A data source of reports: the running process or Prometheus. */
export interface ReportSource {
  /** `in-process`, `prometheus`, or a custom kind. */
  readonly kind: string;
  /** Where the data comes from, for people (for example the Prometheus URL). */
  readonly description: string;
  /** The numbers of one window. Rejects with a typed error (see `errors.ts`). */
  snapshot(window: TimeWindow): Promise<SourceSnapshot>;
  /** Releases connections, if any. */
  close?(): Promise<void>;
}

/** Something that remembers health transitions (`HealthHistory`). */
export interface HealthHistorySource {
  transitions(window?: TimeWindow): HealthTransition[];
}

/** Options of `new InProcessSource(options)`. */
export interface InProcessSourceOptions {
  /** The store to read (`startToolscope().store`, or `new InvocationStore().attach()`). */
  store: InvocationStore;
  /** Current health of every tool. @default listToolHealth (the core's registry) */
  health?: () => readonly ToolHealth[];
  /** Where open alerts come from. @default getAlertCenter() */
  alerts?: { active(): Alert[] };
  /** Health transitions for the health-over-time chart. @default undefined (current state only) */
  history?: HealthHistorySource;
}

/** Options of `new PrometheusSource(options)`. */
export interface PrometheusSourceOptions {
  /** Base URL of Prometheus, for example `http://127.0.0.1:9090`. Required. */
  url: string;
  /** Deadline of every HTTP request, in milliseconds. @default 5000 */
  timeoutMs?: number;
  /**
   * Extra label matchers added to every selector, for example `service_name="checkout"`.
   * @default '' (all series)
   */
  selector?: string;
  /** Placement of a quantile inside its bucket. @default 'log' */
  interpolation?: 'log' | 'linear';
  /** Extra HTTP headers (for example an Authorization header). @default {} */
  headers?: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------
// Report options
// ---------------------------------------------------------------------------------------

/** Thresholds of the trend flags and recommendation rules (every field has a default). */
export interface Thresholds {
  /** Fewer calls than this in a window: statistics are not worth concluding from. @default 20 */
  minCalls: number;
  /** p95 increase vs the previous window that counts as a regression, %. @default 25 */
  p95RegressionPct: number;
  /** p95 increase that makes the regression an `error`, %. @default 100 */
  p95RegressionSeverePct: number;
  /** Error-rate rise (percentage points) that counts as a spike when the rate also doubled. @default 5 */
  errorRateSpikePts: number;
  /** Error-rate rise (points) that makes the spike an `error`. @default 15 */
  errorRateSpikeSeverePts: number;
  /** Error rate that is too high on its own. @default 0.05 */
  highErrorRate: number;
  /** Error rate that makes it an `error`. @default 0.25 */
  highErrorRateSevere: number;
  /** p95 over the declared expected performance times this factor: `warning`. @default 1 */
  expectedFactor: number;
  /** Fallback calls per own call of the primary tool that counts as heavy. @default 0.1 */
  heavyFallbackRate: number;
  /** ... that makes it an `error`. @default 0.3 */
  heavyFallbackRateSevere: number;
  /** Retry attempts per call that counts as heavy. @default 0.1 */
  heavyRetryRate: number;
  /** ... that makes it an `error`. @default 0.5 */
  heavyRetryRateSevere: number;
  /** Health state changes in the window that count as flapping. @default 4 */
  flapChanges: number;
  /** Workflow completion rate below this: `warning`. @default 0.9 */
  workflowCompletion: number;
  /** Workflow completion rate below this: `error`. @default 0.5 */
  workflowCompletionSevere: number;
}

/** Options of `buildReport(source, options)`. */
export interface ReportOptions {
  /** The window: a duration (`15m`, `1h`, `30s`) or milliseconds. @default '15m' */
  window?: string | number;
  /** End of the window, epoch ms. @default Date.now() */
  now?: number;
  /** Compare with the previous window of the same length (trends). @default true */
  compare?: boolean;
  /**
   * Return a report even when the window holds no calls and no executions.
   * @default false (throws `EmptyWindowError`)
   */
  allowEmpty?: boolean;
  /** Declared expected response times (ms) by tool; override what the source knows. @default {} */
  expectedPerformanceMs?: Readonly<Record<string, number>>;
  /** Rule thresholds. @default DEFAULT_THRESHOLDS */
  thresholds?: Partial<Thresholds>;
  /** The rules to run. @default { tool: TOOL_RULES, workflow: WORKFLOW_RULES } */
  rules?: { tool?: readonly ToolRule[]; workflow?: readonly WorkflowRule[] };
  /** Health transitions to draw when the source keeps none. @default undefined */
  healthHistory?: readonly HealthTransition[];
}

// ---------------------------------------------------------------------------------------
// The report (plain JSON; `schemaVersion` 1; documented in the README)
// ---------------------------------------------------------------------------------------

/** A window in the report. */
export interface WindowInfo {
  /** ISO 8601 start (inclusive). */
  readonly from: string;
  /** ISO 8601 end (exclusive). */
  readonly to: string;
  readonly durationMs: number;
  /** Human form, for example `15m`. */
  readonly label: string;
}

/** Duration statistics in milliseconds; null when there were no observations. */
export interface DurationStats {
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** Payload size statistics in bytes. */
export interface PayloadStats {
  readonly count: number;
  readonly mean: number | null;
  readonly p95: number | null;
  readonly max: number | null;
}

/** Current health in the report. */
export interface HealthEntry {
  readonly tool: string;
  readonly state: HealthState;
  /** ISO time the state began. */
  readonly since: string;
  /** ISO time of the last check. */
  readonly updatedAt: string;
  readonly latencyMs: number | null;
  readonly errorType: string | null;
}

/** An open alert in the report. */
export interface AlertEntry {
  readonly id: string;
  readonly kind: string;
  readonly severity: AlertSeverity;
  readonly subject: string;
  readonly message: string;
  readonly firedAt: string;
}

/** Per-tool section. */
export interface ToolReport {
  readonly tool: string;
  readonly toolType: string;
  readonly calls: number;
  readonly successes: number;
  readonly errors: number;
  /** successes / calls; null without calls. */
  readonly successRate: number | null;
  /** errors / calls; null without calls. */
  readonly errorRate: number | null;
  /** Failed calls by `error.type`, most frequent first. */
  readonly errorTypes: Readonly<Record<string, number>>;
  /** Retry attempts. */
  readonly retries: number;
  /** Calls needing at least one retry; null when the source cannot tell. */
  readonly retriedCalls: number | null;
  /** retries / calls; null without calls. */
  readonly retryRate: number | null;
  /** Calls this tool made as a fallback for others. */
  readonly fallbacks: number;
  /** ... by the tool stood in for. */
  readonly fallbackFor: Readonly<Record<string, number>>;
  /** Calls other tools made standing in for this one. */
  readonly fallbacksReceived: number;
  readonly durationMs: DurationStats;
  readonly payloadBytes: { readonly input: PayloadStats; readonly output: PayloadStats };
  readonly expectedPerformanceMs: number | null;
  readonly health: HealthEntry | null;
  /** ISO time of the last call; null when unknown. */
  readonly lastCallAt: string | null;
}

/** Per-workflow section. */
export interface WorkflowReport {
  readonly workflow: string;
  readonly executions: number;
  readonly outcomes: Readonly<Record<WorkflowOutcome, number>>;
  /** completed / executions; null without executions. */
  readonly completionRate: number | null;
  readonly partialRate: number | null;
  readonly failureRate: number | null;
  readonly durationMs: DurationStats;
  /** Completed steps per execution; null when unknown. */
  readonly avgSteps: number | null;
  /** Tools used, with the number of executions using each; null when unknown. */
  readonly toolsUsed: Readonly<Record<string, number>> | null;
  readonly lastRunAt: string | null;
}

/** The numbers a trend compares. */
export interface TrendPoint {
  readonly calls: number;
  /** Error rate of a tool, or 1 − completion rate of a workflow. */
  readonly errorRate: number | null;
  readonly p95Ms: number | null;
}

/** One subject's window compared with the previous window. */
export interface Trend {
  readonly kind: 'tool' | 'workflow';
  readonly subject: string;
  readonly current: TrendPoint;
  readonly previous: TrendPoint | null;
  readonly change: {
    /** (p95 − previous p95) / previous p95 × 100; null when either side has too few calls. */
    readonly p95Pct: number | null;
    /** Error-rate change in percentage points; null when either side has too few calls. */
    readonly errorRatePts: number | null;
    /** (calls − previous calls) / previous calls × 100; null without previous calls. */
    readonly volumePct: number | null;
  };
  /** True when p95 regressed or errors spiked beyond the thresholds. */
  readonly degraded: boolean;
  /** Why it is degraded, for people. */
  readonly reasons: readonly string[];
}

/** Severity of a recommendation (the alert severities). */
export type RecommendationSeverity = AlertSeverity;

/** A finding with what to do and the numbers behind it. */
export interface Recommendation {
  /** The rule that produced it, for example `p95_regression`. */
  readonly rule: string;
  readonly severity: RecommendationSeverity;
  readonly kind: 'tool' | 'workflow';
  readonly subject: string;
  readonly title: string;
  /** What was observed, with numbers. */
  readonly message: string;
  /** What to do about it. */
  readonly action: string;
  readonly evidence: {
    readonly window: WindowInfo;
    readonly previousWindow: WindowInfo | null;
    readonly values: Readonly<Record<string, number | string | null>>;
  };
}

/** The whole report. */
export interface Report {
  readonly schemaVersion: 1;
  readonly generatedAt: string;
  readonly source: {
    readonly kind: string;
    readonly description: string;
    /** The current window's accuracy; `caveats` also holds the previous window's (trends). */
    readonly accuracy: AccuracyStatement & { readonly caveats: readonly string[] };
  };
  readonly window: WindowInfo;
  readonly previousWindow: WindowInfo | null;
  readonly summary: {
    readonly tools: number;
    readonly calls: number;
    readonly errors: number;
    readonly successRate: number | null;
    readonly workflows: number;
    readonly executions: number;
    readonly unhealthyTools: readonly string[];
    readonly degradedTools: readonly string[];
    readonly recommendations: Readonly<Record<RecommendationSeverity, number>>;
  };
  readonly tools: readonly ToolReport[];
  readonly workflows: readonly WorkflowReport[];
  readonly trends: readonly Trend[];
  readonly recommendations: readonly Recommendation[];
  readonly health: readonly HealthEntry[];
  readonly alerts: readonly AlertEntry[];
  /** Health transitions in the window, oldest first (empty when none are known). */
  readonly healthHistory: readonly {
    readonly tool: string;
    readonly state: HealthState;
    readonly at: string;
  }[];
}

// ---------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------

/** What a tool rule sees. */
export interface ToolRuleContext {
  readonly tool: ToolReport;
  /** The same tool in the previous window, if it had calls there. */
  readonly previous: ToolReport | undefined;
  readonly trend: Trend | undefined;
  /** Open alerts whose subject is this tool. */
  readonly alerts: readonly AlertEntry[];
  /** Health transitions of this tool in the window (oldest first). */
  readonly history: readonly HealthTransition[];
  readonly thresholds: Thresholds;
  readonly window: WindowInfo;
  readonly previousWindow: WindowInfo | null;
}

/** What a workflow rule sees. */
export interface WorkflowRuleContext {
  readonly workflow: WorkflowReport;
  readonly previous: WorkflowReport | undefined;
  readonly trend: Trend | undefined;
  readonly thresholds: Thresholds;
  readonly window: WindowInfo;
  readonly previousWindow: WindowInfo | null;
}

/** A tool rule: a recommendation with its evidence, or nothing. */
export type ToolRule = (ctx: ToolRuleContext) => Recommendation | undefined;
/** A workflow rule. */
export type WorkflowRule = (ctx: WorkflowRuleContext) => Recommendation | undefined;

// ---------------------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------------------

/** The output formats. */
export type ReportFormat = 'text' | 'json' | 'markdown' | 'html';

/** Options of `renderHtml`. */
export interface HtmlOptions {
  /** Page title. @default 'toolscope report' */
  title?: string;
}
