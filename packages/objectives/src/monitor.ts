import { type Span, SpanKind, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import {
  type Alert,
  type AlertCenter,
  getAlertCenter,
  InvocationStore,
  type TimeWindow,
} from '@toolscope/instrumentation';
import { compileObjectives } from './compile.ts';
import { logger } from './diag.ts';
import { humanMs, promDuration } from './duration.ts';
import { type Reading, toolReadings, workflowReadings } from './measure.ts';
import {
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  SPAN_NAME_OBJECTIVE_CHECK,
} from './semconv.ts';
import { type AlertTrack, type Judgement, judge, step } from './severity.ts';
import type {
  CompiledObjectives,
  ObjectiveCheck,
  ObjectiveKind,
  ObjectiveMonitorOptions,
  ObjectivesConfig,
  ResolvedObjective,
  SubjectKind,
} from './types.ts';
import { ToolscopeConfigError } from './validate.ts';

const SCOPE = '@toolscope/objectives';
const VERSION = '0.1.0';

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
 */
export class ObjectiveMonitor {
  readonly objectives: CompiledObjectives;
  readonly store: InvocationStore;
  readonly alerts: AlertCenter;
  private readonly ownsStore: boolean;
  private readonly now: () => number;
  private readonly tracerProvider: TracerProvider | undefined;
  private readonly tracked = new Map<string, Tracked>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ObjectiveMonitorOptions) {
    if (options === null || typeof options !== 'object') {
      throw new ToolscopeConfigError('options', 'must be an object with `objectives`');
    }
    if (options.objectives === undefined) {
      throw new ToolscopeConfigError(
        'objectives',
        'is required (an objectives config or compileObjectives(...))',
      );
    }
    this.objectives = isCompiled(options.objectives)
      ? options.objectives
      : compileObjectives(options.objectives, options);
    this.now = options.now ?? Date.now;
    const longest = Math.max(0, ...this.objectives.entries.map((e) => e.windowMs));
    if (options.store !== undefined) {
      if (!(options.store instanceof InvocationStore)) {
        throw new ToolscopeConfigError('store', 'must be an InvocationStore');
      }
      if (options.store.retentionMs < longest) {
        throw new ToolscopeConfigError(
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
    this.alerts = options.alerts ?? getAlertCenter();
    this.tracerProvider = options.tracerProvider;
  }

  /**
   * Evaluates every `evaluationInterval` until `stop()`. The timer never keeps the process
   * alive. After a `stop()` it starts again, and the store it made itself records again.
   */
  start(): this {
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
   * stopped; `start()` attaches it again). Open alerts stay open in the alert center:
   * stopping is not a recovery.
   */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.ownsStore) this.store.close();
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
      const alert = this.alerts.get(key);
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
    let alert = this.alerts.get(key);
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
        return this.alerts.resolve(key, { message: text, span, attributes });
      const severity = track?.severity ?? 'warning';
      const message =
        change === 'escalate' && track !== undefined
          ? `${text}; open for ${track.evaluations} evaluations`
          : text;
      return this.alerts.fire({ key, kind, severity, subject, message, span, attributes });
    } catch (err) {
      logger.error(`raising the ${kind} alert of ${subject} failed; ignored`, err);
      return undefined;
    } finally {
      span?.end();
    }
  }

  private tracer(): Tracer {
    return (this.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE, VERSION);
  }
}

function isCompiled(o: ObjectivesConfig | CompiledObjectives): o is CompiledObjectives {
  return typeof (o as CompiledObjectives).resolve === 'function';
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
      return `p${objective.latency?.percentile} <= ${humanMs(reading.bound)}`;
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
      return humanMs(reading.value);
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
