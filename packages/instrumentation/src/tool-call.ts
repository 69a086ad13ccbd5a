/**
 * One tool call, from start to end: the span (own or adopted, see `adopt.ts`), the metrics,
 * the in-process store record and the workflow's bookkeeping. `traceTool`/`withTool` run
 * functions through it (`tool.ts`); the framework integrations start and end calls they only
 * observe through `startToolCall`.
 */
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { adoptionFor, type JoinableInvocation, registerToolCall } from './adopt.ts';
import { config } from './config.ts';
import { captureContent, cheapSize } from './content.ts';
import { applyCorrelation } from './correlation.ts';
import { logger, safeExecute } from './diag.ts';
import { errorTypeOf } from './error-type.ts';
import { STEP_KEY, TOOL_KEY, WORKFLOW_KEY } from './keys.ts';
import { emitInvocation, hasInvocationListeners } from './listeners.ts';
import { getTracer } from './providers.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR,
  ATTR_TOOLSCOPE_TOOL_INPUT_SIZE,
  ATTR_TOOLSCOPE_TOOL_OUTPUT_SIZE,
  ATTR_TOOLSCOPE_TOOL_RECORDED,
  ATTR_TOOLSCOPE_TOOL_RETRY_COUNT,
  ERROR_TYPE_VALUE_OTHER,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
} from './semconv.ts';
import { boundName, boundText } from './shared/bound.ts';
import {
  callSeconds,
  clockFor,
  endedSpanSeconds,
  recordError,
  setErrorStatus,
  whenForeignSpanEnds,
} from './span-outcome.ts';
import { recordToolMetrics, recordToolRetries } from './tool-metrics.ts';
import type { ToolInvocation, ToolType } from './types.ts';
import type { FrameworkStep, WorkflowRunImpl } from './workflow-run.ts';

/** What a tool call is, fixed before it starts (validated by the caller). */
export interface ToolCallSpec {
  readonly name: string;
  readonly type: ToolType;
  /** Span kind of a span toolscope opens. */
  readonly kind: SpanKind;
  readonly spanName: string;
  /** Attributes of a span toolscope opens (and set on an adopted one). */
  readonly baseAttributes: Attributes;
  readonly captureContent: boolean | undefined;
  readonly expectedPerformanceMs: number | undefined;
  readonly confidence: number | undefined;
  readonly fallbackFor: string | undefined;
  /** Output size of a result, when the caller knows how to measure it. */
  readonly outputSize: ((result: unknown) => number | undefined) | undefined;
}

/** `ToolCallSpec.outputSize` of a call whose result is never measured (nothing runs for it). */
export const NO_OUTPUT_SIZE = (): undefined => undefined;

/** How one call starts. */
export interface ToolCallStart {
  /** Parent context. @default context.active() */
  readonly parent?: Context;
  /** `gen_ai.tool.call.id` (span only, never metrics). */
  readonly callId?: string;
  /** Start time, epoch ms, for a call observed after the fact. @default now */
  readonly startTime?: number;
  /** Input size in bytes, when known. */
  readonly inputSize?: number;
  /** The arguments, captured only when content capture is on. */
  readonly args?: unknown;
  /**
   * Extra span attributes for this call: a fresh object the call takes over (the spec's base
   * attributes are added to it where it has no value of its own, no copy is made).
   */
  readonly attributes?: Attributes;
  /**
   * Nothing of the caller's runs inside the call (a request handed to a transport): the context
   * of a call with its own span carries the span but not the invocation, one context fewer per
   * call. A call of the same tool in that context (an in-process server's own tool code) is
   * then a call of its own.
   */
  readonly leaf?: boolean;
}

/** How one call ended. */
export interface ToolCallEnd {
  /** The thrown value of a failed call. */
  readonly error?: unknown;
  /** Marks the call failed without a thrown value (overrides `error`'s type when both). */
  readonly errorType?: string;
  /** Message for a failure given by `errorType` (peer text: bounded). */
  readonly message?: string;
  /** The result of a successful call (sizes; content when capture is on). */
  readonly result?: unknown;
  /** End time, epoch ms, for a call observed after the fact. @default now */
  readonly endTime?: number;
}

/** A started tool call. */
export interface ToolCallHandle {
  /** The live handle users see (`currentToolInvocation()`, `withTool`'s callback). */
  readonly invocation: ToolInvocation;
  /** The span the call is recorded on: toolscope's own, or the one it adopted. */
  readonly span: Span;
  /** The context to run the call's work in (the span active, the invocation findable). */
  readonly context: Context;
  /** `'own'` span, an adopted `'span'`, or `'join'`ed into an enclosing toolscope call. */
  readonly mode: 'own' | 'span' | 'join';
  /** Ends the call once (later calls are ignored). Never throws. */
  end(outcome?: ToolCallEnd): void;
}

/** Epoch milliseconds with sub-millisecond precision (the performance clock). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The state of one tool call; also the `ToolInvocation` handle users see. */
export class ToolInvocationImpl implements ToolInvocation, JoinableInvocation {
  readonly span: Span;
  readonly callId: string | undefined;
  retryCount = 0;
  private readonly spec: ToolCallSpec;
  /** The call's own clock (`clockFor`): NaN when its span gives the duration. */
  private readonly startMs: number;
  /** Epoch ms start of a call observed after the fact. */
  private readonly startTimeMs: number | undefined;
  private readonly workflow: WorkflowRunImpl | undefined;
  /** Whether the call runs directly in the workflow (a plain-code step), not inside a tool. */
  private readonly topLevel: boolean;
  /** The framework step the call is made in; a failed call fails it. */
  private readonly step: FrameworkStep | undefined;
  private readonly adopted: boolean;
  private fallbackFor: string | undefined;
  private inputSize: number | undefined;
  private outputSize: number | undefined;
  private failure: { errorType: string; message: string | undefined } | undefined;
  private unregister: (() => void) | undefined;
  private ended = false;

  constructor(
    spec: ToolCallSpec,
    span: Span,
    parent: Context,
    callId: string | undefined,
    adopted: boolean,
    startTimeMs?: number,
  ) {
    this.spec = spec;
    this.span = span;
    this.callId = callId;
    this.adopted = adopted;
    this.workflow = parent.getValue(WORKFLOW_KEY) as WorkflowRunImpl | undefined;
    const tool = parent.getValue(TOOL_KEY);
    this.topLevel = tool === undefined;
    // The framework step this call is made directly in (not inside another tool call of it).
    const step =
      this.workflow === undefined
        ? undefined
        : (parent.getValue(STEP_KEY) as FrameworkStep | undefined);
    this.step = step !== undefined && step.tool === tool ? step : undefined;
    // An adopted span's duration is its owner's: the call keeps its own clock for it.
    this.startMs = adopted ? performance.now() : clockFor(span);
    this.startTimeMs = startTimeMs;
    this.fallbackFor = spec.fallbackFor;
  }

  get name(): string {
    return this.spec.name;
  }

  /** Lets a nested call with the same call id join this one while it runs. */
  register(): void {
    if (this.callId !== undefined) this.unregister = registerToolCall(this.callId, this);
  }

  recordRetry(errorType?: string): void {
    this.retryCount++;
    try {
      this.span.addEvent('retry', {
        'toolscope.retry.attempt': this.retryCount,
        ...(errorType !== undefined
          ? { [ATTR_ERROR_TYPE]: boundName(errorType, 'error.type') }
          : {}),
      });
      recordToolRetries(this.spec.name, this.spec.type, 1);
    } catch (err) {
      logger.error('recordRetry failed; ignored', err);
    }
  }

  markFallbackFor(toolName: string): void {
    if (typeof toolName !== 'string' || toolName === '') return;
    this.fallbackFor = toolName;
    this.span.setAttribute(ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR, toolName);
  }

  setInputSize(bytes: number): void {
    if (Number.isFinite(bytes) && bytes >= 0) this.inputSize = bytes;
  }

  setOutputSize(bytes: number): void {
    if (Number.isFinite(bytes) && bytes >= 0) this.outputSize = bytes;
  }

  fail(errorType: string, message?: string): void {
    this.failure = {
      errorType: errorType ? boundName(errorType, 'error.type') : ERROR_TYPE_VALUE_OTHER,
      message: message === undefined ? undefined : boundText(message, 'error.message'),
    };
  }

  clearFailure(): void {
    this.failure = undefined;
  }

  setAttributes(attributes: Attributes): void {
    this.span.setAttributes(attributes);
  }

  /**
   * Ends the call once: span (own only), metrics, store, workflow. Never throws. `errorTypeOverride`
   * replaces the thrown value's type (a framework's exception whose `name` is plain `Error`).
   */
  finish(
    error: unknown,
    hasError: boolean,
    result: unknown,
    givenEndTime?: number,
    errorTypeOverride?: string,
  ): void {
    if (this.ended) return;
    // A call given its start time ends on the same clock, to the microsecond, when no end time
    // is given (the SDK would take Date.now(): milliseconds, on the wall clock).
    const endTime = givenEndTime ?? (this.startTimeMs !== undefined ? preciseNow() : undefined);
    this.ended = true;
    this.unregister?.();

    const span = this.span;
    const spec = this.spec;
    let errorType: string | undefined;
    if (hasError) {
      errorType = boundName(errorTypeOverride ?? errorTypeOf(error), 'error.type');
      // An adopted span's owner records the exception itself; toolscope adds status and type.
      if (this.adopted) setErrorStatus(span, error);
      else recordError(span, error, errorTypeOverride === undefined ? undefined : errorType);
    } else if (this.failure !== undefined) {
      errorType = this.failure.errorType;
      if (!this.adopted)
        span.addEvent('exception', {
          'exception.type': errorType,
          ...(this.failure.message !== undefined
            ? { 'exception.message': this.failure.message }
            : {}),
        });
      span.setStatus({ code: SpanStatusCode.ERROR, message: this.failure.message });
    } else {
      const fn = spec.outputSize;
      if (this.outputSize === undefined && fn !== NO_OUTPUT_SIZE) {
        this.outputSize =
          fn !== undefined
            ? safeExecute(`outputSize of ${spec.name}`, () => fn(result), undefined)
            : cheapSize(result);
      }
      if (spec.captureContent ?? config.captureContent) {
        captureContent(span, ATTR_GEN_AI_TOOL_CALL_RESULT, 'result', spec.name, result);
      }
    }
    // One setAttribute per known value: no object is built on the hot path.
    if (errorType !== undefined) span.setAttribute(ATTR_ERROR_TYPE, errorType);
    if (this.retryCount > 0) span.setAttribute(ATTR_TOOLSCOPE_TOOL_RETRY_COUNT, this.retryCount);
    if (this.inputSize !== undefined) {
      span.setAttribute(ATTR_TOOLSCOPE_TOOL_INPUT_SIZE, this.inputSize);
    }
    if (this.outputSize !== undefined) {
      span.setAttribute(ATTR_TOOLSCOPE_TOOL_OUTPUT_SIZE, this.outputSize);
    }
    this.workflow?.noteTool(spec.name, errorType === undefined, this.topLevel);
    if (errorType !== undefined) this.step?.noteToolFailure();
    if (this.adopted) {
      // The owner ends the span: the histogram gets the span's own duration when it does.
      const measuredS = this.measuredSeconds(endTime);
      whenForeignSpanEnds(span, (seconds) => this.record(seconds ?? measuredS, errorType, endTime));
    } else {
      if (endTime !== undefined) span.end(endTime);
      else span.end();
      // One duration: the histogram point is the span's duration (SDK spans expose it).
      this.record(endedSpanSeconds(span) ?? this.measuredSeconds(endTime), errorType, endTime);
    }
  }

  /** The call's own measure, taken now: used when the span has no duration to give. */
  private measuredSeconds(endTime: number | undefined): number {
    return endTime !== undefined && this.startTimeMs !== undefined
      ? Math.max(0, endTime - this.startTimeMs) / 1000
      : callSeconds(this.span, this.startMs);
  }

  private record(durationS: number, errorType: string | undefined, endTime?: number): void {
    const spec = this.spec;
    recordToolMetrics(
      spec.name,
      spec.type,
      durationS,
      errorType,
      this.inputSize,
      this.outputSize,
      this.fallbackFor,
    );
    if (hasInvocationListeners()) {
      emitInvocation({
        kind: 'tool',
        name: spec.name,
        toolType: spec.type,
        durationS,
        endTimeMs: endTime ?? Date.now(),
        errorType,
        retryCount: this.retryCount,
        fallbackFor: this.fallbackFor,
        inputSize: this.inputSize,
        outputSize: this.outputSize,
        expectedPerformanceMs: spec.expectedPerformanceMs,
        confidence: spec.confidence,
        workflow: this.workflow?.name,
      });
    }
  }
}

/** The handle of a call toolscope records (own or adopted span): a class, no closures per call. */
class CallHandle implements ToolCallHandle {
  readonly invocation: ToolInvocationImpl;
  readonly span: Span;
  readonly context: Context;
  readonly mode: 'own' | 'span';
  private readonly toolName: string;

  constructor(
    invocation: ToolInvocationImpl,
    span: Span,
    ctx: Context,
    mode: 'own' | 'span',
    toolName: string,
  ) {
    this.invocation = invocation;
    this.span = span;
    this.context = ctx;
    this.mode = mode;
    this.toolName = toolName;
  }

  end(outcome: ToolCallEnd = {}): void {
    try {
      const hasError = 'error' in outcome;
      if (outcome.errorType !== undefined && !hasError) {
        this.invocation.fail(outcome.errorType, outcome.message);
      }
      this.invocation.finish(
        outcome.error,
        hasError,
        outcome.result,
        outcome.endTime,
        hasError ? outcome.errorType : undefined,
      );
    } catch (err) {
      logger.error(`ending tool call ${this.toolName} failed; ignored`, err);
    }
  }
}

/** A handle of a call that joined an enclosing toolscope call: it records nothing itself. */
function joinedHandle(invocation: JoinableInvocation, parent: Context): ToolCallHandle {
  return {
    invocation: invocation as unknown as ToolInvocation,
    span: invocation.span,
    context: parent,
    mode: 'join',
    end() {},
  };
}

/**
 * Starts a tool call under the adoption rule (`adopt.ts`): joins an enclosing toolscope call of
 * the same tool, adopts another library's span for it, or opens `spec.spanName`. Returns
 * `undefined` only when starting failed (the caller then runs untraced). Never throws.
 */
export function startToolCall(
  spec: ToolCallSpec,
  start: ToolCallStart = {},
): ToolCallHandle | undefined {
  let started: Span | undefined;
  try {
    const parent = start.parent ?? context.active();
    const callId =
      start.callId === undefined ? undefined : boundName(start.callId, 'mcp.request.id');
    const adoption = adoptionFor(parent, spec.name, callId);
    if (adoption.kind === 'join') return joinedHandle(adoption.invocation, parent);
    let span: Span;
    let adopted = false;
    if (adoption.kind === 'span') {
      span = adoption.span;
      adopted = true;
      span.setAttributes({
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
        [ATTR_GEN_AI_TOOL_TYPE]: spec.type,
        // Another library's span: marked, so no collector derives this call's metric again
        // (toolscope's own spans say so by their instrumentation scope).
        [ATTR_TOOLSCOPE_TOOL_RECORDED]: true,
        ...withoutName(spec.baseAttributes),
        ...start.attributes,
      });
    } else {
      span = getTracer().startSpan(
        spec.spanName,
        {
          kind: spec.kind,
          attributes:
            start.attributes === undefined
              ? spec.baseAttributes
              : withBase(start.attributes, spec.baseAttributes),
          ...(start.startTime !== undefined ? { startTime: start.startTime } : {}),
        },
        parent,
      );
      started = span;
    }
    applyCorrelation(span, parent);
    if (callId !== undefined) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_ID, callId);
    const invocation = new ToolInvocationImpl(spec, span, parent, callId, adopted, start.startTime);
    invocation.register();
    if (start.inputSize !== undefined) invocation.setInputSize(start.inputSize);
    if ((spec.captureContent ?? config.captureContent) && 'args' in start) {
      captureContent(span, ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, 'arguments', spec.name, start.args);
    }
    const spanCtx = adopted ? parent : trace.setSpan(parent, span);
    // A leaf's own span is never adopted (core scope), an adopted span would be: the
    // invocation stays in the context then.
    const ctx = start.leaf === true && !adopted ? spanCtx : spanCtx.setValue(TOOL_KEY, invocation);
    return new CallHandle(invocation, span, ctx, adopted ? 'span' : 'own', spec.name);
  } catch (err) {
    logger.error(`starting the span of tool ${spec.name} failed; running untraced`, err);
    try {
      started?.end();
    } catch {
      // The span is unusable; nothing more to do.
    }
    return undefined;
  }
}

/** `attrs` (taken over) with each base attribute it has no value for. */
function withBase(attrs: Attributes, base: Attributes): Attributes {
  for (const key in base) if (attrs[key] === undefined) attrs[key] = base[key];
  return attrs;
}

/** The base attributes minus the name, operation and type (an adopted span keeps its own). */
function withoutName(attrs: Attributes): Attributes {
  const out: Attributes = {};
  for (const key in attrs) {
    if (
      key !== ATTR_GEN_AI_TOOL_NAME &&
      key !== ATTR_GEN_AI_OPERATION_NAME &&
      key !== ATTR_GEN_AI_TOOL_TYPE
    ) {
      out[key] = attrs[key];
    }
  }
  return out;
}

/** The span kind toolscope uses for a tool span unless told otherwise. */
export const DEFAULT_TOOL_SPAN_KIND = SpanKind.INTERNAL;
