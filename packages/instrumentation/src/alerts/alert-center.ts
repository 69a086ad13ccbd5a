import { randomUUID } from 'node:crypto';
import type { Attributes, ObservableGauge } from '@opentelemetry/api';
import { logger } from '../diag.ts';
import { ALERTS_ACTIVE } from '../metrics/catalogue.ts';
import { createObservableGauge } from '../metrics/create.ts';
import { getInstruments, onMeter } from '../metrics/instruments.ts';
import {
  ATTR_TOOLSCOPE_ALERT_ID,
  ATTR_TOOLSCOPE_ALERT_KIND,
  ATTR_TOOLSCOPE_ALERT_MESSAGE,
  ATTR_TOOLSCOPE_ALERT_SEVERITY,
  ATTR_TOOLSCOPE_HEALTH_STATE,
  ATTR_TOOLSCOPE_HEALTH_STATE_PREVIOUS,
  EVENT_TOOLSCOPE_ALERT_FIRED,
  EVENT_TOOLSCOPE_ALERT_RESOLVED,
} from '../semconv.ts';
import { boundText } from '../shared/bound.ts';
import { ToolscopeConfigError } from '../shared/errors.ts';
import { validate } from '../shared/validate.ts';
import type {
  Alert,
  AlertEvent,
  AlertListener,
  AlertSeverity,
  FireAlertInput,
  ResolveAlertInput,
} from '../types.ts';

const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'error', 'critical'];
const SEVERITY_ATTRS: Record<AlertSeverity, Attributes> = {
  info: { [ATTR_TOOLSCOPE_ALERT_SEVERITY]: 'info' },
  warning: { [ATTR_TOOLSCOPE_ALERT_SEVERITY]: 'warning' },
  error: { [ATTR_TOOLSCOPE_ALERT_SEVERITY]: 'error' },
  critical: { [ATTR_TOOLSCOPE_ALERT_SEVERITY]: 'critical' },
};

/** Every live center, so one `toolscope.alerts.active` gauge counts them all. */
const centers = new Set<AlertCenter>();
let gauge: ObservableGauge | undefined;

onMeter((meter) => {
  gauge = createObservableGauge(meter, ALERTS_ACTIVE);
  gauge.addCallback((result) => {
    const counts: Record<AlertSeverity, number> = { info: 0, warning: 0, error: 0, critical: 0 };
    for (const center of centers) {
      for (const alert of center.active()) counts[alert.severity]++;
    }
    for (const s of SEVERITIES) result.observe(counts[s], SEVERITY_ATTRS[s]);
  });
});

/**
 * The one alert model of toolscope, shared by health probes and performance objectives.
 *
 * An alert is identified by its `key` (the condition). `fire` opens it with a stable `id`,
 * or updates the open one (a severity change is announced again with the same id); `resolve`
 * closes it and announces an INFO recovery. Each change becomes a span event
 * (`toolscope.alert.fired` / `toolscope.alert.resolved`) on the span given, and is delivered
 * to listeners. Listeners run guarded: a throw or a rejected promise is logged, never
 * propagated, and never awaited by `fire`/`resolve`.
 */
export class AlertCenter {
  private readonly open = new Map<string, Alert>();
  private listeners: readonly AlertListener[] = [];
  private readonly now: () => number;

  /** @param options.now clock in epoch ms (tests). @default Date.now */
  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    centers.add(this);
    getInstruments();
  }

  /** Opens (or updates) the alert for `input.key`; returns it. */
  fire(input: FireAlertInput): Alert {
    validate.string('key', input.key);
    validate.string('kind', input.kind);
    validate.string('subject', input.subject);
    if (!SEVERITIES.includes(input.severity)) {
      throw new ToolscopeConfigError('severity', `must be one of ${SEVERITIES.join(', ')}`);
    }
    getInstruments(); // registers the gauge with a meter provider set up since
    const existing = this.open.get(input.key);
    if (existing !== undefined && existing.severity === input.severity) return existing;
    const alert: Alert = {
      id: existing?.id ?? `alert-${randomUUID()}`,
      key: input.key,
      kind: input.kind,
      severity: input.severity,
      subject: input.subject,
      // Often quotes a peer (a probed server's error): bounded before listeners and spans.
      message: boundText(input.message, 'alert.message'),
      status: 'firing',
      firedAtMs: existing?.firedAtMs ?? this.now(),
      ...(input.state !== undefined ? { state: input.state } : {}),
      ...(input.previousState !== undefined ? { previousState: input.previousState } : {}),
      ...(input.attributes !== undefined ? { attributes: input.attributes } : {}),
    };
    this.open.set(input.key, alert);
    this.addEvent(EVENT_TOOLSCOPE_ALERT_FIRED, alert, input.span, input.attributes);
    this.deliver({ type: 'fired', alert });
    return alert;
  }

  /** Closes the open alert for `key`, if any, and announces an INFO recovery. */
  resolve(key: string, input: ResolveAlertInput): Alert | undefined {
    const existing = this.open.get(key);
    if (existing === undefined) return undefined;
    this.open.delete(key);
    const resolved: Alert = {
      ...existing,
      status: 'resolved',
      resolvedAtMs: this.now(),
      message: boundText(input.message, 'alert.message'),
      ...(input.state !== undefined ? { state: input.state } : {}),
      ...(input.previousState !== undefined ? { previousState: input.previousState } : {}),
    };
    const recovery: Alert = {
      ...resolved,
      kind: existing.kind.startsWith('tool_') ? 'tool_recovered' : existing.kind,
      severity: 'info',
    };
    this.addEvent(EVENT_TOOLSCOPE_ALERT_RESOLVED, recovery, input.span, input.attributes);
    this.deliver({ type: 'resolved', alert: resolved });
    this.deliver({ type: 'recovered', alert: recovery });
    return resolved;
  }

  /** The open alert for `key`, if any. */
  get(key: string): Alert | undefined {
    return this.open.get(key);
  }

  /** Every open alert. */
  active(): Alert[] {
    return [...this.open.values()];
  }

  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: AlertListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Stops counting this center's alerts on the gauge and drops its listeners. */
  dispose(): void {
    centers.delete(this);
    this.listeners = [];
  }

  private addEvent(
    name: string,
    alert: Alert,
    span: FireAlertInput['span'],
    extra: Attributes | undefined,
  ): void {
    if (span === undefined) return;
    try {
      const attributes: Attributes = {
        ...extra,
        [ATTR_TOOLSCOPE_ALERT_ID]: alert.id,
        [ATTR_TOOLSCOPE_ALERT_SEVERITY]: alert.severity,
        [ATTR_TOOLSCOPE_ALERT_KIND]: alert.kind,
        [ATTR_TOOLSCOPE_ALERT_MESSAGE]: alert.message,
      };
      if (alert.state !== undefined) attributes[ATTR_TOOLSCOPE_HEALTH_STATE] = alert.state;
      if (alert.previousState !== undefined) {
        attributes[ATTR_TOOLSCOPE_HEALTH_STATE_PREVIOUS] = alert.previousState;
      }
      span.addEvent(name, attributes);
    } catch (err) {
      logger.warn('adding an alert span event failed; ignored', err);
    }
  }

  private deliver(event: AlertEvent): void {
    for (const listener of this.listeners) {
      try {
        const r = listener(event);
        if (r !== undefined && typeof (r as Promise<void>).then === 'function') {
          (r as Promise<void>).then(undefined, (err: unknown) =>
            logger.warn('alert listener rejected; ignored', err),
          );
        }
      } catch (err) {
        logger.warn('alert listener threw; ignored', err);
      }
    }
  }
}

let defaultCenter: AlertCenter | undefined;

/** The process-wide alert center that probes and objectives use unless given another. */
export function getAlertCenter(): AlertCenter {
  defaultCenter ??= new AlertCenter();
  return defaultCenter;
}
