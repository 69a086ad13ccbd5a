/**
 * "Adopt, don't duplicate": the one rule by which toolscope records a tool call on a span that
 * another instrumentation already opened for it, instead of opening a second one. Used by
 * `traceTool`/`withTool`, by the framework integrations (AI SDK, OpenAI Agents, LangChain) and
 * by the MCP instrumentation.
 *
 * A tool call adopts, in this order:
 * 1. toolscope's own invocation of the same tool (same name, or same call id) active in the
 *    context — a wrapper inside a wrapper, or a user's `traceTool` inside a tool an integration
 *    traces: the inner call joins the outer one (one span, one histogram point);
 * 2. the active span, when another library opened it for the same call: an `execute_tool`
 *    span (`gen_ai.operation.name=execute_tool`, or the AI SDK's legacy `ai.toolCall`) with
 *    the same `gen_ai.tool.name`, or the same `gen_ai.tool.call.id` / `ai.toolCall.id`;
 * 3. toolscope's invocation registered under the call id by an integration that can only
 *    observe (a trace processor, a callback handler) and cannot make its span the active one:
 *    the call joins it.
 *
 * Only spans that expose their attributes (the OpenTelemetry SDK's spans do) can be matched by
 * rule 2; any other span is never adopted, nor is a tool span of toolscope's core scope (one
 * toolscope records itself: met without its invocation in the context, inside a call that
 * hands its request to a transport, a call of the same tool there is another call).
 */
import type { Context, Span } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import { TOOL_KEY } from './keys.ts';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  INSTRUMENTATION_SCOPE,
} from './semconv.ts';

/** The AI SDK's legacy tool span attributes (`LegacyOpenTelemetry`, `ai.toolCall` spans). */
const AI_TOOL_CALL_ID = 'ai.toolCall.id';
const AI_TOOL_CALL_NAME = 'ai.toolCall.name';

/** What toolscope keeps about an invocation a nested call can join. */
export interface JoinableInvocation {
  readonly name: string;
  readonly callId: string | undefined;
  readonly span: Span;
}

/** A span as the SDK exposes it: readable name, attributes and end state. */
interface ReadableSpanLike {
  readonly name?: unknown;
  readonly attributes?: Record<string, unknown>;
  readonly instrumentationScope?: { readonly name?: unknown };
  readonly ended?: unknown;
}

/** The outcome of the rule for one call. */
export type Adoption =
  | { readonly kind: 'none' }
  | { readonly kind: 'join'; readonly invocation: JoinableInvocation }
  | { readonly kind: 'span'; readonly span: Span };

const NONE: Adoption = { kind: 'none' };

/**
 * Invocations opened by observe-only integrations, by call id; bounded, removed when they end.
 */
const byCallId = new Map<string, JoinableInvocation>();
const MAX_REGISTERED = 10_000;

/**
 * Registers `invocation` as tool call `callId`, so a `traceTool` running inside that call with
 * the same call id joins it although its span is not the active one. Returns the function that
 * unregisters it (called when the invocation ends). Past 10 000 open registrations the oldest
 * is forgotten.
 */
export function registerToolCall(callId: string, invocation: JoinableInvocation): () => void {
  if (byCallId.size >= MAX_REGISTERED) {
    const oldest = byCallId.keys().next().value;
    if (oldest !== undefined) byCallId.delete(oldest);
  }
  byCallId.set(callId, invocation);
  return () => {
    if (byCallId.get(callId) === invocation) byCallId.delete(callId);
  };
}

/** Same call: by call id when both sides know it, else by tool name. */
function sameCall(
  name: string,
  callId: string | undefined,
  otherName: unknown,
  otherCallId: unknown,
): boolean {
  if (callId !== undefined && otherCallId !== undefined) return otherCallId === callId;
  return otherName === name;
}

/** Whether `span` is another library's span for this tool call (rule 2). */
export function isSpanOfToolCall(span: Span, name: string, callId: string | undefined): boolean {
  const readable = span as unknown as ReadableSpanLike;
  const attrs = readable.attributes;
  if (attrs === null || typeof attrs !== 'object' || readable.ended === true) return false;
  const isToolSpan =
    attrs[ATTR_GEN_AI_OPERATION_NAME] === GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL ||
    attrs[AI_TOOL_CALL_NAME] !== undefined;
  if (!isToolSpan || readable.instrumentationScope?.name === INSTRUMENTATION_SCOPE) return false;
  return sameCall(
    name,
    callId,
    attrs[ATTR_GEN_AI_TOOL_NAME] ?? attrs[AI_TOOL_CALL_NAME],
    attrs[ATTR_GEN_AI_TOOL_CALL_ID] ?? attrs[AI_TOOL_CALL_ID],
  );
}

/**
 * Applies the rule to a call of tool `name` (with `callId` when known) about to start in
 * `parent`. Never throws.
 */
export function adoptionFor(parent: Context, name: string, callId: string | undefined): Adoption {
  try {
    const own = parent.getValue(TOOL_KEY) as JoinableInvocation | undefined;
    if (own !== undefined && sameCall(name, callId, own.name, own.callId)) {
      return { kind: 'join', invocation: own };
    }
    const active = trace.getSpan(parent);
    if (active !== undefined && own?.span !== active && isSpanOfToolCall(active, name, callId)) {
      return { kind: 'span', span: active };
    }
    if (callId !== undefined) {
      const registered = byCallId.get(callId);
      if (registered !== undefined) return { kind: 'join', invocation: registered };
    }
  } catch {
    // A hostile span or context never breaks the call: no adoption.
  }
  return NONE;
}
