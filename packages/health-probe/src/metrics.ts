import type {
  Attributes,
  BatchObservableCallback,
  Histogram,
  Meter,
  MeterProvider,
  ObservableGauge,
} from '@opentelemetry/api';
import type { HealthState } from '@toolscope/instrumentation';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_TOOLSCOPE_HEALTH_CHECK_ID,
  ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE,
  ATTR_TOOLSCOPE_HEALTH_STATE,
  createHistogram,
  createObservableGauge,
  flushMeterProvider,
  HEALTH_CHECK_DURATION,
  HEALTH_CONSECUTIVE_FAILURES,
  HEALTH_STATES,
  HEALTH_STATUS,
  instrumentsGetter,
  LIMITS,
  SCOPE_NAMES,
} from '@toolscope/instrumentation/internal';

const STATES: readonly HealthState[] = HEALTH_STATES;

/** What a monitor exposes to the observable gauges. */
export interface GaugeSource {
  gaugeSnapshot(): readonly {
    id: string;
    /** The tool the check reports for (`gen_ai.tool.name`; the check id when not set). */
    tool: string;
    status: HealthState;
    consecutiveFailures: number;
  }[];
}

interface Instruments {
  readonly provider: MeterProvider;
  readonly meter: Meter;
  readonly duration: Histogram;
  readonly status: ObservableGauge;
  readonly failures: ObservableGauge;
}

/**
 * The metrics of one monitor: `toolscope.health.check.duration`, and the gauges
 * `toolscope.health.status` (a state set) and `toolscope.health.consecutive_failures`,
 * made from the core's catalogue entries. The meter provider is the monitor's
 * `meterProvider`, else the process-wide one (`configureInstrumentation`), else the global
 * one, looked up on each record: a monitor made before the SDK was registered reports once
 * it is, and the gauges' callback moves to the new meter.
 */
export class ProbeMetrics {
  private readonly instruments: () => Instruments;
  private registration: { instruments: Instruments; callback: BatchObservableCallback } | undefined;
  private closed = false;
  /**
   * Pre-computed attribute sets (metrics take a fixed, small set: no URLs, no session ids).
   * Every health metric carries the check and the tool it reports for, so Prometheus readers
   * (the report, the overview dashboard) join a check to its tool without parsing the id.
   */
  private readonly stateAttrs = new Map<string, Attributes[]>();
  private readonly idAttrs = new Map<string, Attributes>();
  private readonly durationAttrs = new Map<string, Attributes>();

  private readonly source: GaugeSource;

  constructor(source: GaugeSource, meterProvider?: MeterProvider) {
    this.source = source;
    this.instruments = instrumentsGetter(
      SCOPE_NAMES.healthProbe,
      (meter, provider) => ({
        provider,
        meter,
        duration: createHistogram(meter, HEALTH_CHECK_DURATION),
        status: createObservableGauge(meter, HEALTH_STATUS),
        failures: createObservableGauge(meter, HEALTH_CONSECUTIVE_FAILURES),
      }),
      meterProvider,
    );
    this.current();
  }

  /** Records one run on `toolscope.health.check.duration`. */
  recordDuration(
    id: string,
    tool: string,
    type: string,
    seconds: number,
    errorType: string | undefined,
  ): void {
    const key = `${id}\u0000${tool}\u0000${type}\u0000${errorType ?? ''}`;
    let attrs = this.durationAttrs.get(key);
    if (attrs === undefined) {
      attrs = {
        [ATTR_TOOLSCOPE_HEALTH_CHECK_ID]: id,
        [ATTR_GEN_AI_TOOL_NAME]: tool,
        [ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE]: type,
        ...(errorType !== undefined ? { [ATTR_ERROR_TYPE]: errorType } : {}),
      };
      this.durationAttrs.set(key, attrs);
    }
    this.current().duration.record(seconds, attrs);
  }

  /**
   * Stops reporting the monitor's checks on the gauges, after one last export of their final
   * values: the meter provider in force is flushed first (within
   * `LIMITS.gaugeFinalFlushDeadlineMs`; never rejects). Without it the backend would keep the
   * previous periodic export's states (an `unhealthy` that has since recovered) until they
   * expire, since the exports after `close()`, the provider's shutdown included, no longer
   * carry the gauges.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    // The provider in force now: the callback follows it there first (a provider set up since
    // the last run), and a provider shut down and unregistered since (the no-op one) is
    // not flushed.
    const { provider } = this.current();
    await flushMeterProvider(provider, LIMITS.gaugeFinalFlushDeadlineMs, 'HealthMonitor.close()');
    this.closed = true;
    this.unregister();
  }

  /** The instruments in force; the gauges' callback follows them to a new meter. */
  private current(): Instruments {
    const instruments = this.instruments();
    if (!this.closed && this.registration?.instruments !== instruments) {
      this.unregister();
      const callback: BatchObservableCallback = (result) => {
        for (const c of this.source.gaugeSnapshot()) {
          const sets = this.statusAttributes(c.id, c.tool);
          for (let i = 0; i < STATES.length; i++) {
            result.observe(instruments.status, STATES[i] === c.status ? 1 : 0, sets[i]);
          }
          result.observe(
            instruments.failures,
            c.consecutiveFailures,
            this.checkAttributes(c.id, c.tool),
          );
        }
      };
      instruments.meter.addBatchObservableCallback(callback, [
        instruments.status,
        instruments.failures,
      ]);
      this.registration = { instruments, callback };
    }
    return instruments;
  }

  private unregister(): void {
    const r = this.registration;
    if (r === undefined) return;
    r.instruments.meter.removeBatchObservableCallback(r.callback, [
      r.instruments.status,
      r.instruments.failures,
    ]);
    this.registration = undefined;
  }

  private statusAttributes(id: string, tool: string): Attributes[] {
    const key = `${id}\u0000${tool}`;
    let sets = this.stateAttrs.get(key);
    if (sets === undefined) {
      sets = STATES.map((s) => ({
        [ATTR_TOOLSCOPE_HEALTH_CHECK_ID]: id,
        [ATTR_GEN_AI_TOOL_NAME]: tool,
        [ATTR_TOOLSCOPE_HEALTH_STATE]: s,
      }));
      this.stateAttrs.set(key, sets);
    }
    return sets;
  }

  private checkAttributes(id: string, tool: string): Attributes {
    const key = `${id}\u0000${tool}`;
    let set = this.idAttrs.get(key);
    if (set === undefined) {
      set = { [ATTR_TOOLSCOPE_HEALTH_CHECK_ID]: id, [ATTR_GEN_AI_TOOL_NAME]: tool };
      this.idAttrs.set(key, set);
    }
    return set;
  }
}
