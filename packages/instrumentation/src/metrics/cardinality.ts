/**
 * The cardinality guard and the pre-computed metric attribute sets of tools and workflows:
 * metrics take a fixed, small attribute subset, built once per name and reused (pre-aggregated
 * cells are found by the attribute object's identity).
 */
import type { Attributes } from '@opentelemetry/api';
import { config } from '../config.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_TOOLSCOPE_PAYLOAD_DIRECTION,
  ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR,
  ATTR_TOOLSCOPE_WORKFLOW_OUTCOME,
  ERROR_TYPE_VALUE_OTHER,
} from '../semconv.ts';
import { LIMITS } from '../shared/limits.ts';
import type { ToolType, WorkflowOutcome } from '../types.ts';

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

const MAX_ERROR_TYPES_PER_TOOL = LIMITS.errorTypesPerTool;
/**
 * Attribute sets by tool type, then metric name (admitted names and `_OTHER`): bounded by the
 * guard. Two levels rather than a joined key: no string is built on the hot path.
 */
const toolAttrs = new Map<ToolType, Map<string, ToolMetricAttributes>>();
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
 * Whether `name` already has its own place on metrics (`metricNameOf` admitted it). Asking
 * takes no place: for names a peer sends that must not crowd out the process's own.
 */
export function isMetricName(name: string): boolean {
  return admitted.has(name);
}

/**
 * The metric attribute sets of a tool. Every name folded into `_OTHER` shares one set per
 * tool type, so pre-aggregated cells (found by object identity) stay one series.
 */
export function toolMetricAttributes(name: string, type: ToolType): ToolMetricAttributes {
  const metricName = metricNameOf(name);
  let byName = toolAttrs.get(type);
  if (byName === undefined) {
    byName = new Map();
    toolAttrs.set(type, byName);
  }
  let attrs = byName.get(metricName);
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
    byName.set(metricName, attrs);
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

/**
 * The `error.type` a failed call of the tool has on metrics and in the store: itself for the
 * first `LIMITS.errorTypesPerTool` types of the tool, `_OTHER` after that.
 */
export function boundedErrorType(name: string, type: ToolType, errorType: string): string {
  return failedAttributes(toolMetricAttributes(name, type), errorType)[ATTR_ERROR_TYPE] as string;
}

/** The `fallback_for` a fallback call of the tool has on metrics and in the store (bounded). */
export function boundedFallbackFor(name: string, type: ToolType, fallbackFor: string): string {
  return fallbackAttributes(toolMetricAttributes(name, type), fallbackFor)[
    ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR
  ] as string;
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

const agentAttrs = new Map<string, { ok: Attributes; failed: Map<string, Attributes> }>();

/** Attribute set of an agent invocation's duration (agent names share the guard). */
export function agentAttributes(name: string, errorType: string | undefined): Attributes {
  const metricName = metricNameOf(name);
  let sets = agentAttrs.get(metricName);
  if (sets === undefined) {
    sets = { ok: { [ATTR_GEN_AI_AGENT_NAME]: metricName }, failed: new Map() };
    agentAttrs.set(metricName, sets);
  }
  const ok = sets.ok;
  return errorType === undefined
    ? ok
    : boundedSet(sets.failed, errorType, (v) => ({ ...ok, [ATTR_ERROR_TYPE]: v }));
}

/** Forgets the folded-name bookkeeping (tests). */
export function resetCardinality(): void {
  toolAttrs.clear();
  workflowAttrs.clear();
  agentAttrs.clear();
  admitted.clear();
}
