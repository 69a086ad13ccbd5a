import { type Context, type Span, SpanStatusCode } from '@opentelemetry/api';
import { errorTypeOf } from './error-type.ts';
import { STEP_KEY, TOOL_KEY } from './keys.ts';
import { emitInvocation, hasInvocationListeners } from './listeners.ts';
import { workflowAttributes } from './metrics/cardinality.ts';
import { getRecorders } from './metrics/instruments.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_TOOLSCOPE_WORKFLOW_OUTCOME,
  ATTR_TOOLSCOPE_WORKFLOW_STEPS_COMPLETED,
  ATTR_TOOLSCOPE_WORKFLOW_TOOLS,
} from './semconv.ts';
import { boundName } from './shared/bound.ts';
import { endedSpanSeconds, recordError } from './span-outcome.ts';
import type { WorkflowOutcome, WorkflowRun } from './types.ts';

/**
 * The state of one workflow run. Tool calls made inside it report themselves through
 * `noteTool`, so the run knows which tools it used; steps are counted as `docs/telemetry.md`
 * ("Workflow steps") defines them:
 *
 * - `completeStep(n)` called by the user: exactly the steps counted that way (the override);
 * - else, steps a framework integration reports (`FrameworkStep`, `noteFrameworkStep`: an AI
 *   SDK step, a LangChain sequence step or graph node, an OpenAI Agents turn) that completed:
 *   the step itself succeeded and no tool call in it failed (one rule for every framework);
 * - else, for plain code, tool calls made directly in the workflow (not inside another tool
 *   call) that succeeded.
 *
 * Never more than the declared `totalSteps`.
 */
export class WorkflowRunImpl implements WorkflowRun {
  readonly name: string;
  readonly span: Span;
  readonly totalSteps: number | undefined;
  private readonly startMs = performance.now();
  private readonly tools = new Set<string>();
  private explicitSteps: number | undefined;
  private succeededTools = 0;
  private frameworkSteps: number | undefined;
  private forcedOutcome: WorkflowOutcome | undefined;
  private ended = false;

  constructor(name: string, span: Span, totalSteps: number | undefined) {
    this.name = name;
    this.span = span;
    this.totalSteps = totalSteps;
  }

  get stepsCompleted(): number {
    const counted = this.explicitSteps ?? this.frameworkSteps ?? this.succeededTools;
    return this.totalSteps === undefined ? counted : Math.min(counted, this.totalSteps);
  }

  get toolsUsed(): readonly string[] {
    return [...this.tools];
  }

  completeStep(n = 1): void {
    if (!Number.isFinite(n) || n < 0) return;
    this.explicitSteps = (this.explicitSteps ?? 0) + n;
  }

  setOutcome(outcome: WorkflowOutcome): void {
    if (outcome === 'completed' || outcome === 'partial' || outcome === 'failed') {
      this.forcedOutcome = outcome;
    }
  }

  /**
   * Called by every tool invocation that ends inside this run; `topLevel` when it was made
   * directly in the workflow, not inside another tool call.
   */
  noteTool(name: string, succeeded: boolean, topLevel = true): void {
    // (A failed call also fails the framework step it ran in: `FrameworkStep`, via tool-call.ts.)
    this.tools.add(name);
    if (succeeded && topLevel) this.succeededTools++;
  }

  /**
   * Called by a framework integration when one of the framework's own steps inside this run
   * ended (once per step). From the first call on, the framework's steps count instead of tool
   * calls.
   */
  noteFrameworkStep(succeeded: boolean): void {
    this.frameworkSteps = (this.frameworkSteps ?? 0) + (succeeded ? 1 : 0);
  }

  /**
   * The outcome: forced by `setOutcome`, else `failed` when the run threw, `partial` when
   * fewer steps than declared completed, else `completed`.
   */
  outcome(hasError: boolean): WorkflowOutcome {
    if (this.forcedOutcome !== undefined) return this.forcedOutcome;
    if (hasError) return 'failed';
    if (this.totalSteps !== undefined && this.stepsCompleted < this.totalSteps) return 'partial';
    return 'completed';
  }

  finish(error: unknown, hasError: boolean): void {
    if (this.ended) return;
    this.ended = true;
    const measuredS = (performance.now() - this.startMs) / 1000;
    const span = this.span;
    const outcome = this.outcome(hasError);
    let errorType: string | undefined;
    if (hasError) {
      errorType = boundName(errorTypeOf(error), 'error.type');
      recordError(span, error);
      span.setAttribute(ATTR_ERROR_TYPE, errorType);
    } else if (outcome === 'failed') {
      errorType = '_OTHER';
      span.addEvent('exception', { 'exception.type': errorType });
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR_ERROR_TYPE, errorType);
    }
    const toolsUsed = this.toolsUsed;
    span.setAttribute(ATTR_TOOLSCOPE_WORKFLOW_STEPS_COMPLETED, this.stepsCompleted);
    span.setAttribute(ATTR_TOOLSCOPE_WORKFLOW_TOOLS, [...toolsUsed]);
    span.setAttribute(ATTR_TOOLSCOPE_WORKFLOW_OUTCOME, outcome);
    span.end();
    // One duration: the histogram point is the span's own duration when the span exposes it.
    const durationS = endedSpanSeconds(span) ?? measuredS;
    recordWorkflowMetrics(this.name, durationS, outcome, errorType);
    if (hasInvocationListeners()) {
      emitInvocation({
        kind: 'workflow',
        name: this.name,
        durationS,
        endTimeMs: Date.now(),
        outcome,
        errorType,
        stepsCompleted: this.stepsCompleted,
        totalSteps: this.totalSteps,
        toolsUsed,
      });
    }
  }
}

/** Records the workflow duration histogram and the executions counter. */
export function recordWorkflowMetrics(
  name: string,
  durationS: number,
  outcome: WorkflowOutcome,
  errorType: string | undefined,
): void {
  const instruments = getRecorders();
  const attrs = workflowAttributes(name, outcome, errorType);
  instruments.workflowDuration.record(durationS, attrs.duration);
  instruments.workflowExecutions.add(1, attrs.counter);
}

/**
 * One framework step in progress inside a workflow run (`startFrameworkStep`): an AI SDK step,
 * a LangChain sequence step, an OpenAI Agents turn, or (not reported on its own) the part of a
 * LangGraph node run a `ToolNode` does. The rule every integration shares: **a step in which a
 * tool call failed did not complete.** A tool call started in `context` (directly, not inside
 * another tool call of the step) that fails marks the step; an integration whose tool calls do
 * not run in that context reports them with `noteToolFailure()`. A failure also marks the
 * enclosing step, if any (a `ToolNode` inside a sequence step).
 */
export class FrameworkStep {
  readonly context: Context;
  /** The tool call the step runs inside (`TOOL_KEY` at its start), usually none. */
  readonly tool: unknown;
  private readonly run: WorkflowRunImpl;
  private readonly outer: FrameworkStep | undefined;
  private readonly report: boolean;
  private failed = false;
  private ended = false;

  constructor(run: WorkflowRunImpl, parent: Context, report: boolean) {
    this.run = run;
    this.report = report;
    this.tool = parent.getValue(TOOL_KEY);
    const outer = parent.getValue(STEP_KEY) as FrameworkStep | undefined;
    this.outer = outer?.tool === this.tool ? outer : undefined;
    this.context = parent.setValue(STEP_KEY, this);
  }

  /** Whether a tool call of the step failed so far. */
  get toolFailed(): boolean {
    return this.failed;
  }

  /** A tool call of this step failed. */
  noteToolFailure(): void {
    this.failed = true;
    this.outer?.noteToolFailure();
  }

  /**
   * Ends the step once. A reported step counts as completed in its workflow when `succeeded`
   * (the framework's own view: it returned, did not throw) and none of its tool calls failed.
   */
  end(succeeded: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (this.report) this.run.noteFrameworkStep(succeeded && !this.failed);
  }
}
