import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  type AlertCenter,
  type AlertSeverity,
  getAlertCenter,
  type HealthState,
  type Monitor,
  setToolHealth,
  ToolscopeError,
} from '@toolscope/instrumentation';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_TOOLSCOPE_HEALTH_CHECK_ID,
  ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE,
  ATTR_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES,
  ATTR_TOOLSCOPE_HEALTH_STATE,
  ATTR_TOOLSCOPE_HEALTH_STATE_PREVIOUS,
  ATTR_URL_FULL,
  ATTR_USER_AGENT_SYNTHETIC_TYPE,
  boundName,
  describeValue,
  SCOPE_NAMES,
  SPAN_NAME_HEALTH_CHECK,
  tracerGetter,
} from '@toolscope/instrumentation/internal';
import { Agent, type Dispatcher } from 'undici';
import { classifyError } from './classify.ts';
import { normalizeCheck, normalizeChecks } from './config.ts';
import { startDeadline, VerdictClock } from './deadline.ts';
import { logger } from './diag.ts';
import { ProbeConfigError } from './errors.ts';
import { probeHttp } from './http-check.ts';
import type { NormalizedCheck, NormalizedWindow } from './internal-types.ts';
import { normalizeWindows } from './maintenance.ts';
import { type EraMemory, probeMcp } from './mcp-check.ts';
import { type GaugeSource, ProbeMetrics } from './metrics.ts';
import { probeValidators } from './read-context.ts';
import { Semaphore } from './semaphore.ts';
import { INITIAL_STATE, type MachineState, nextState } from './state-machine.ts';
import { availability, checkScore, History, overallStatus, trend } from './summary.ts';
import type {
  CheckDefinition,
  CheckResult,
  CheckStatus,
  CheckSummary,
  HealthMonitorOptions,
  HealthSummary,
  MaintenanceWindow,
} from './types.ts';

const DEFAULT_CONCURRENCY = 10;
const DEFAULT_HISTORY = 1000;
const DEFAULT_SUMMARY_WINDOW_MS = 3_600_000;

interface Entry {
  readonly check: NormalizedCheck;
  machine: MachineState;
  reported: HealthState;
  sinceMs: number;
  lastResult: CheckResult | undefined;
  readonly history: History;
  readonly era: EraMemory;
  timer: NodeJS.Timeout | undefined;
  running: Promise<CheckResult> | undefined;
  removed: boolean;
}

/** Receives every finished run with the check's status after it. */
export type ResultListener = (result: CheckResult, status: CheckStatus) => void;

/**
 * Runs health checks on a schedule and turns their results into statuses, alerts, metrics and
 * the tool health registry (the seed's `OrchestrationHealthMonitor`).
 *
 * - Each check runs every `intervalMs` ± `jitterMs`, never twice at once; at most
 *   `concurrency` checks run at the same time across the monitor. Timers are unref'd.
 * - Each run is a CLIENT span `health_check {id}`; alert changes become span events on it.
 * - The lifecycle of every toolscope monitor (`Monitor`): `start()`; `stop()` cancels the
 *   timers and waits for runs in flight (each bounded by its timeout); `close()` also closes
 *   the private HTTP dispatcher and stops reporting on the gauges, after flushing the meter
 *   provider so that the last export carries the final states (close it before shutting the
 *   provider down).
 *
 * @example
 * const monitor = new HealthMonitor({
 *   checks: [{ id: 'search', type: 'http', endpoint: 'http://127.0.0.1:8080/health' }],
 * }).start();
 * // …
 * await monitor.close();
 */
export class HealthMonitor implements Monitor, GaugeSource {
  private readonly entries = new Map<string, Entry>();
  private windows: NormalizedWindow[] = [];
  private readonly semaphore: Semaphore;
  private readonly alerts: AlertCenter;
  private readonly publish: boolean;
  private readonly historySize: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly tracer: () => Tracer;
  private readonly metrics: ProbeMetrics;
  private listeners: readonly ResultListener[] = [];
  private started = false;
  private closing: Promise<void> | undefined;

  constructor(options: HealthMonitorOptions = {}) {
    const v = probeValidators();
    const count = { min: 1, integer: true } as const;
    const concurrency =
      v.optionalNumber('concurrency', options.concurrency, count) ?? DEFAULT_CONCURRENCY;
    const historySize =
      v.optionalNumber('historySize', options.historySize, count) ?? DEFAULT_HISTORY;
    this.semaphore = new Semaphore(concurrency);
    this.alerts = options.alertCenter ?? getAlertCenter();
    this.publish = options.publishToolHealth ?? true;
    this.historySize = historySize;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 4_000, connect: { timeout: 30_000 } });
    // Validate everything before registering anything: a bad config starts nothing.
    const checks = normalizeChecks(options.checks ?? []);
    this.windows = normalizeWindows(options.maintenance ?? []);
    for (const c of checks) this.register(c);
    this.tracer = tracerGetter(SCOPE_NAMES.healthProbe, options.tracerProvider);
    this.metrics = new ProbeMetrics(this, options.meterProvider);
  }

  /** Registers a check (validated now; throws `ProbeConfigError`). Scheduled at once if started. */
  addCheck(definition: CheckDefinition): void {
    const check = normalizeCheck(definition);
    if (this.entries.has(check.id)) {
      throw new ProbeConfigError(check.id, 'id', 'is already registered; ids must be unique');
    }
    const entry = this.register(check);
    if (this.started) this.scheduleFirst(entry);
  }

  /** Unregisters a check; a run in flight finishes but is not rescheduled. */
  removeCheck(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    entry.removed = true;
    clearTimeout(entry.timer);
    this.entries.delete(id);
    return true;
  }

  /** Replaces the maintenance windows (validated now). */
  setMaintenance(windows: readonly MaintenanceWindow[]): void {
    this.windows = normalizeWindows(windows);
  }

  /** Calls `listener` after every run. Returns the unsubscribe function. */
  onResult(listener: ResultListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Starts the schedule: each check's first run comes after a random part of its jitter.
   * Idempotent while running; throws after `close()`.
   */
  start(): this {
    if (this.closing !== undefined) {
      throw new ToolscopeError('HealthMonitor.start(): the monitor is closed; create a new one');
    }
    if (this.started) return this;
    this.started = true;
    for (const entry of this.entries.values()) this.scheduleFirst(entry);
    return this;
  }

  /** Stops the schedule and waits for the runs in flight. */
  async stop(): Promise<void> {
    this.started = false;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    await Promise.allSettled([...this.entries.values()].map((e) => e.running));
  }

  /**
   * Stops, closes the private HTTP dispatcher and stops reporting on the gauges. Before the
   * gauges go, the meter provider in force is flushed (at most
   * `LIMITS.gaugeFinalFlushDeadlineMs`), so the last export carries the final states.
   * Idempotent; never rejects; the monitor cannot start again.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.stop();
      await this.metrics.close();
      if (this.ownsDispatcher) await this.dispatcher.close().catch(() => undefined);
    })();
    return this.closing;
  }

  /**
   * Runs one check now (subject to the concurrency cap) and returns its result. A run already
   * in flight for the check is joined, never duplicated. Rejects only with a `ProbeConfigError`
   * when `id` names no check of the monitor.
   */
  runCheck(id: string): Promise<CheckResult> {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      return Promise.reject(
        new ProbeConfigError(
          undefined,
          'id',
          `names no check of this monitor (got ${describeValue(id)})`,
          {
            fix: 'add it with addCheck() first, or use the id of a check it has',
          },
        ),
      );
    }
    return this.run(entry);
  }

  /** Runs every check once (subject to the concurrency cap); results in registration order. */
  runOnce(): Promise<CheckResult[]> {
    return Promise.all([...this.entries.values()].map((e) => this.run(e)));
  }

  /** The live status of one check. */
  status(id: string): CheckStatus | undefined {
    const entry = this.entries.get(id);
    return entry === undefined ? undefined : this.statusOf(entry);
  }

  /** The live status of every check. */
  statuses(): CheckStatus[] {
    return [...this.entries.values()].map((e) => this.statusOf(e));
  }

  /** Concurrency of the runs: running now, waiting for a permit, the highest seen, the cap. */
  stats(): { active: number; queued: number; peak: number; limit: number } {
    return this.semaphore.stats();
  }

  /**
   * Per check: status, last result, availability and trend over `windowMs`; overall: worst
   * status, counts and score (formula in `HealthSummary.score`).
   */
  summary(options: { windowMs?: number } = {}): HealthSummary {
    const windowMs = options.windowMs ?? DEFAULT_SUMMARY_WINDOW_MS;
    const end = this.now();
    const start = end - windowMs;
    const checks: CheckSummary[] = [...this.entries.values()].map((entry) => {
      const runs = entry.history.since(start);
      const avail = availability(runs);
      const status = this.statusOf(entry);
      return {
        ...status,
        availability: avail,
        runs: runs.length,
        score: checkScore(status.status, avail),
        trend: trend(runs, start, end, entry.check.degradedThresholdMs),
      };
    });
    const counts: Record<HealthState, number> = {
      healthy: 0,
      degraded: 0,
      unhealthy: 0,
      unknown: 0,
      maintenance: 0,
    };
    for (const c of checks) counts[c.status]++;
    const scored = checks.map((c) => c.score).filter((s): s is number => s !== undefined);
    return {
      windowMs,
      status: overallStatus(checks.map((c) => c.status)),
      score:
        scored.length === 0
          ? undefined
          : Math.round((scored.reduce((a, b) => a + b, 0) / scored.length) * 10) / 10,
      counts,
      checks,
    };
  }

  /** @internal the gauges' view. */
  gaugeSnapshot(): ReturnType<GaugeSource['gaugeSnapshot']> {
    const out: ReturnType<GaugeSource['gaugeSnapshot']>[number][] = [];
    for (const e of this.entries.values()) {
      out.push({
        id: e.check.id,
        tool: e.check.tool,
        status: e.reported,
        consecutiveFailures: e.machine.consecutiveFailures,
      });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------

  private register(check: NormalizedCheck): Entry {
    const entry: Entry = {
      check,
      machine: INITIAL_STATE,
      reported: 'unknown',
      sinceMs: this.now(),
      lastResult: undefined,
      history: new History(this.historySize),
      era: { era: undefined },
      timer: undefined,
      running: undefined,
      removed: false,
    };
    this.entries.set(check.id, entry);
    return entry;
  }

  private scheduleFirst(entry: Entry): void {
    this.schedule(entry, this.random() * entry.check.jitterMs);
  }

  private schedule(entry: Entry, delayMs: number): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void this.tick(entry);
    }, delayMs);
    entry.timer.unref();
  }

  private async tick(entry: Entry): Promise<void> {
    if (!this.started || entry.removed) return;
    const startedAt = performance.now();
    await this.run(entry);
    if (!this.started || entry.removed) return;
    const { intervalMs, jitterMs } = entry.check;
    const jitter = (this.random() * 2 - 1) * jitterMs;
    this.schedule(entry, Math.max(0, intervalMs + jitter - (performance.now() - startedAt)));
  }

  private run(entry: Entry): Promise<CheckResult> {
    if (entry.running !== undefined) return entry.running;
    const running = (async () => {
      await this.semaphore.acquire();
      try {
        return await this.execute(entry);
      } finally {
        this.semaphore.release();
      }
    })();
    entry.running = running;
    void running.finally(() => {
      if (entry.running === running) entry.running = undefined;
    });
    return running;
  }

  /** One run: span, probe, state machine, alerts, metrics, registry. Never rejects. */
  private async execute(entry: Entry): Promise<CheckResult> {
    const check = entry.check;
    const span = this.tracer().startSpan(`${SPAN_NAME_HEALTH_CHECK} ${check.id}`, {
      kind: SpanKind.CLIENT,
      attributes: spanStartAttributes(check),
    });
    const clock = new VerdictClock();
    const deadline = startDeadline(check.timeoutMs);
    let ok = false;
    let errorType: string | undefined;
    let error: string | undefined;
    let statusCode: number | undefined;
    let protocolVersion: string | undefined;
    try {
      await context.with(trace.setSpan(context.active(), span), async () => {
        if (check.type === 'http') {
          const outcome = await probeHttp(check, this.dispatcher, deadline.signal, clock);
          statusCode = outcome.statusCode;
        } else {
          const outcome = await probeMcp(check, {
            signal: deadline.signal,
            remaining: deadline.remaining,
            clock,
            memory: entry.era,
            dispatcher: this.dispatcher,
          });
          protocolVersion =
            outcome.protocolVersion === undefined
              ? undefined
              : boundName(outcome.protocolVersion, 'mcp.protocol.version');
        }
      });
      ok = true;
    } catch (err) {
      clock.mark();
      const c = classifyError(deadline.signal.aborted ? deadline.signal.reason : err);
      errorType = c.errorType;
      error = c.message;
      statusCode = c.statusCode ?? statusCode;
      try {
        span.recordException({ name: errorType, message: error });
      } catch {
        // recording never throws into the run
      }
    } finally {
      deadline.clear();
    }
    const latencyMs = Math.round(clock.elapsedMs() * 1000) / 1000;
    const result: CheckResult = {
      id: check.id,
      tool: check.tool,
      type: check.type,
      ok,
      latencyMs,
      timestampMs: this.now(),
      ...(errorType !== undefined ? { errorType } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(statusCode !== undefined ? { statusCode } : {}),
      ...(protocolVersion !== undefined ? { protocolVersion } : {}),
    };
    try {
      this.apply(entry, result, span);
    } catch (err) {
      logger.error(`check ${check.id}: applying the result failed`, err);
    }
    try {
      const attrs: Attributes = {
        [ATTR_TOOLSCOPE_HEALTH_STATE]: entry.reported,
        [ATTR_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES]: entry.machine.consecutiveFailures,
      };
      if (statusCode !== undefined) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = statusCode;
      if (protocolVersion !== undefined) attrs[ATTR_MCP_PROTOCOL_VERSION] = protocolVersion;
      if (errorType !== undefined) attrs[ATTR_ERROR_TYPE] = errorType;
      span.setAttributes(attrs);
      if (!ok) span.setStatus({ code: SpanStatusCode.ERROR, message: error ?? '' });
      span.end();
      this.metrics.recordDuration(check.id, check.tool, check.type, latencyMs / 1000, errorType);
    } catch (err) {
      logger.warn(`check ${check.id}: recording telemetry failed; ignored`, err);
    }
    const status = this.statusOf(entry);
    for (const listener of this.listeners) {
      try {
        listener(result, status);
      } catch (err) {
        logger.warn('result listener threw; ignored', err);
      }
    }
    return result;
  }

  private apply(entry: Entry, result: CheckResult, span: Span): void {
    const check = entry.check;
    const before = entry.machine;
    entry.machine = nextState(before, result, check);
    entry.lastResult = result;
    entry.history.push({
      timestampMs: result.timestampMs,
      ok: result.ok,
      latencyMs: result.latencyMs,
    });
    const inMaintenance = this.inMaintenance(check.id, result.timestampMs);
    const previousReported = entry.reported;
    entry.reported = inMaintenance ? 'maintenance' : entry.machine.state;
    if (entry.reported !== previousReported) entry.sinceMs = result.timestampMs;
    if (previousReported !== entry.reported) {
      span.setAttribute(ATTR_TOOLSCOPE_HEALTH_STATE_PREVIOUS, previousReported);
    }
    if (!inMaintenance) this.reconcileAlert(entry, previousReported, result, span);
    if (this.publish) {
      setToolHealth(check.tool, entry.reported, {
        latencyMs: result.latencyMs,
        ...(result.errorType !== undefined ? { errorType: result.errorType } : {}),
        nowMs: result.timestampMs,
      });
    }
  }

  /**
   * Brings the check's alert in line with its state: UNHEALTHY → ERROR (CRITICAL past
   * `criticalThreshold`), DEGRADED by latency → WARNING (when `alertOnDegraded`), HEALTHY →
   * resolved (with the center's INFO recovery). DEGRADED because of failures below the
   * threshold leaves the alert as it is. Re-firing the same key with another severity updates
   * the open alert (same id). Held while in maintenance; reconciled after it.
   */
  private reconcileAlert(
    entry: Entry,
    previous: HealthState,
    result: CheckResult,
    span: Span,
  ): void {
    const check = entry.check;
    const key = `health:${check.id}`;
    const m = entry.machine;
    const attributes: Attributes = {
      [ATTR_TOOLSCOPE_HEALTH_CHECK_ID]: check.id,
      [ATTR_GEN_AI_TOOL_NAME]: check.tool,
    };
    const prev = previous === 'maintenance' ? (this.alerts.get(key)?.state ?? previous) : previous;
    let severity: AlertSeverity;
    let kind = 'tool_unhealthy';
    let message = '';
    if (m.state === 'unhealthy') {
      severity =
        check.criticalThreshold !== undefined && m.consecutiveFailures >= check.criticalThreshold
          ? 'critical'
          : 'error';
      message =
        m.consecutiveFailures > 0
          ? `${check.name} is UNHEALTHY after ${m.consecutiveFailures} consecutive failed checks (${result.errorType ?? 'failed'}: ${result.error ?? ''})`
          : `${check.name} is UNHEALTHY (recovering: ${m.consecutiveSuccesses} of ${check.recoveryThreshold} passes)`;
      if (m.consecutiveFailures === 0 && this.alerts.get(key) !== undefined) return;
    } else if (m.state === 'degraded' && m.degradedBy === 'latency' && check.alertOnDegraded) {
      severity = 'warning';
      kind = 'tool_degraded';
      message = `${check.name} is DEGRADED: ${Math.round(result.latencyMs)} ms > ${check.degradedThresholdMs} ms`;
    } else if (m.state === 'healthy' || (m.state === 'degraded' && m.degradedBy === 'latency')) {
      if (this.alerts.get(key) !== undefined) {
        const recovered = m.state === 'healthy' ? 'HEALTHY' : 'DEGRADED (slow, alerts off)';
        this.alerts.resolve(key, {
          message: `${check.name} recovered: ${recovered}${prev === 'unhealthy' ? ` after ${m.consecutiveSuccesses} consecutive passing checks` : ''}`,
          state: m.state,
          previousState: prev,
          span,
          attributes,
        });
      }
      return;
    } else {
      // UNKNOWN, or DEGRADED by failures below the threshold: leave any alert as it is.
      return;
    }
    this.alerts.fire({
      key,
      kind,
      severity,
      subject: check.tool,
      message,
      state: m.state,
      previousState: prev,
      span,
      attributes,
    });
  }

  private inMaintenance(id: string, nowMs: number): boolean {
    return this.windows.some(
      (w) => (w.checks === undefined || w.checks.has(id)) && w.contains(nowMs),
    );
  }

  private statusOf(entry: Entry): CheckStatus {
    // A window may have opened or closed since the last run.
    const inMaintenance = this.inMaintenance(entry.check.id, this.now());
    const status = inMaintenance
      ? 'maintenance'
      : entry.reported === 'maintenance'
        ? entry.machine.state
        : entry.reported;
    return {
      id: entry.check.id,
      name: entry.check.name,
      tool: entry.check.tool,
      type: entry.check.type,
      status,
      underlying: entry.machine.state,
      consecutiveFailures: entry.machine.consecutiveFailures,
      consecutiveSuccesses: entry.machine.consecutiveSuccesses,
      lastResult: entry.lastResult,
      sinceMs: entry.sinceMs,
    };
  }
}

/** Span attributes known before the run. Headers never go on spans; URLs lose credentials and query. */
function spanStartAttributes(check: NormalizedCheck): Attributes {
  const attrs: Attributes = {
    [ATTR_TOOLSCOPE_HEALTH_CHECK_ID]: check.id,
    [ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE]: check.type,
    [ATTR_GEN_AI_TOOL_NAME]: check.tool,
    [ATTR_USER_AGENT_SYNTHETIC_TYPE]: 'test',
  };
  const url: URL | undefined = check.url;
  if (url !== undefined) {
    attrs[ATTR_SERVER_ADDRESS] = url.hostname;
    attrs[ATTR_SERVER_PORT] = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    attrs[ATTR_URL_FULL] = `${url.protocol}//${url.host}${url.pathname}`;
  }
  if (check.type === 'http') attrs[ATTR_HTTP_REQUEST_METHOD] = check.method;
  else attrs[ATTR_NETWORK_TRANSPORT] = check.transport === 'stdio' ? 'pipe' : 'tcp';
  return attrs;
}
