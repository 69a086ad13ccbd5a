/**
 * Workflow steps from LangChain runs (docs/telemetry.md, "Workflow steps"). Inside a toolscope
 * workflow, the outermost `RunnableSequence` or LangGraph graph run made directly in it (not
 * inside a tool call) reports its steps to the workflow, and from its start on the workflow
 * counts those steps instead of tool calls:
 *
 * - a sequence step: each of the sequence's own steps (`a.pipe(b).pipe(c)` has three), counted
 *   when it returns (or, streamed, when its output ends) without throwing; in `batch`, each
 *   step counts once for the whole batch;
 * - a graph step: each node run that finished (LangGraph's own "node finished" signal: a
 *   `createAgent` run that calls the model, runs two tools and calls the model again has four).
 *
 * The core's rule applies to both: a step in which a tool call failed did not complete. A
 * sequence step's `invoke` / `batch` runs as a core framework step (a failed tool call made in
 * it fails it); a graph node run fails when a `ToolNode` run in it saw a failed tool call or
 * answered one with an error `ToolMessage` (`tool-node.ts` reports it to the run's
 * `GraphSteps`, which the node's "finished" signal then reads).
 *
 * Runs nested in that run (a sequence inside a graph node, a sub-agent) leave the counting to
 * it. No callback handler is involved: the sequence is run through a per-call view whose steps
 * report themselves, the graph gets a `configurable` entry. Outside a workflow nothing changes.
 */
import { type Context, context } from '@opentelemetry/api';
import {
  noteFrameworkStep,
  startFrameworkStep,
  TOOL_KEY,
  WORKFLOW_KEY,
} from '@toolscope/instrumentation/internal';
import { STEPS_KEY, state } from './state.ts';

/**
 * Whether a run starting in `parent` reports steps; if so, switches the workflow to counting
 * framework steps and returns the context the run's work goes in (nested runs see it):
 * `STEPS_KEY` holds what `steps` makes (a graph's `GraphSteps`), else `true` (a sequence).
 */
export function beginSteps(parent: Context, steps?: () => GraphSteps): Context | undefined {
  if (
    !state.workflowSteps ||
    parent.getValue(WORKFLOW_KEY) === undefined ||
    parent.getValue(STEPS_KEY) !== undefined ||
    parent.getValue(TOOL_KEY) !== undefined
  ) {
    return undefined;
  }
  // A step that did not succeed adds nothing, but switches the workflow to framework steps.
  noteFrameworkStep(parent, false);
  return parent.setValue(STEPS_KEY, steps === undefined ? true : steps());
}

/** The graph run counting steps in `ctx`, if a graph (not a sequence) counts them. */
export function graphStepsOf(ctx: Context): GraphSteps | undefined {
  const steps = ctx.getValue(STEPS_KEY);
  return steps instanceof GraphSteps ? steps : undefined;
}

// --- Graphs -------------------------------------------------------------------------------

/**
 * LangGraph's `configurable` key for a function called with a node's name each time a node
 * run finished without error (`PregelRunner`; hidden nodes such as `__start__` excepted).
 */
const NODE_FINISHED = '__pregel_node_finished';
/** Marks our function there, holding the one the caller had set, if any. */
const CALLER_FN = Symbol.for('toolscope.instrumentation-langchain.node-finished');

type NodeFinished = ((node: string) => void) & { [CALLER_FN]?: unknown };

interface RunConfigLike {
  readonly configurable?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Where LangGraph separates the namespaces of nested tasks in `checkpoint_ns`. */
const NS_SEPARATOR = '|';
/** Where a namespace segment's node name ends and its task id starts. */
const NS_TASK = ':';
/** Failed node runs remembered at once (a run that never reports them cannot grow past it). */
const MAX_FAILED = 1_000;

/**
 * The node runs of one counting graph run in which a tool call failed, until their node's
 * "finished" signal reads them. A node run is known by its task's segment of `checkpoint_ns`
 * at this graph's depth (`tools:<task id>`), so a `ToolNode` run inside a subgraph, or inside
 * a node's own function, fails the outermost node run it is part of, once.
 */
export class GraphSteps {
  /** `checkpoint_ns` segments above this graph's tasks. */
  private readonly depth: number;
  /** Failed node runs: task segment → node name. */
  private readonly failed = new Map<string, string>();
  private anonymous = 0;

  constructor(options: unknown) {
    const ns = (options as RunConfigLike | undefined)?.configurable?.checkpoint_ns;
    this.depth = typeof ns === 'string' && ns !== '' ? ns.split(NS_SEPARATOR).length : 0;
  }

  /** A tool call failed in the node run whose config (a `ToolNode`'s) is `config`. */
  toolFailed(config: unknown): void {
    if (this.failed.size >= MAX_FAILED) return;
    const c = config as RunConfigLike | undefined;
    const ns = c?.configurable?.checkpoint_ns;
    const segment = typeof ns === 'string' ? ns.split(NS_SEPARATOR)[this.depth] : undefined;
    const end = segment?.lastIndexOf(NS_TASK) ?? -1;
    if (segment !== undefined && end > 0) {
      this.failed.set(segment, segment.slice(0, end));
      return;
    }
    const node = (c?.metadata as { langgraph_node?: unknown } | undefined)?.langgraph_node;
    if (typeof node === 'string') this.failed.set(`${NS_TASK}${this.anonymous++}`, node);
  }

  /** A run of `node` finished: whether one of its runs failed a tool call (read once). */
  takeFailure(node: string): boolean {
    for (const [task, name] of this.failed) {
      if (name === node) {
        this.failed.delete(task);
        return true;
      }
    }
    return false;
  }
}

/**
 * `options` with a node-finished function that reports each node run to the workflow: a
 * completed step unless a tool call failed in it (`steps`).
 */
export function withGraphSteps(
  options: unknown,
  workflow: Context,
  steps: GraphSteps,
): RunConfigLike {
  const config = (options ?? {}) as RunConfigLike;
  const caller = config.configurable?.[NODE_FINISHED];
  const report: NodeFinished = (node: string) => {
    noteFrameworkStep(workflow, !steps.takeFailure(node));
    if (typeof caller === 'function') caller(node);
  };
  report[CALLER_FN] = caller;
  return { ...config, configurable: { ...config.configurable, [NODE_FINISHED]: report } };
}

/**
 * `options` without our node-finished function, for a graph nested in a run that already
 * counts (LangGraph passes `configurable` down to subgraphs); the caller's own is kept.
 * Returns `options` itself when there is nothing to remove.
 */
export function withoutGraphSteps(options: unknown): unknown {
  const config = options as RunConfigLike | undefined;
  const current = config?.configurable?.[NODE_FINISHED] as NodeFinished | undefined;
  if (typeof current !== 'function' || !Object.hasOwn(current, CALLER_FN)) return options;
  const { [NODE_FINISHED]: _ours, ...rest } = config?.configurable ?? {};
  const caller = current[CALLER_FN];
  return {
    ...config,
    configurable: caller === undefined ? rest : { ...rest, [NODE_FINISHED]: caller },
  };
}

// --- Sequences ----------------------------------------------------------------------------

interface RunnableLike {
  invoke?: (...args: unknown[]) => unknown;
  batch?: (...args: unknown[]) => unknown;
  transform?: (...args: unknown[]) => unknown;
}

interface SequenceLike {
  readonly first?: unknown;
  readonly middle?: unknown;
  readonly last?: unknown;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
}

async function* countEnd(
  source: AsyncIterable<unknown>,
  workflow: Context,
): AsyncGenerator<unknown> {
  let ok = false;
  try {
    yield* source;
    ok = true;
  } finally {
    noteFrameworkStep(workflow, ok);
  }
}

/**
 * `method` of `step`, run as one core framework step (a tool call that fails in it fails it),
 * reported when the promise it returns settles.
 */
function countSettled(
  step: object,
  method: (...args: unknown[]) => unknown,
  workflow: Context,
): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const active = context.active();
    const frameworkStep = startFrameworkStep(active);
    if (frameworkStep === undefined) {
      return Promise.resolve(method.apply(step, args)).then(
        (out) => {
          noteFrameworkStep(workflow, true);
          return out;
        },
        (err: unknown) => {
          noteFrameworkStep(workflow, false);
          throw err;
        },
      );
    }
    return Promise.resolve(
      context.with(frameworkStep.context, () => method.apply(step, args)),
    ).then(
      (out) => {
        frameworkStep.end(true);
        return out;
      },
      (err: unknown) => {
        frameworkStep.end(false);
        throw err;
      },
    );
  };
}

/**
 * A view of one step that reports its end to the workflow (`invoke` and `batch` when their
 * promise settles, `transform` when its output ends); the step itself is untouched.
 */
function countingStep(step: unknown, workflow: Context): unknown {
  if (step === null || typeof step !== 'object') return step;
  const runnable = step as RunnableLike;
  const view = Object.create(step) as object;
  if (typeof runnable.invoke === 'function') {
    define(view, 'invoke', countSettled(step, runnable.invoke, workflow));
  }
  if (typeof runnable.batch === 'function') {
    define(view, 'batch', countSettled(step, runnable.batch, workflow));
  }
  if (typeof runnable.transform === 'function') {
    const transform = runnable.transform;
    define(view, 'transform', (...args: unknown[]) => {
      const out = transform.apply(step, args) as AsyncIterable<unknown>;
      return out !== null && typeof out === 'object' && Symbol.asyncIterator in out
        ? countEnd(out, workflow)
        : out;
    });
  }
  return view;
}

/**
 * A per-call view of a `RunnableSequence` whose `first`, `middle` and `last` steps report
 * their ends to the workflow in `workflow`; every other property is the sequence's own.
 * Returns undefined when the object does not look like a sequence.
 */
export function countingSequence(sequence: object, workflow: Context): object | undefined {
  const seq = sequence as SequenceLike;
  if (!Array.isArray(seq.middle) || seq.first === undefined || seq.last === undefined) {
    return undefined;
  }
  const view = Object.create(sequence) as object;
  define(view, 'first', countingStep(seq.first, workflow));
  define(
    view,
    'middle',
    seq.middle.map((step: unknown) => countingStep(step, workflow)),
  );
  define(view, 'last', countingStep(seq.last, workflow));
  return view;
}
