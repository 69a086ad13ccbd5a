/**
 * One `generateText` / `streamText` run (one AI SDK `callId`) as toolscope sees it: the
 * caller's context (the parent of everything, the workflow the run's steps count in), the
 * agent invocation (toolscope's own `invoke_agent` span, or `@ai-sdk/otel`'s adopted), the tool
 * calls in flight and the step bookkeeping.
 *
 * The run is known from its first model or tool call on (toolscope implements no `onStart` or
 * `onStepEnd`: the AI SDK copies and redacts every event it hands an integration, and those two
 * events carry the whole prompt, tool set and step results). Only then can toolscope also tell
 * whether another integration owns the run's spans.
 *
 * Steps: step k is open from its model call's end (`onLanguageModelCallEnd`, after retries)
 * through its tool calls, and ends when step k+1's model call starts or the run ends. Each is a
 * core framework step (`startFrameworkStep`) the run's tool failures are reported to, so the
 * core's rule applies: a step in which a tool call failed did not complete.
 */
import { type Context, type SpanContext, trace } from '@opentelemetry/api';
import {
  type AgentRunHandle,
  type FrameworkStep,
  noteFrameworkStep,
  startAgentRun,
  startFrameworkStep,
  type ToolCallHandle,
} from '@toolscope/instrumentation/internal';
import { findSdkAgentSpan, withParentSpan } from './sdk-spans.ts';

/** Epoch milliseconds with sub-millisecond precision (span start and end times). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A tool call started by the `executeTool` wrapper, ended by `onToolExecutionEnd`. */
export interface PendingToolCall {
  readonly handle: ToolCallHandle;
  /** What the tool threw, seen by the wrapper (the SDK only reports it filtered). */
  error: { readonly value: unknown } | undefined;
  /** The wrapper returned or threw. */
  settled: boolean;
}

/** How a run ended. */
export type RunEnd =
  | { readonly error: unknown }
  | { readonly errorType: string }
  | Record<string, never>;

export class AiSdkRun {
  readonly callId: string;
  /** The caller's context at `onStart`. */
  readonly parent: Context;
  readonly startTime = nowMs();
  readonly tools = new Map<string, PendingToolCall>();
  /** Invalid-input / unknown-tool calls already recorded (by tool call id). */
  readonly invalidSeen = new Set<string>();
  /** The last model call's error, until a later one succeeds (`onError` reports it filtered). */
  modelError: { readonly value: unknown } | undefined;
  private readonly agentName: string;
  private readonly agentRuns: boolean;
  private agent: AgentRunHandle | undefined;
  /** Another integration owns the run's spans; toolscope's own spans go under this context. */
  private sdkParent: Context | undefined;
  /** A step failed a tool call while no step was open (reported to the next one). */
  private failureBeforeStep = false;
  /** A step's model call ended; its tool calls may still run. */
  private stepOpen = false;
  /** The open step in the caller's workflow (undefined outside a workflow). */
  private step: FrameworkStep | undefined;
  /** A model call started and has not ended (it may fail the run). */
  private modelCallPending = false;
  /** How many times the integration is in the SDK's list (each entry is called). */
  private readonly registrations: number;
  /** Wrapper calls seen so far, by wrapped call, while fewer than `registrations`. */
  private readonly arrivals = new Map<string, number>();

  constructor(
    callId: string,
    parent: Context,
    agentName: string,
    agentRuns: boolean,
    registrations: number,
  ) {
    this.callId = callId;
    this.parent = parent;
    this.agentName = agentName;
    this.agentRuns = agentRuns;
    this.registrations = Math.max(1, registrations);
  }

  /**
   * Whether this wrapper call (of tool call `key`, or of the model call) is the innermost of
   * toolscope's: registered more than once (a `registerTelemetry(toolscopeTelemetry())` on top
   * of `instrumentAiSdk()`), the SDK nests one wrapper call per entry, outermost first; only the
   * innermost records, the others pass through.
   */
  innermost(key: string): boolean {
    if (this.registrations === 1) return true;
    const n = (this.arrivals.get(key) ?? 0) + 1;
    if (n >= this.registrations) {
      this.arrivals.delete(key);
      return true;
    }
    this.arrivals.set(key, n);
    return false;
  }

  /** Whether another integration (`@ai-sdk/otel`) was seen owning this run's spans. */
  get sdkSpans(): boolean {
    return this.sdkParent !== undefined;
  }

  /**
   * Another integration's span of this run was seen (`near`: the step span, or the run span
   * itself): adopt its run span, and put the spans toolscope opens under `near`.
   */
  noteSdkSpans(near: SpanContext | undefined): void {
    if (near === undefined) return;
    this.sdkParent = withParentSpan(this.parent, near);
    if (this.agent !== undefined || !this.agentRuns) return;
    this.agent = startAgentRun({
      name: this.agentName,
      parent: this.parent,
      startTime: this.startTime,
      // Not reachable: recorded by span context only, the duration measured by toolscope.
      adopt: findSdkAgentSpan(this.callId, near) ?? trace.wrapSpanContext(near),
    });
  }

  /**
   * The context for spans toolscope opens in this run: under the other integration's step when
   * it owns the run, else under toolscope's `invoke_agent` span (started now if need be).
   */
  ownContext(): Context {
    if (this.sdkParent !== undefined) return this.sdkParent;
    if (this.agent === undefined && this.agentRuns) {
      this.agent = startAgentRun({
        name: this.agentName,
        parent: this.parent,
        startTime: this.startTime,
      });
    }
    return this.agent?.context ?? this.parent;
  }

  /** A tool call of the current step failed. */
  noteToolFailure(): void {
    if (this.step !== undefined) this.step.noteToolFailure();
    else if (!this.stepOpen) this.failureBeforeStep = true;
  }

  /** A model call (first attempt or retry) is about to start: the previous step has ended. */
  modelCallStarting(): void {
    if (this.stepOpen) this.closeStep();
    this.modelCallPending = true;
  }

  /** The model call ended (its response parsed): its step stays open while its tools run. */
  modelCallEnded(): void {
    this.modelCallPending = false;
    if (this.stepOpen) return;
    this.stepOpen = true;
    this.step = startFrameworkStep(this.parent);
    if (this.failureBeforeStep) this.step?.noteToolFailure();
    this.failureBeforeStep = false;
  }

  /**
   * One AI SDK step ended: a framework step of the caller's workflow, completed when none of
   * its tool calls failed (the core's rule).
   */
  private closeStep(): void {
    this.stepOpen = false;
    this.step?.end(true);
    this.step = undefined;
  }

  /**
   * Ends the run: tool calls still open, then the agent invocation. A run that ended before
   * its first model or tool call gets its own agent span unless `otherOwnsRuns`.
   */
  end(outcome: RunEnd, otherOwnsRuns: boolean, endPending: (call: PendingToolCall) => void): void {
    for (const call of this.tools.values()) endPending(call);
    this.tools.clear();
    if (this.stepOpen) this.closeStep();
    // The step whose model call failed or was cut short.
    if (this.modelCallPending && ('error' in outcome || 'errorType' in outcome)) {
      noteFrameworkStep(this.parent, false);
    }
    if (this.agent === undefined && this.sdkParent === undefined && !otherOwnsRuns) {
      this.ownContext();
    }
    this.agent?.end({ ...outcome, endTime: nowMs() });
  }
}
