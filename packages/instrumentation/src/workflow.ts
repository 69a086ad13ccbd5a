import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { applyCorrelation } from './correlation.ts';
import { logger } from './diag.ts';
import { STEP_KEY, WORKFLOW_KEY } from './keys.ts';
import { getTracer } from './providers.ts';
import { runInSpan } from './run-in-span.ts';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_TOOLSCOPE_WORKFLOW_STEPS_TOTAL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
} from './semconv.ts';
import { ToolscopeConfigError } from './shared/errors.ts';
import { validate } from './shared/validate.ts';
import type { WorkflowOptions, WorkflowRun } from './types.ts';
import { FrameworkStep, WorkflowRunImpl } from './workflow-run.ts';

interface ResolvedWorkflow {
  readonly name: string;
  readonly totalSteps: number | undefined;
  readonly spanName: string;
  readonly baseAttributes: Attributes;
}

function resolveWorkflow(options: WorkflowOptions): ResolvedWorkflow {
  if (options === null || typeof options !== 'object') {
    throw new ToolscopeConfigError('options', 'must be an object with at least { name }');
  }
  const name = validate.string('name', options.name);
  const totalSteps = validate.optionalNumber('totalSteps', options.totalSteps, {
    min: 0,
    integer: true,
  });
  const baseAttributes: Attributes = {
    ...options.attributes,
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
    [ATTR_GEN_AI_WORKFLOW_NAME]: name,
  };
  if (totalSteps !== undefined) baseAttributes[ATTR_TOOLSCOPE_WORKFLOW_STEPS_TOTAL] = totalSteps;
  return {
    name,
    totalSteps,
    spanName: `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW} ${name}`,
    baseAttributes,
  };
}

/** A started workflow run (`startWorkflowRun`). */
export interface WorkflowRunHandle {
  readonly run: WorkflowRun;
  readonly span: Span;
  /** The context to run the workflow's work in. */
  readonly context: Context;
  /** Ends the run once; never throws. */
  end(error?: { readonly error: unknown }): void;
}

/**
 * Starts a workflow run in `parent` (default: the active context): the span, the run state
 * tool calls report to. Returns `undefined` only when starting failed. Never throws. The
 * framework integrations use it for runs they observe (a LangChain top-level chain, say).
 */
export function startWorkflowRun(
  options: WorkflowOptions,
  parent: Context = context.active(),
): WorkflowRunHandle | undefined {
  let wf: ResolvedWorkflow;
  try {
    wf = resolveWorkflow(options);
  } catch (err) {
    logger.error('startWorkflowRun: bad options; running untraced', err);
    return undefined;
  }
  return startResolved(wf, parent);
}

function startResolved(wf: ResolvedWorkflow, parent: Context): WorkflowRunHandle | undefined {
  try {
    const span = getTracer().startSpan(
      wf.spanName,
      { kind: SpanKind.INTERNAL, attributes: wf.baseAttributes },
      parent,
    );
    applyCorrelation(span, parent);
    const run = new WorkflowRunImpl(wf.name, span, wf.totalSteps);
    return {
      run,
      span,
      context: trace.setSpan(parent, span).setValue(WORKFLOW_KEY, run),
      end(error) {
        try {
          run.finish(error?.error, error !== undefined);
        } catch (err) {
          logger.error(`ending workflow ${wf.name} failed; ignored`, err);
        }
      },
    };
  } catch (err) {
    logger.error(`starting the span of workflow ${wf.name} failed; running untraced`, err);
    return undefined;
  }
}

function invokeWorkflow(wf: ResolvedWorkflow, run: (r: WorkflowRun) => unknown): unknown {
  const handle = startResolved(wf, context.active());
  if (handle === undefined) return run(NOOP_RUN);
  return runInSpan(
    handle.context,
    () => run(handle.run),
    (error, hasError) => handle.end(hasError ? { error } : undefined),
    true,
  );
}

/**
 * Called by a framework integration when one of the framework's steps ended inside the
 * workflow active in `ctx` (see `WorkflowRun.stepsCompleted`). No-op outside a workflow.
 * `succeeded` must already say whether a tool call of the step failed; an integration that
 * can scope its steps uses `startFrameworkStep`, which applies that rule itself.
 */
export function noteFrameworkStep(ctx: Context, succeeded: boolean): void {
  (ctx.getValue(WORKFLOW_KEY) as WorkflowRunImpl | undefined)?.noteFrameworkStep(succeeded);
}

/** Options of `startFrameworkStep`. */
export interface FrameworkStepOptions {
  /**
   * Whether the step is reported to the workflow when it ends (default). `false`: the step only
   * collects tool failures for the integration (`toolFailed`), which reports the step itself
   * (a LangGraph `ToolNode` run, reported as its node's run).
   */
  readonly report?: boolean;
}

/**
 * Starts a framework step inside the workflow run active in `parent` (undefined outside a
 * workflow): the integration reports the step's boundaries (run the step's work in
 * `step.context`, then `step.end(succeeded)`) and the core applies the one rule of
 * docs/telemetry.md ("Workflow steps"): a step in which a tool call failed did not complete.
 * Never throws.
 */
export function startFrameworkStep(
  parent: Context,
  options?: FrameworkStepOptions,
): FrameworkStep | undefined {
  const run = parent.getValue(WORKFLOW_KEY) as WorkflowRunImpl | undefined;
  if (run === undefined) return undefined;
  return new FrameworkStep(run, parent, options?.report !== false);
}

/** The framework step in progress in `ctx`, if any. */
export function frameworkStepOf(ctx: Context): FrameworkStep | undefined {
  return ctx.getValue(STEP_KEY) as FrameworkStep | undefined;
}

/**
 * Wraps `fn` so every call is a workflow run: an `invoke_workflow {name}` span that tool
 * calls inside nest under, the `gen_ai.workflow.duration` histogram and the
 * `toolscope.workflow.executions` counter by outcome. Same signature in and out.
 */
export function traceWorkflow<F extends (...args: never[]) => unknown>(
  fn: F,
  options: WorkflowOptions,
): F {
  if (typeof fn !== 'function') throw new ToolscopeConfigError('fn', 'must be a function');
  const wf = resolveWorkflow(options);
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return invokeWorkflow(wf, () =>
      (fn as unknown as (...a: unknown[]) => unknown).apply(this, args),
    );
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped as unknown as F;
}

/**
 * Runs `fn` now as one workflow run and returns what it returns. `fn` receives the run
 * handle (`completeStep`, `setOutcome`, `toolsUsed`).
 *
 * @example
 * await withWorkflow({ name: 'search_and_recommend', totalSteps: 2 }, async (run) => { ... });
 */
export function withWorkflow<T>(options: WorkflowOptions, fn: (run: WorkflowRun) => T): T {
  const wf = resolveWorkflow(options);
  return invokeWorkflow(wf, (r) => fn(r)) as T;
}

/** TC39 standard method decorator: every call of the method is a workflow run. */
export function workflow(options: Partial<WorkflowOptions> = {}) {
  return function decorate<This, Args extends unknown[], R>(
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => R {
    return traceWorkflow(method as unknown as (...args: never[]) => R, {
      ...options,
      name: options.name ?? String(context.name),
    }) as unknown as (this: This, ...args: Args) => R;
  };
}

/** The workflow run active in the current context, if any. */
export function currentWorkflow(): WorkflowRun | undefined {
  return context.active().getValue(WORKFLOW_KEY) as WorkflowRun | undefined;
}

const NOOP_RUN: WorkflowRun = {
  name: '',
  span: trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
  totalSteps: undefined,
  stepsCompleted: 0,
  toolsUsed: [],
  completeStep() {},
  setOutcome() {},
};
