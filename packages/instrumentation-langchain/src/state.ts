/**
 * The one process-wide switchboard of this package: which features are on, as the union of the
 * enabled `LangChainInstrumentation` instances. Kept on `globalThis` under a registered symbol,
 * so two copies of this package in one process (or its ESM and CommonJS builds) share it, just
 * as they share the patched LangChain prototypes. The patched methods read it on every call.
 */
import { createContextKey } from '@opentelemetry/api';

/** What one enabled instance asks for. */
export interface FeatureRequest {
  readonly agentRuns: boolean;
  readonly workflowSteps: boolean;
}

/** The union of what the enabled instances ask for; all false when none is enabled. */
export interface SharedState {
  /** Any instance enabled: tool calls are traced. */
  active: boolean;
  agentRuns: boolean;
  workflowSteps: boolean;
  readonly requests: Map<object, FeatureRequest>;
}

const STATE_KEY = Symbol.for('toolscope.instrumentation-langchain.state');

function createState(): SharedState {
  return { active: false, agentRuns: false, workflowSteps: false, requests: new Map() };
}

function sharedState(): SharedState {
  const global = globalThis as Record<symbol, unknown>;
  if (global[STATE_KEY] === undefined) global[STATE_KEY] = createState();
  return global[STATE_KEY] as SharedState;
}

/** The shared state. */
export const state: SharedState = sharedState();

/** Records what `owner` asks for (or, with `undefined`, that it was disabled). */
export function request(owner: object, features: FeatureRequest | undefined): void {
  if (features === undefined) state.requests.delete(owner);
  else state.requests.set(owner, features);
  let agentRuns = false;
  let workflowSteps = false;
  for (const r of state.requests.values()) {
    agentRuns ||= r.agentRuns;
    workflowSteps ||= r.workflowSteps;
  }
  state.active = state.requests.size > 0;
  state.agentRuns = agentRuns;
  state.workflowSteps = workflowSteps;
}

/**
 * Set by a LangGraph `ToolNode` around a call of a tool it does not have: a LangChain tool that
 * runs anyway (one supplied by middleware) marks it reached, so the call is not recorded twice.
 */
export const PROBE_KEY = createContextKey('toolscope.langchain.unknown_tool_probe');

/** What `PROBE_KEY` holds. */
export interface Probe {
  reached: boolean;
}

/**
 * Set in the context of an outermost LangChain run that reports workflow steps (a sequence or
 * a graph inside a toolscope workflow): runs nested in it leave the counting to it.
 */
export const STEPS_KEY = createContextKey('toolscope.langchain.steps');
