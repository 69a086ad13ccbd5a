/**
 * Recognising the spans another AI SDK telemetry integration opened for a run — in practice
 * `@ai-sdk/otel`'s `OpenTelemetry` (and `LegacyOpenTelemetry`) — so that toolscope records on
 * them instead of opening a second tree.
 *
 * toolscope's integration is the innermost one (index 0 of the AI SDK's integration list), so
 * inside its `executeLanguageModelCall` wrapper the active span is the other integration's
 * model-call span (`chat {model}`, child of `step {n}`, child of `invoke_agent {model}`), and
 * inside its `executeTool` wrapper the other integration's `execute_tool {tool}` span. From
 * callbacks the other integration's spans are never visible (the caller's context is active).
 */
import { type Context, type Span, type SpanContext, trace } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
} from '@toolscope/instrumentation/internal';

/** `gen_ai.operation.name` of a model-call span. */
const OPERATION_CHAT = 'chat';
/** The legacy integration's attribute naming the operation (`ai.generateText.doGenerate`). */
const AI_OPERATION_ID = 'ai.operationId';

interface ReadableLike {
  readonly attributes?: Record<string, unknown>;
  readonly parentSpanContext?: SpanContext;
}

function readable(span: Span | undefined): ReadableLike | undefined {
  const r = span as unknown as ReadableLike | undefined;
  return r !== undefined && r.attributes !== null && typeof r.attributes === 'object'
    ? r
    : undefined;
}

/**
 * When `active` (in toolscope's model-call wrapper) is another integration's model-call span,
 * the context of its parent (the step span): the evidence that the other integration owns the
 * run, and where toolscope puts the spans of calls it records itself (invalid input, unknown
 * tool). Without another integration the caller's span is active there. Never throws.
 */
export function sdkModelCallParent(active: Span | undefined): SpanContext | undefined {
  try {
    if (active === undefined) return undefined;
    const r = readable(active);
    if (r === undefined || r.parentSpanContext === undefined) return undefined;
    const operation = r.attributes?.[ATTR_GEN_AI_OPERATION_NAME];
    const legacy = r.attributes?.[AI_OPERATION_ID];
    const isModelCall =
      operation === OPERATION_CHAT ||
      (typeof legacy === 'string' && /^ai\.(generateText|streamText)\.do/.test(legacy));
    return isModelCall ? r.parentSpanContext : undefined;
  } catch {
    return undefined;
  }
}

/** The parent span context of an adopted span (the run's step or root span). */
export function parentOf(span: Span): SpanContext | undefined {
  try {
    return readable(span)?.parentSpanContext;
  } catch {
    return undefined;
  }
}

/** `parent` with a span of context `spanContext` (not recording) as the active span. */
export function withParentSpan(parent: Context, spanContext: SpanContext): Context {
  return trace.setSpanContext(parent, spanContext);
}

interface CallStateLike {
  readonly rootSpan?: Span;
  readonly stepSpan?: Span;
}

function spanIdOf(span: Span | undefined): string | undefined {
  return typeof span?.spanContext === 'function' ? span.spanContext().spanId : undefined;
}

/**
 * `@ai-sdk/otel`'s `invoke_agent` span of run `callId`, given the context of one of that run's
 * spans seen from a wrapper (`near`: the step span, or the root itself). The AI SDK offers no
 * public way to reach another integration's span objects, so this reads `OpenTelemetry`'s
 * per-run state (`callStates`, a `Map` from the run's call id to `{ rootSpan, stepSpan }`) from
 * the globally registered integrations — the one place toolscope reads another library's
 * internals. A match is accepted only when the span ids agree with what the wrapper saw; when
 * the state is absent or different (another version, a per-call integration list), the run is
 * still recorded, without adopting the span (`gen_ai.invoke_agent.duration` is then measured by
 * toolscope). Never throws.
 */
export function findSdkAgentSpan(callId: string, near: SpanContext): Span | undefined {
  try {
    const list = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown })
      .AI_SDK_TELEMETRY_INTEGRATIONS;
    if (!Array.isArray(list)) return undefined;
    for (const integration of list) {
      const states = (integration as { callStates?: unknown } | null)?.callStates;
      if (!(states instanceof Map)) continue;
      const state = states.get(callId) as CallStateLike | undefined;
      const root = state?.rootSpan;
      if (root === undefined || typeof root.spanContext !== 'function') continue;
      if (root.spanContext().traceId !== near.traceId) continue;
      if (spanIdOf(root) !== near.spanId && spanIdOf(state?.stepSpan) !== near.spanId) continue;
      const operation = readable(root)?.attributes?.[ATTR_GEN_AI_OPERATION_NAME];
      if (operation === GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT) return root;
    }
  } catch {
    // Another library's state is not ours to trust: no adoption.
  }
  return undefined;
}
