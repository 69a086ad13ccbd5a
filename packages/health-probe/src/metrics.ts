import {
  type Attributes,
  type Histogram,
  type MeterProvider,
  metrics,
  ValueType,
} from '@opentelemetry/api';
import { DURATION_BUCKETS_SECONDS, type HealthState } from '@toolscope/instrumentation';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_TOOLSCOPE_HEALTH_CHECK_ID,
  ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE,
  ATTR_TOOLSCOPE_HEALTH_STATE,
  METRIC_TOOLSCOPE_HEALTH_CHECK_DURATION,
  METRIC_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES,
  METRIC_TOOLSCOPE_HEALTH_STATUS,
  PROBE_SCOPE,
  PROBE_VERSION,
} from './semconv.ts';

const STATES: readonly HealthState[] = [
  'healthy',
  'degraded',
  'unhealthy',
  'unknown',
  'maintenance',
];

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

const sources = new Set<GaugeSource>();
let cachedProvider: MeterProvider | undefined;
let duration: Histogram | undefined;

/**
 * Pre-computed attribute sets (metrics take a fixed, small set: no URLs, no session ids).
 * Every health metric carries the check and the tool it reports for, so Prometheus readers
 * (the report, the overview dashboard) join a check to its tool without parsing the id.
 */
const stateAttrs = new Map<string, Attributes[]>();
const idAttrs = new Map<string, Attributes>();
const durationAttrs = new Map<string, Attributes>();

function statusAttributes(id: string, tool: string): Attributes[] {
  const key = `${id}\u0000${tool}`;
  let sets = stateAttrs.get(key);
  if (sets === undefined) {
    sets = STATES.map((s) => ({
      [ATTR_TOOLSCOPE_HEALTH_CHECK_ID]: id,
      [ATTR_GEN_AI_TOOL_NAME]: tool,
      [ATTR_TOOLSCOPE_HEALTH_STATE]: s,
    }));
    stateAttrs.set(key, sets);
  }
  return sets;
}

function checkAttributes(id: string, tool: string): Attributes {
  const key = `${id}\u0000${tool}`;
  let set = idAttrs.get(key);
  if (set === undefined) {
    set = { [ATTR_TOOLSCOPE_HEALTH_CHECK_ID]: id, [ATTR_GEN_AI_TOOL_NAME]: tool };
    idAttrs.set(key, set);
  }
  return set;
}

/**
 * Creates the instruments for the current global meter provider, again whenever it changes:
 * the metrics API has no proxy provider, so instruments made before the SDK registered would
 * stay no-ops forever (same identity check as `@toolscope/instrumentation`'s telemetry).
 */
function ensureInstruments(): Histogram {
  const provider = metrics.getMeterProvider();
  if (provider === cachedProvider && duration !== undefined) return duration;
  cachedProvider = provider;
  const meter = provider.getMeter(PROBE_SCOPE, PROBE_VERSION);
  duration = meter.createHistogram(METRIC_TOOLSCOPE_HEALTH_CHECK_DURATION, {
    description: 'Duration of health check runs',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
  });
  const status = meter.createObservableGauge(METRIC_TOOLSCOPE_HEALTH_STATUS, {
    description:
      'Health status of each check as a state set: 1 for the current state, 0 for the others',
    // `{state}`, not `1`: the collector's Prometheus translation appends `_ratio` to gauges
    // of unit `1`, while an annotation adds no suffix, so the series keeps the contract's
    // name `toolscope_health_status` that the alert rules and dashboards query.
    unit: '{state}',
    valueType: ValueType.INT,
  });
  const failures = meter.createObservableGauge(METRIC_TOOLSCOPE_HEALTH_CONSECUTIVE_FAILURES, {
    description: 'Consecutive failed runs of each check',
    unit: '{failure}',
    valueType: ValueType.INT,
  });
  meter.addBatchObservableCallback(
    (result) => {
      for (const source of sources) {
        for (const c of source.gaugeSnapshot()) {
          const sets = statusAttributes(c.id, c.tool);
          for (let i = 0; i < STATES.length; i++) {
            result.observe(status, STATES[i] === c.status ? 1 : 0, sets[i]);
          }
          result.observe(failures, c.consecutiveFailures, checkAttributes(c.id, c.tool));
        }
      }
    },
    [status, failures],
  );
  return duration;
}

/** Starts reporting a monitor's checks on the gauges. */
export function addGaugeSource(source: GaugeSource): void {
  sources.add(source);
  ensureInstruments();
}

/** Stops reporting a monitor's checks. */
export function removeGaugeSource(source: GaugeSource): void {
  sources.delete(source);
}

/** Records one run on `toolscope.health.check.duration` (and re-checks the provider). */
export function recordDuration(
  id: string,
  tool: string,
  type: string,
  seconds: number,
  errorType: string | undefined,
): void {
  const key = `${id}\u0000${tool}\u0000${type}\u0000${errorType ?? ''}`;
  let attrs = durationAttrs.get(key);
  if (attrs === undefined) {
    attrs = {
      [ATTR_TOOLSCOPE_HEALTH_CHECK_ID]: id,
      [ATTR_GEN_AI_TOOL_NAME]: tool,
      [ATTR_TOOLSCOPE_HEALTH_CHECK_TYPE]: type,
      ...(errorType !== undefined ? { [ATTR_ERROR_TYPE]: errorType } : {}),
    };
    durationAttrs.set(key, attrs);
  }
  ensureInstruments().record(seconds, attrs);
}
