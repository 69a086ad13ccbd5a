import { type Attributes, type Context, context, SpanKind, trace } from '@opentelemetry/api';
import { applyCorrelation } from './correlation.ts';
import { logger } from './diag.ts';
import { WORKFLOW_KEY } from './keys.ts';
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
import { WorkflowRunImpl } from './workflow-run.ts';

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

function invokeWorkflow(wf: ResolvedWorkflow, run: (r: WorkflowRun) => unknown): unknown {
  let ctx: Context;
  let runState: WorkflowRunImpl;
  try {
    const parent = context.active();
    const span = getTracer().startSpan(
      wf.spanName,
      { kind: SpanKind.INTERNAL, attributes: wf.baseAttributes },
      parent,
    );
    applyCorrelation(span, parent);
    runState = new WorkflowRunImpl(wf.name, span, wf.totalSteps);
    ctx = trace.setSpan(parent, span).setValue(WORKFLOW_KEY, runState);
  } catch (err) {
    logger.error(`starting the span of workflow ${wf.name} failed; running untraced`, err);
    return run(NOOP_RUN);
  }
  const state = runState;
  return runInSpan(
    ctx,
    () => run(state),
    (error, hasError) => state.finish(error, hasError),
    true,
  );
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
