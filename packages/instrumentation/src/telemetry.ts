import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  type Tracer,
  type TracerProvider,
  trace,
  ValueType,
} from '@opentelemetry/api';
import { config } from './config.ts';
import {
  type MetricSnapshot,
  PreAggregatedCounter,
  PreAggregatedHistogram,
} from './metrics/pre-aggregated.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_TOOLSCOPE_PAYLOAD_DIRECTION,
  ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR,
  ATTR_TOOLSCOPE_WORKFLOW_OUTCOME,
  DURATION_BUCKETS_SECONDS,
  ERROR_TYPE_VALUE_OTHER,
  INSTRUMENTATION_SCOPE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_TOOLSCOPE_TOOL_FALLBACKS,
  METRIC_TOOLSCOPE_TOOL_PAYLOAD_SIZE,
  METRIC_TOOLSCOPE_TOOL_RETRIES,
  METRIC_TOOLSCOPE_WORKFLOW_EXECUTIONS,
  PAYLOAD_BUCKETS_BYTES,
} from './semconv.ts';
import type { ToolType, WorkflowOutcome } from './types.ts';

const VERSION = '0.1.0';

/** The synchronous instruments the hot path records into. */
export interface Recorders {
  readonly toolDuration: Histogram;
  readonly workflowDuration: Histogram;
  readonly workflowExecutions: Counter;
  readonly toolRetries: Counter;
  readonly toolFallbacks: Counter;
  readonly payloadSize: Histogram;
}

/** The instruments of one meter provider. */
export interface Instruments extends Recorders {
  readonly meter: Meter;
}

let cachedTracerProvider: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;
let cachedMeterProvider: MeterProvider | undefined;
let cachedInstruments: Instruments | undefined;
const instrumentHooks: ((meter: Meter) => void)[] = [];

/** The tracer, looked up on each call so that wrapping before SDK set-up works. */
export function getTracer(): Tracer {
  const provider = config.tracerProvider ?? trace.getTracerProvider();
  if (provider !== cachedTracerProvider || cachedTracer === undefined) {
    cachedTracerProvider = provider;
    cachedTracer = provider.getTracer(INSTRUMENTATION_SCOPE, VERSION);
  }
  return cachedTracer;
}

/**
 * Registers a callback run with every new meter (now, if a meter exists, and whenever the
 * meter provider changes): how observable instruments such as `toolscope.alerts.active`
 * follow late SDK registration.
 */
export function onMeter(hook: (meter: Meter) => void): void {
  instrumentHooks.push(hook);
  if (cachedInstruments !== undefined) hook(cachedInstruments.meter);
}

/**
 * The instruments for the current meter provider, created on first use and re-created when
 * the provider changes (the metrics API has no proxy provider: instruments made from the
 * no-op provider before set-up would stay no-ops forever).
 */
export function getInstruments(): Instruments {
  const provider = config.meterProvider ?? metrics.getMeterProvider();
  if (provider === cachedMeterProvider && cachedInstruments !== undefined) {
    return cachedInstruments;
  }
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE, VERSION);
  cachedMeterProvider = provider;
  cachedInstruments = {
    meter,
    toolDuration: meter.createHistogram(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, {
      description: 'Duration of tool executions',
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
    }),
    workflowDuration: meter.createHistogram(METRIC_GEN_AI_WORKFLOW_DURATION, {
      description: 'Duration of workflow runs',
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
    }),
    workflowExecutions: meter.createCounter(METRIC_TOOLSCOPE_WORKFLOW_EXECUTIONS, {
      description: 'Workflow runs by outcome',
      unit: '{execution}',
      valueType: ValueType.INT,
    }),
    toolRetries: meter.createCounter(METRIC_TOOLSCOPE_TOOL_RETRIES, {
      description: 'Retry attempts of tool calls',
      unit: '{retry}',
      valueType: ValueType.INT,
    }),
    toolFallbacks: meter.createCounter(METRIC_TOOLSCOPE_TOOL_FALLBACKS, {
      description: 'Tool calls made as a fallback for another tool',
      unit: '{fallback}',
      valueType: ValueType.INT,
    }),
    payloadSize: meter.createHistogram(METRIC_TOOLSCOPE_TOOL_PAYLOAD_SIZE, {
      description: 'Size of tool inputs and outputs',
      unit: 'By',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [...PAYLOAD_BUCKETS_BYTES] },
    }),
  };
  for (const hook of instrumentHooks) hook(meter);
  return cachedInstruments;
}

// ---------------------------------------------------------------------------------------
// Pre-aggregated mode
// ---------------------------------------------------------------------------------------

/** Pre-aggregated recorders and the time their cumulative series start. */
export interface PreAggregatedMetrics {
  readonly startTimeMs: number;
  /** Every metric toolscope records, with its series so far (cumulative). */
  snapshot(): MetricSnapshot[];
}

let preAggregated: (PreAggregatedMetrics & { recorders: Recorders }) | undefined;

/**
 * Switches the hot path from SDK instruments to pre-aggregated cells (see
 * `metrics/pre-aggregated.ts`) and returns the handle a MetricProducer reads. Only a
 * MetricProducer that is attached to a reader may call this (`@toolscope/node` does):
 * otherwise the metrics would be recorded but never exported. Idempotent.
 */
export function enablePreAggregatedMetrics(): PreAggregatedMetrics {
  if (preAggregated === undefined) {
    const recorders: Recorders = {
      toolDuration: new PreAggregatedHistogram(
        METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
        'Duration of tool executions',
        's',
        DURATION_BUCKETS_SECONDS,
      ),
      workflowDuration: new PreAggregatedHistogram(
        METRIC_GEN_AI_WORKFLOW_DURATION,
        'Duration of workflow runs',
        's',
        DURATION_BUCKETS_SECONDS,
      ),
      workflowExecutions: new PreAggregatedCounter(
        METRIC_TOOLSCOPE_WORKFLOW_EXECUTIONS,
        'Workflow runs by outcome',
        '{execution}',
      ),
      toolRetries: new PreAggregatedCounter(
        METRIC_TOOLSCOPE_TOOL_RETRIES,
        'Retry attempts of tool calls',
        '{retry}',
      ),
      toolFallbacks: new PreAggregatedCounter(
        METRIC_TOOLSCOPE_TOOL_FALLBACKS,
        'Tool calls made as a fallback for another tool',
        '{fallback}',
      ),
      payloadSize: new PreAggregatedHistogram(
        METRIC_TOOLSCOPE_TOOL_PAYLOAD_SIZE,
        'Size of tool inputs and outputs',
        'By',
        PAYLOAD_BUCKETS_BYTES,
        true,
      ),
    };
    const all = Object.values(recorders) as (PreAggregatedHistogram | PreAggregatedCounter)[];
    preAggregated = {
      recorders,
      startTimeMs: Date.now(),
      snapshot: () => all.map((r) => r.snapshot()),
    };
  }
  return preAggregated;
}

/** Back to SDK instruments (the pre-aggregated series are dropped). */
export function disablePreAggregatedMetrics(): void {
  preAggregated = undefined;
}

/** What the hot path records into: pre-aggregated cells when enabled, else SDK instruments. */
export function getRecorders(): Recorders {
  return preAggregated !== undefined ? preAggregated.recorders : getInstruments();
}

// ---------------------------------------------------------------------------------------
// Cardinality guard and pre-computed metric attribute sets
// ---------------------------------------------------------------------------------------

/** Pre-computed metric attribute sets of one tool (metrics take a fixed, small subset). */
export interface ToolMetricAttributes {
  /** The name used on metrics (`_OTHER` once the guard folded it). */
  readonly metricName: string;
  /** Attributes of a successful call. */
  readonly ok: Attributes;
  /** Attributes of a failed call, by `error.type` (bounded). */
  readonly failed: Map<string, Attributes>;
  readonly retry: Attributes;
  readonly input: Attributes;
  readonly output: Attributes;
  readonly fallbacks: Map<string, Attributes>;
}

const MAX_ERROR_TYPES_PER_TOOL = 50;
/** Attribute sets by metric name (admitted names and `_OTHER`): bounded by the guard. */
const toolAttrs = new Map<string, ToolMetricAttributes>();
const workflowAttrs = new Map<
  string,
  { outcomes: Map<WorkflowOutcome, Attributes>; ok: Attributes; failed: Map<string, Attributes> }
>();
/** Names admitted onto metrics, tools and workflows together, at most `maxToolNames`. */
const admitted = new Set<string>();

/**
 * The name a tool or workflow has on metrics and in the in-process store: itself while fewer
 * than `maxToolNames` distinct names were seen, `_OTHER` after that. Memory stays bounded:
 * names past the limit are not remembered.
 */
export function metricNameOf(name: string): string {
  if (admitted.has(name)) return name;
  if (admitted.size < config.maxToolNames) {
    admitted.add(name);
    return name;
  }
  return ERROR_TYPE_VALUE_OTHER;
}

/**
 * The metric attribute sets of a tool. Every name folded into `_OTHER` shares one set per
 * tool type, so pre-aggregated cells (found by object identity) stay one series.
 */
export function toolMetricAttributes(name: string, type: ToolType): ToolMetricAttributes {
  const metricName = metricNameOf(name);
  const key = type === 'function' ? metricName : `${metricName}\u0000${type}`;
  let attrs = toolAttrs.get(key);
  if (attrs === undefined) {
    attrs = {
      metricName,
      ok: { [ATTR_GEN_AI_TOOL_NAME]: metricName, [ATTR_GEN_AI_TOOL_TYPE]: type },
      failed: new Map(),
      retry: { [ATTR_GEN_AI_TOOL_NAME]: metricName },
      input: { [ATTR_GEN_AI_TOOL_NAME]: metricName, [ATTR_TOOLSCOPE_PAYLOAD_DIRECTION]: 'input' },
      output: {
        [ATTR_GEN_AI_TOOL_NAME]: metricName,
        [ATTR_TOOLSCOPE_PAYLOAD_DIRECTION]: 'output',
      },
      fallbacks: new Map(),
    };
    toolAttrs.set(key, attrs);
  }
  return attrs;
}

/**
 * One cached attribute set per value of a bounded dimension: the first `MAX_ERROR_TYPES_PER_TOOL`
 * values keep their own set, later ones share the `_OTHER` set (and are not remembered).
 */
function boundedSet(
  cache: Map<string, Attributes>,
  value: string,
  make: (value: string) => Attributes,
): Attributes {
  let set = cache.get(value);
  if (set === undefined) {
    const kept = cache.size < MAX_ERROR_TYPES_PER_TOOL ? value : ERROR_TYPE_VALUE_OTHER;
    set = cache.get(kept);
    if (set === undefined) {
      set = make(kept);
      cache.set(kept, set);
    }
  }
  return set;
}

/** Attributes of a failed call of the tool; error types past a bound fold into `_OTHER`. */
export function failedAttributes(attrs: ToolMetricAttributes, errorType: string): Attributes {
  return boundedSet(attrs.failed, errorType, (v) => ({ ...attrs.ok, [ATTR_ERROR_TYPE]: v }));
}

/** Attributes of a fallback call of the tool standing in for `fallbackFor` (bounded). */
export function fallbackAttributes(attrs: ToolMetricAttributes, fallbackFor: string): Attributes {
  return boundedSet(attrs.fallbacks, fallbackFor, (v) => ({
    [ATTR_GEN_AI_TOOL_NAME]: attrs.metricName,
    [ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR]: v,
  }));
}

/** Attribute sets of a workflow run: the executions counter's and the duration histogram's. */
export function workflowAttributes(
  name: string,
  outcome: WorkflowOutcome,
  errorType: string | undefined,
): { counter: Attributes; duration: Attributes } {
  const metricName = metricNameOf(name);
  let sets = workflowAttrs.get(metricName);
  if (sets === undefined) {
    sets = {
      outcomes: new Map(),
      ok: { [ATTR_GEN_AI_WORKFLOW_NAME]: metricName },
      failed: new Map(),
    };
    workflowAttrs.set(metricName, sets);
  }
  let counter = sets.outcomes.get(outcome);
  if (counter === undefined) {
    counter = {
      [ATTR_GEN_AI_WORKFLOW_NAME]: metricName,
      [ATTR_TOOLSCOPE_WORKFLOW_OUTCOME]: outcome,
    };
    sets.outcomes.set(outcome, counter);
  }
  const ok = sets.ok;
  const duration =
    errorType === undefined
      ? ok
      : boundedSet(sets.failed, errorType, (v) => ({ ...ok, [ATTR_ERROR_TYPE]: v }));
  return { counter, duration };
}

/** Forgets the folded-name bookkeeping (tests). */
export function resetCardinality(): void {
  toolAttrs.clear();
  workflowAttrs.clear();
  admitted.clear();
}
