/**
 * The instruments the core's hot path records into: SDK instruments of the current meter
 * provider, or — when a MetricProducer reads them (`@toolscope/node` sets this up) —
 * pre-aggregated cells (`pre-aggregated.ts`). Both are made from the catalogue's entries.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { instrumentsGetter } from '../providers.ts';
import { ATTR_TOOLSCOPE_TRUNCATION_SITE, INSTRUMENTATION_SCOPE } from '../semconv.ts';
import { onTruncation, type TruncationSite } from '../shared/bound.ts';
import {
  AGENT_DURATION,
  MCP_CLIENT_OPERATION_DURATION,
  MCP_CLIENT_SESSION_DURATION,
  MCP_SERVER_OPERATION_DURATION,
  MCP_SERVER_SESSION_DURATION,
  type MetricDefinition,
  PAYLOAD_SIZE,
  TOOL_DURATION,
  TOOL_FALLBACKS,
  TOOL_RETRIES,
  VALUES_TRUNCATED,
  WORKFLOW_DURATION,
  WORKFLOW_EXECUTIONS,
} from './catalogue.ts';
import { createCounter, createHistogram } from './create.ts';
import {
  type HistogramAggregation,
  type MetricSnapshot,
  PreAggregatedCounter,
  PreAggregatedExponentialHistogram,
  PreAggregatedHistogram,
} from './pre-aggregated.ts';

/** The synchronous instruments the hot path records into. */
export interface Recorders {
  readonly toolDuration: Histogram;
  readonly workflowDuration: Histogram;
  readonly agentDuration: Histogram;
  readonly workflowExecutions: Counter;
  readonly toolRetries: Counter;
  readonly toolFallbacks: Counter;
  readonly payloadSize: Histogram;
  readonly valuesTruncated: Counter;
  /** The MCP histograms, recorded by `@toolscope/instrumentation-mcp`. */
  readonly mcpClientOperation: Histogram;
  readonly mcpServerOperation: Histogram;
  readonly mcpClientSession: Histogram;
  readonly mcpServerSession: Histogram;
}

/** Which catalogue entry each recorder is. */
const RECORDERS: Readonly<Record<keyof Recorders, MetricDefinition>> = {
  toolDuration: TOOL_DURATION,
  workflowDuration: WORKFLOW_DURATION,
  agentDuration: AGENT_DURATION,
  workflowExecutions: WORKFLOW_EXECUTIONS,
  toolRetries: TOOL_RETRIES,
  toolFallbacks: TOOL_FALLBACKS,
  payloadSize: PAYLOAD_SIZE,
  valuesTruncated: VALUES_TRUNCATED,
  mcpClientOperation: MCP_CLIENT_OPERATION_DURATION,
  mcpServerOperation: MCP_SERVER_OPERATION_DURATION,
  mcpClientSession: MCP_CLIENT_SESSION_DURATION,
  mcpServerSession: MCP_SERVER_SESSION_DURATION,
};

const meterHooks: ((meter: Meter) => void)[] = [];
let currentMeter: Meter | undefined;

/** The SDK instruments of the current meter provider (re-made when it changes). */
export const getInstruments: () => Recorders = instrumentsGetter(INSTRUMENTATION_SCOPE, (meter) => {
  const made: Record<string, Histogram | Counter> = {};
  for (const [key, def] of Object.entries(RECORDERS)) {
    made[key] = def.kind === 'histogram' ? createHistogram(meter, def) : createCounter(meter, def);
  }
  currentMeter = meter;
  for (const hook of meterHooks) hook(meter);
  return made as unknown as Recorders;
});

/**
 * Registers a callback run with every new core meter (now, if one exists, and whenever the
 * meter provider changes): how observable instruments such as `toolscope.alerts.active`
 * follow late SDK registration.
 */
export function onMeter(hook: (meter: Meter) => void): void {
  meterHooks.push(hook);
  if (currentMeter !== undefined) hook(currentMeter);
}

/** Pre-aggregated recorders and the time their cumulative series start. */
export interface PreAggregatedMetrics {
  readonly startTimeMs: number;
  /** How the histograms aggregate (every histogram of the hot path: durations and sizes). */
  readonly histograms: HistogramAggregation;
  /** Every metric toolscope records, with its series so far (cumulative). */
  snapshot(): MetricSnapshot[];
}

let preAggregated: (PreAggregatedMetrics & { recorders: Recorders }) | undefined;

/**
 * Switches the hot path from SDK instruments to pre-aggregated cells and returns the handle a
 * MetricProducer reads. Only a MetricProducer attached to a reader may call this
 * (`@toolscope/node` does): otherwise the metrics would be recorded but never exported.
 * Idempotent; `histograms` (explicit unless given) starts the series afresh when it differs
 * from the aggregation in force, and is left as it is when omitted.
 */
export function enablePreAggregatedMetrics(
  histograms?: HistogramAggregation,
): PreAggregatedMetrics {
  if (
    preAggregated === undefined ||
    (histograms !== undefined && histograms !== preAggregated.histograms)
  ) {
    const aggregation = histograms ?? 'explicit';
    const made: Record<string, { snapshot(): MetricSnapshot }> = {};
    for (const [key, def] of Object.entries(RECORDERS)) {
      if (def.kind !== 'histogram') {
        made[key] = new PreAggregatedCounter(def.name, def.description, def.unit);
      } else if (aggregation === 'exponential') {
        made[key] = new PreAggregatedExponentialHistogram(
          def.name,
          def.description,
          def.unit,
          def.integer,
        );
      } else {
        made[key] = new PreAggregatedHistogram(
          def.name,
          def.description,
          def.unit,
          def.buckets ?? [],
          def.integer,
        );
      }
    }
    const all = Object.values(made);
    preAggregated = {
      recorders: made as unknown as Recorders,
      startTimeMs: Date.now(),
      histograms: aggregation,
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

const siteAttributes = new Map<TruncationSite, Attributes>();

// Every cut of a value from outside (`shared/bound.ts`) counts on `toolscope.values.truncated`.
onTruncation((site) => {
  let attrs = siteAttributes.get(site);
  if (attrs === undefined) {
    attrs = { [ATTR_TOOLSCOPE_TRUNCATION_SITE]: site };
    siteAttributes.set(site, attrs);
  }
  getRecorders().valuesTruncated.add(1, attrs);
});
