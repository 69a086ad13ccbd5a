/**
 * `RunnableSequence` runs inside a toolscope workflow: the outermost one made directly in the
 * workflow runs through a view whose steps report their ends (`steps.ts`): `invoke`, `batch`
 * and the stream path (`_streamIterator`, behind `stream`, `streamEvents` and `streamLog`).
 * Outside a workflow, or when an enclosing run already counts, the sequence runs exactly as
 * it would unpatched.
 */
import { context } from '@opentelemetry/api';
import { runInSpan } from '@toolscope/instrumentation/internal';
import type { AnyMethod } from './patch.ts';
import { state } from './state.ts';
import { beginSteps, countingSequence } from './steps.ts';

function noop(): void {}

/**
 * The wrapper of `RunnableSequence.prototype.invoke`, `.batch` and `._streamIterator`. The
 * stream path returns an async generator: each of its `next()` calls runs in the context too.
 */
export function traceSequence(original: AnyMethod): AnyMethod {
  return function run(this: object, ...args: unknown[]): unknown {
    if (!state.workflowSteps) return original.apply(this, args);
    const parent = context.active();
    const ctx = beginSteps(parent);
    if (ctx === undefined) return original.apply(this, args);
    const view = countingSequence(this, parent) ?? this;
    return runInSpan(ctx, () => original.apply(view, args), noop, true);
  };
}
