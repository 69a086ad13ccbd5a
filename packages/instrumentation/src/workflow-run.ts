import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { errorTypeOf } from './error-type.ts';
import { emitInvocation, hasInvocationListeners } from './listeners.ts';
import { workflowAttributes } from './metrics/cardinality.ts';
import { getRecorders } from './metrics/instruments.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_TOOLSCOPE_WORKFLOW_OUTCOME,
  ATTR_TOOLSCOPE_WORKFLOW_STEPS_COMPLETED,
  ATTR_TOOLSCOPE_WORKFLOW_TOOLS,
} from './semconv.ts';
import type { WorkflowOutcome, WorkflowRun } from './types.ts';

/**
 * The state of one workflow run. Tool calls made inside it report themselves through
 * `noteTool`, so the run knows which tools it used and how many steps succeeded.
 */
export class WorkflowRunImpl implements WorkflowRun {
  readonly name: string;
  readonly span: Span;
  readonly totalSteps: number | undefined;
  private readonly startMs = performance.now();
  private readonly tools = new Set<string>();
  private explicitSteps: number | undefined;
  private succeededTools = 0;
  private forcedOutcome: WorkflowOutcome | undefined;

  constructor(name: string, span: Span, totalSteps: number | undefined) {
    this.name = name;
    this.span = span;
    this.totalSteps = totalSteps;
  }

  get stepsCompleted(): number {
    return this.explicitSteps ?? this.succeededTools;
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

  /** Called by every tool invocation that ends inside this run. */
  noteTool(name: string, succeeded: boolean): void {
    this.tools.add(name);
    if (succeeded) this.succeededTools++;
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
    const durationS = (performance.now() - this.startMs) / 1000;
    const span = this.span;
    const outcome = this.outcome(hasError);
    let errorType: string | undefined;
    if (hasError) {
      errorType = errorTypeOf(error);
      span.recordException(
        error !== null && typeof error === 'object' ? (error as Error) : String(error),
      );
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : undefined,
      });
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
