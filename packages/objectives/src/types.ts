import type {
  Alert,
  AlertCenter,
  InvocationStore,
  MonitorOptions,
} from '@toolscope/instrumentation';

/** What an objective is about: a tool (`gen_ai.tool.name`) or a workflow (`gen_ai.workflow.name`). */
export type SubjectKind = 'tool' | 'workflow';

/** The alert kinds objectives raise (`toolscope.alert.kind`). */
export type ObjectiveKind =
  | 'latency_threshold'
  | 'error_rate_threshold'
  | 'retry_rate_threshold'
  | 'fallback_rate_threshold';

/**
 * A duration of toolscope's one grammar: milliseconds as a number, or a string of
 * `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d`, `w`: `500ms`, `30s`, `1.5s`,
 * `1h30m`, `1d`.
 */
export type DurationInput = number | string;

/**
 * A percentile latency bound in object form; the string form is `p95 <= 800ms`. In a file
 * the object form is `{ percentile, max }` with `max` a duration (`maxMs` is read as a
 * deprecated alias).
 */
export interface LatencyBound {
  /** The percentile, strictly between 0 and 100 (`95`, `99.9`). */
  percentile: number;
  /** The bound in milliseconds, > 0. */
  maxMs: number;
}

/**
 * The bounds of one objective entry. Every field may be omitted (inherited from the default
 * entry `*`) or set to `null` (switched off even when the default sets it).
 */
export interface ObjectiveBounds {
  /**
   * Percentile latency bound: `'p95 <= 800ms'`, `'p99.9 <= 2s'`, `'p99 <= 1m30s'` or
   * `{ percentile, maxMs }`.
   * Every call counts, failed ones included. @default undefined (no latency objective)
   */
  latency?: string | LatencyBound | null;
  /**
   * Minimum share of calls that succeed (no `error.type`), 0..1. For workflows a run
   * succeeds unless its outcome is `failed`. @default undefined (no success objective)
   */
  minSuccessRate?: number | null;
  /**
   * Maximum retry attempts per call (`toolscope.tool.retries` / calls), >= 0; may exceed 1.
   * Tools only. @default undefined (no retry objective)
   */
  maxRetryRate?: number | null;
  /**
   * Maximum share of this tool's calls that another tool had to stand in for: calls recorded
   * with `fallbackFor` = this tool, over this tool's calls, 0..1. Tools only.
   * @default undefined (no fallback objective)
   */
  maxFallbackRate?: number | null;
  /**
   * A success rate below this floor (and below `minSuccessRate`) is a collapse: severity
   * CRITICAL. 0..1. @default 0.5
   */
  criticalSuccessRate?: number;
  /** The sliding window the objective is judged over. @default '5m' */
  window?: DurationInput;
  /** Calls needed in the window before the objective is judged at all (integer >= 1). @default 20 */
  minCalls?: number;
}

/**
 * Objectives, as written in code or in a YAML/JSON file (`loadObjectives`).
 *
 * Keys of `tools` and `workflows` are exact names or glob patterns (`*` any run of
 * characters, `?` one character). The entry `*` is the default: it applies to every name no
 * other entry matches, and every other entry inherits from it the fields it does not set. A
 * name follows exactly one entry: an exact key first, else the most specific matching glob
 * (the one with the most literal characters; on a tie the one written last).
 */
export interface ObjectivesConfig {
  /** Objectives of tools, by name or glob. @default {} */
  tools?: Readonly<Record<string, ObjectiveBounds>>;
  /** Objectives of workflows, by name or glob (retry and fallback bounds are not available). @default {} */
  workflows?: Readonly<Record<string, ObjectiveBounds>>;
  /** How often the monitor evaluates; every window must be at least this long. @default '30s' */
  evaluationInterval?: DurationInput;
  /**
   * A breach by this factor or more is severity ERROR: latency, retry or fallback rate at or
   * above factor × bound, or an error rate at or above factor × (1 − minSuccessRate). > 1.
   * @default 1.5
   */
  errorFactor?: number;
  /** An alert still open after this many consecutive evaluations escalates to ERROR. @default 10 */
  errorAfterEvaluations?: number;
  /**
   * Hysteresis, 0..1 (exclusive of 1): an alert fires when the value crosses the bound and
   * resolves only once it is back at or below bound × (1 − hysteresis) (for success rates:
   * the error rate at or below (1 − minSuccessRate) × (1 − hysteresis)). @default 0.1
   */
  hysteresis?: number;
  /** Consecutive clear evaluations needed before an open alert resolves. @default 1 */
  resolveAfterEvaluations?: number;
}

/** One entry after validation, merged over the default entry. */
export interface ResolvedObjective {
  readonly subjectKind: SubjectKind;
  /** The key of the entry (`search_*`, `web_fetch`, `*`). */
  readonly pattern: string;
  readonly latency: LatencyBound | undefined;
  readonly minSuccessRate: number | undefined;
  readonly maxRetryRate: number | undefined;
  readonly maxFallbackRate: number | undefined;
  readonly criticalSuccessRate: number;
  readonly windowMs: number;
  readonly minCalls: number;
}

/** The severity and hysteresis rules shared by the monitor and the Prometheus rules. */
export interface SeverityPolicy {
  readonly errorFactor: number;
  readonly errorAfterEvaluations: number;
  readonly hysteresis: number;
  readonly resolveAfterEvaluations: number;
}

/** Validated objectives: `compileObjectives(config)`. Immutable. */
export interface CompiledObjectives {
  readonly evaluationIntervalMs: number;
  readonly policy: SeverityPolicy;
  /** Every entry, highest precedence first (exact names, then globs by specificity, `*` last). */
  readonly entries: readonly ResolvedObjective[];
  /** The objective a tool or workflow follows, or undefined when no entry matches it. */
  resolve(subjectKind: SubjectKind, name: string): ResolvedObjective | undefined;
}

/** Options of `compileObjectives`. */
export interface CompileOptions {
  /**
   * Tool names the application knows. When given, every tool key other than `*` must match at
   * least one of them, so a misspelt pattern fails at set-up. @default undefined (not checked)
   */
  knownTools?: readonly string[];
  /** Workflow names the application knows; same check for workflow keys. @default undefined */
  knownWorkflows?: readonly string[];
}

/**
 * Options of `ObjectiveMonitor`: the options every monitor takes (`alertCenter`,
 * `tracerProvider` of the `objective_check` spans, `now`; see `MonitorOptions` of
 * `@toolscope/instrumentation`) and these.
 */
export interface ObjectiveMonitorOptions extends CompileOptions, MonitorOptions {
  /**
   * The objectives: a config (validated here, with `knownTools` / `knownWorkflows`) or the
   * result of `compileObjectives` (already validated; the known-name lists are not re-checked).
   */
  objectives: ObjectivesConfig | CompiledObjectives;
  /**
   * The in-process aggregates to judge (for example `startToolscope().store`). Its retention
   * must cover the longest window. @default a new `InvocationStore` attached to this
   * process's invocations (retention fitting the longest window), closed by `stop()`
   */
  store?: InvocationStore;
  /** @deprecated the old name of `alertCenter`, still read with a one-line warning. */
  alerts?: AlertCenter;
}

/** How one objective of one tool or workflow stands after an evaluation. */
export interface ObjectiveCheck {
  readonly subjectKind: SubjectKind;
  /** The tool or workflow name. */
  readonly subject: string;
  readonly kind: ObjectiveKind;
  /** The entry the bound comes from. */
  readonly pattern: string;
  /** Calls (or workflow runs) in the window. */
  readonly calls: number;
  /**
   * The measured value: the percentile in ms for latency, the success rate for
   * `error_rate_threshold`, retries per call, fallbacks per call. NaN when not judged.
   */
  readonly value: number;
  /** The bound: ms for latency, else a rate. */
  readonly bound: number;
  /**
   * `breached` beyond the bound; `holding` between the bound and the resolve threshold
   * (an open alert stays open); `ok` within the resolve threshold; `insufficient_data` fewer
   * than `minCalls` calls in the window.
   */
  readonly status: 'ok' | 'holding' | 'breached' | 'insufficient_data';
  /** The alert of this objective after the evaluation, open or just resolved. */
  readonly alert: Alert | undefined;
}

/** Options of `renderPrometheusRules`. */
export interface PrometheusRulesOptions extends CompileOptions {
  /**
   * Range of the rate windows, overriding each entry's `window`.
   * @default each entry's own window
   */
  window?: DurationInput;
  /** `for` of the WARNING and wide-margin ERROR rules. @default '1m' */
  for?: DurationInput;
  /**
   * `for` of the ERROR rule for a breach that lasts.
   * @default errorAfterEvaluations × evaluationInterval
   */
  sustainedFor?: DurationInput;
  /** Name of the rule group. @default 'toolscope-objectives' */
  groupName?: string;
  /**
   * Keep an alert firing while the value stays between bound × (1 − hysteresis) and the bound,
   * like the in-process monitor (the rule refers to its own `ALERTS` series). @default true
   */
  hysteresis?: boolean;
}
