import { type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import {
  type Alert,
  type AlertCenter,
  getAlertCenter,
  InvocationStore,
  type Monitor,
  type TimeWindow,
  ToolscopeError,
} from '@toolscope/instrumentation';
import {
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  formatLatencyMs,
  promDuration,
  SCOPE_NAMES,
  SPAN_NAME_OBJECTIVE_CHECK,
  tracerGetter,
  validate,
  warnOnce,
} from '@toolscope/instrumentation/internal';
import { compileObjectives } from './compile.ts';
import { logger } from './diag.ts';
import { type Reading, toolReadings, workflowReadings } from './measure.ts';
import { type AlertTrack, type Judgement, judge, step } from './severity.ts';
import type {
  CompiledObjectives,
  ObjectiveCheck,
  ObjectiveKind,
  ObjectiveMonitorOptions,
  ResolvedObjective,
  SubjectKind,
} from './types.ts';

interface Tracked {
  readonly subjectKind: SubjectKind;
  readonly subject: string;
  readonly kind: ObjectiveKind;
  readonly objective: ResolvedObjective;
  readonly bound: number;
  track: AlertTrack;
}

/**
 * Judges performance objectives against the in-process aggregates (`InvocationStore`) and
 * raises their alerts through the `AlertCenter`: one alert per tool (or workflow) and kind,
 * keyed `{kind}:{tool|workflow}:{name}`, fired WARNING/ERROR/CRITICAL, escalated with the
 * same id, resolved with an INFO recovery (see `judge` and `step` for the rules). Each alert
 * change is recorded on a short INTERNAL span `objective_check {name}` carrying the
 * `toolscope.alert.fired` / `toolscope.alert.resolved` event.
 *
 * Reads only the store's per-slot aggregates: memory depends on the number of tools, never
 * on the call rate. `start()` evaluates every `evaluationInterval` on an unref'd timer that
 * catches and logs everything; `evaluate()` runs one evaluation now (tests, manual use).
 * The lifecycle is the one of every toolscope monitor (`Monitor`): `start()`, `stop()`,
 * `close()`.
 */
export class ObjectiveMonitor implements Monitor {
  readonly objectives: CompiledObjectives;
  readonly store: InvocationStore;
  /** Where the alerts go. */
  readonly alertCenter: AlertCenter;
  private readonly ownsStore: boolean;
  private readonly now: () => number;
  private readonly tracer: () => Tracer;
  private readonly tracked = new Map<string, Tracked>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(options: ObjectiveMonitorOptions) {
    validate.object('options', options, 'an object with `objectives`');
    if (options.objectives === undefined) {
      throw validate.error(
        'objectives',
        'is required (an objectives config or compileObjectives(...))',
      );
    }
    this.objectives = compileObjectives(options.objectives, options);
    this.now = options.now ?? Date.now;
    const longest = Math.max(0, ...this.objectives.entries.map((e) => e.windowMs));
    if (options.store !== undefined) {
      if (!(options.store instanceof InvocationStore)) {
        throw validate.error('store', 'must be an InvocationStore');
      }
      if (options.store.retentionMs < longest) {
        throw validate.error(
          'store',
          `keeps ${options.store.retentionMs} ms of data, less than the longest window (${longest} ms); ` +
            'raise its retentionSeconds or shorten the window',
        );
      }
      this.store = options.store;
      this.ownsStore = false;
    } else {
      this.store = new InvocationStore({
        retentionSeconds: Math.max(3600, Math.ceil(longest / 1000) + 10),
        now: this.now,
      }).attach();
      this.ownsStore = true;
    }
    this.alertCenter = alertCenterOf(options);
    this.tracer = tracerGetter(SCOPE_NAMES.objectives, options.tracerProvider);
  }

  /** @deprecated use `alertCenter`. */
  get alerts(): AlertCenter {
    return this.alertCenter;
  }

  /**
   * Evaluates every `evaluationInterval` until `stop()`. The timer never keeps the process
   * alive. After a `stop()` it starts again, and the store it made itself records again.
   * Throws after `close()`.
   */
  start(): this {
    if (this.closed) {
      throw new ToolscopeError('ObjectiveMonitor.start(): the monitor is closed; create a new one');
    }
    if (this.timer === undefined) {
      // stop() closed the store this monitor owns; attach() is idempotent.
      if (this.ownsStore) this.store.attach();
      this.timer = setInterval(() => {
        try {
          this.evaluate();
        } catch (err) {
          logger.error('objective evaluation failed; will retry at the next interval', err);
        }
      }, this.objectives.evaluationIntervalMs);
      this.timer.unref();
    }
    return this;
  }

  /**
   * Stops the timer (and detaches the store it made itself, so no calls are recorded while
   * stopped; `start()` attaches it again). Evaluations are synchronous, so none is in flight
   * once it returns. Open alerts stay open in the alert center: stopping is not a recovery.
   */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.ownsStore) this.store.close();
  }

  /**
   * Stops for good: the store the monitor made itself stays detached. Idempotent; `start()`
   * throws afterwards. Open alerts stay open (closing is not a recovery either).
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  /** Whether the timer runs. */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Runs one evaluation at `nowMs` (default: the clock) and returns every judged objective,
   * plus the alerts of tools that left the window (`insufficient_data`).
   */
  evaluate(nowMs: number = this.now()): ObjectiveCheck[] {
    const checks: ObjectiveCheck[] = [];
    const seen = new Set<string>();
    const windows = (kind: SubjectKind): Set<number> =>
      new Set(this.objectives.entries.filter((e) => e.subjectKind === kind).map((e) => e.windowMs));

    for (const windowMs of windows('tool')) {
      const stats = this.store.tools(windowOf(nowMs, windowMs));
      const fallbacksFor = new Map<string, number>();
      for (const s of stats) {
        for (const [forTool, n] of Object.entries(s.fallbacks)) {
          fallbacksFor.set(forTool, (fallbacksFor.get(forTool) ?? 0) + n);
        }
      }
      for (const s of stats) {
        const objective = this.objectives.resolve('tool', s.tool);
        if (objective === undefined || objective.windowMs !== windowMs) continue;
        const readings = toolReadings(s, fallbacksFor.get(s.tool) ?? 0, objective);
        for (const r of readings) {
          checks.push(this.check('tool', s.tool, objective, s.calls, r, seen));
        }
      }
    }
    for (const windowMs of windows('workflow')) {
      for (const s of this.store.workflows(windowOf(nowMs, windowMs))) {
        const objective = this.objectives.resolve('workflow', s.workflow);
        if (objective === undefined || objective.windowMs !== windowMs) continue;
        for (const r of workflowReadings(s, objective)) {
          checks.push(this.check('workflow', s.workflow, objective, s.executions, r, seen));
        }
      }
    }
    // Open alerts of tools with no calls left in their window: nothing to judge, so clear.
    for (const [key, t] of [...this.tracked]) {
      if (seen.has(key)) continue;
      const reading: Reading = { kind: t.kind, value: Number.NaN, bound: t.bound };
      checks.push(this.check(t.subjectKind, t.subject, t.objective, 0, reading, seen));
    }
    return checks;
  }

  /** The open alerts this monitor raised, optionally only those about `subject`. */
  active(subject?: string): Alert[] {
    const out: Alert[] = [];
    for (const [key, t] of this.tracked) {
      if (subject !== undefined && t.subject !== subject) continue;
      const alert = this.alertCenter.get(key);
      if (alert !== undefined) out.push(alert);
    }
    return out;
  }

  private check(
    subjectKind: SubjectKind,
    subject: string,
    objective: ResolvedObjective,
    calls: number,
    reading: Reading,
    seen: Set<string>,
  ): ObjectiveCheck {
    const key = `${reading.kind}:${subjectKind}:${subject}`;
    seen.add(key);
    const judged = calls >= objective.minCalls && Number.isFinite(reading.value);
    const judgement: Judgement = judged
      ? judge(
          reading.kind,
          reading.value,
          reading.bound,
          objective.criticalSuccessRate,
          this.objectives.policy,
        )
      : { status: 'insufficient_data', severity: undefined };
    const before = this.tracked.get(key);
    const { track, change } = step(before?.track, judgement, this.objectives.policy);
    if (track === undefined) this.tracked.delete(key);
    else if (before !== undefined) before.track = track;
    else {
      this.tracked.set(key, {
        subjectKind,
        subject,
        kind: reading.kind,
        objective,
        bound: reading.bound,
        track,
      });
    }
    let alert = this.alertCenter.get(key);
    if (change !== undefined) {
      const text = describeReading(subjectKind, subject, objective, calls, reading, judgement);
      alert = this.announce(key, change, subjectKind, subject, reading.kind, track, text) ?? alert;
    }
    return {
      subjectKind,
      subject,
      kind: reading.kind,
      pattern: objective.pattern,
      calls,
      value: judged ? reading.value : Number.NaN,
      bound: reading.bound,
      status: judgement.status,
      alert,
    };
  }

  private announce(
    key: string,
    change: 'fire' | 'escalate' | 'resolve',
    subjectKind: SubjectKind,
    subject: string,
    kind: ObjectiveKind,
    track: AlertTrack | undefined,
    text: string,
  ): Alert | undefined {
    let span: Span | undefined;
    try {
      const attributes = {
        [subjectKind === 'tool' ? ATTR_GEN_AI_TOOL_NAME : ATTR_GEN_AI_WORKFLOW_NAME]: subject,
      };
      span = this.tracer().startSpan(`${SPAN_NAME_OBJECTIVE_CHECK} ${subject}`, {
        kind: SpanKind.INTERNAL,
        attributes,
      });
      if (change === 'resolve')
        return this.alertCenter.resolve(key, { message: text, span, attributes });
      const severity = track?.severity ?? 'warning';
      const message =
        change === 'escalate' && track !== undefined
          ? `${text}; open for ${track.evaluations} evaluations`
          : text;
      return this.alertCenter.fire({ key, kind, severity, subject, message, span, attributes });
    } catch (err) {
      logger.error(`raising the ${kind} alert of ${subject} failed; ignored`, err);
      return undefined;
    } finally {
      span?.end();
    }
  }
}

/** `alertCenter`, or the deprecated `alerts` (with a one-line warning), or the global one. */
function alertCenterOf(options: ObjectiveMonitorOptions): AlertCenter {
  if (options.alerts === undefined) return options.alertCenter ?? getAlertCenter();
  if (options.alertCenter !== undefined && options.alertCenter !== options.alerts) {
    throw validate.error('alerts', 'and alertCenter are both given; keep alertCenter');
  }
  warnOnce(
    (message) => logger.warn(message),
    'ObjectiveMonitor.alerts',
    'ObjectiveMonitor: the option "alerts" is deprecated; use "alertCenter" (same value)',
  );
  return options.alerts;
}

/** The window of the last `ms` milliseconds up to `nowMs`, as `InvocationStore.lastWindow`. */
function windowOf(nowMs: number, ms: number): TimeWindow {
  const toMs = nowMs + 1;
  return { fromMs: toMs - ms, toMs };
}

const KIND_TEXT: Record<ObjectiveKind, string> = {
  latency_threshold: 'latency',
  error_rate_threshold: 'success rate',
  retry_rate_threshold: 'retry rate',
  fallback_rate_threshold: 'fallback rate',
};

function describeReading(
  subjectKind: SubjectKind,
  subject: string,
  objective: ResolvedObjective,
  calls: number,
  reading: Reading,
  judgement: Judgement,
): string {
  const what =
    reading.kind === 'latency_threshold' && objective.latency !== undefined
      ? `p${objective.latency.percentile} latency`
      : KIND_TEXT[reading.kind];
  const window = promDuration(objective.windowMs);
  const target = describeBound(reading, objective);
  const head = `${what} of ${subjectKind} ${subject}`;
  if (judgement.status === 'insufficient_data') {
    return `${head} is no longer judged: ${calls} calls in the last ${window} (minCalls ${objective.minCalls}); objective ${target}`;
  }
  const value = formatValue(reading);
  const body = `${value} over the last ${window} (objective ${target}, ${calls} calls)`;
  if (judgement.status === 'breached') return `${head} is ${body}`;
  return `${head} is back within its objective: ${body}`;
}

function describeBound(reading: Reading, objective: ResolvedObjective): string {
  switch (reading.kind) {
    case 'latency_threshold':
      return `p${objective.latency?.percentile} <= ${formatLatencyMs(reading.bound)}`;
    case 'error_rate_threshold':
      return `>= ${percent(reading.bound)}`;
    case 'retry_rate_threshold':
      return `<= ${round(reading.bound)} retries per call`;
    case 'fallback_rate_threshold':
      return `<= ${percent(reading.bound)}`;
  }
}

function formatValue(reading: Reading): string {
  switch (reading.kind) {
    case 'latency_threshold':
      return formatLatencyMs(reading.value);
    case 'retry_rate_threshold':
      return `${round(reading.value)} retries per call`;
    default:
      return percent(reading.value);
  }
}

function percent(rate: number): string {
  return `${round(rate * 100)}%`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
