/**
 * One `generateText` / `streamText` run (one AI SDK `callId`) as toolscope sees it: the
 * caller's context (the parent of everything, the workflow the run's steps count in), the
 * agent invocation (toolscope's own `invoke_agent` span, or `@ai-sdk/otel`'s adopted), the tool
 * calls in flight and the step bookkeeping.
 *
 * The agent span is started lazily, at the run's first model or tool call, with the run's start
 * time: only then can toolscope tell whether another integration owns the run's spans.
 */
import { type Context, type SpanContext, trace } from '@opentelemetry/api';
import {
  type AgentRunHandle,
  noteFrameworkStep,
  startAgentRun,
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
  private stepFailures = 0;
  private lastStep = -1;
  /** How many times the integration is in this run's list (`onStart` calls). */
  private registrations = 1;
  /** Wrapper calls seen so far, by wrapped call, while fewer than `registrations`. */
  private readonly arrivals = new Map<string, number>();

  constructor(callId: string, parent: Context, agentName: string, agentRuns: boolean) {
    this.callId = callId;
    this.parent = parent;
    this.agentName = agentName;
    this.agentRuns = agentRuns;
  }

  /** `onStart` again for this run: the integration is in the SDK's list more than once. */
  noteRegistration(): void {
    this.registrations++;
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
    this.stepFailures++;
  }

  /**
   * An AI SDK step ended (`stepNumber`, 0-based; reported once even when the integration is
   * registered twice): a framework step of the caller's workflow, succeeded when none of its
   * tool calls failed and the step itself did not fail.
   */
  noteStep(stepNumber: unknown, failed: boolean): void {
    const n = typeof stepNumber === 'number' ? stepNumber : this.lastStep + 1;
    if (n <= this.lastStep) return;
    this.lastStep = n;
    noteFrameworkStep(this.parent, !failed && this.stepFailures === 0);
    this.stepFailures = 0;
  }

  /**
   * Ends the run: tool calls still open, then the agent invocation. A run that ended before
   * its first model or tool call gets its own agent span unless `otherOwnsRuns`.
   */
  end(outcome: RunEnd, otherOwnsRuns: boolean, endPending: (call: PendingToolCall) => void): void {
    for (const call of this.tools.values()) endPending(call);
    this.tools.clear();
    if (this.agent === undefined && this.sdkParent === undefined && !otherOwnsRuns) {
      this.ownContext();
    }
    this.agent?.end({ ...outcome, endTime: nowMs() });
  }
}
