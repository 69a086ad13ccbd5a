/**
 * LangGraph graph runs (`createAgent`, `createReactAgent`, any compiled `StateGraph`): every
 * run of `Pregel.prototype._streamIterator`, which `invoke`, `stream` and `streamEvents` all
 * go through once per run, becomes an agent run (`invoke_agent {name}` span and
 * `gen_ai.invoke_agent.duration`, ended when the run's stream ends, throws or is abandoned).
 * The run's loop starts in the span's context, so the graph's nodes, and the tool calls they
 * make, nest under it. Inside a toolscope workflow the run also reports its node runs as
 * the workflow's steps (`steps.ts`). LangGraph's bubble-up signals (an interrupt reaching the
 * caller of a subgraph) are not failures.
 */
import { type Context, context } from '@opentelemetry/api';
import { type AgentRunHandle, boundName, startAgentRun } from '@toolscope/instrumentation/internal';
import { frameworkErrorType, isBubbleUp } from './errors.ts';
import type { AnyMethod } from './patch.ts';
import { state } from './state.ts';
import {
  beginSteps,
  GraphSteps,
  graphStepsOf,
  withGraphSteps,
  withoutGraphSteps,
} from './steps.ts';

/** What LangGraph names a graph that was given no name. */
const DEFAULT_GRAPH_NAME = 'LangGraph';

interface GraphLike {
  getName?: () => unknown;
}

/** The run's name as LangGraph reports it: `runName`, else the graph's name. */
function graphName(graph: GraphLike, options: unknown): string {
  const runName = (options as { runName?: unknown } | undefined)?.runName;
  if (typeof runName === 'string' && runName !== '') return runName;
  try {
    const name = graph.getName?.();
    if (typeof name === 'string' && name !== '') return name;
  } catch {
    // A graph whose name cannot be read keeps the default.
  }
  return DEFAULT_GRAPH_NAME;
}

function endAgent(agent: AgentRunHandle | undefined, error: unknown, hasError: boolean): void {
  if (agent === undefined) return;
  if (!hasError || isBubbleUp(error)) {
    agent.end();
    return;
  }
  const errorType = frameworkErrorType(error);
  agent.end(errorType === undefined ? { error } : { error, errorType });
}

type Stream = AsyncGenerator<unknown, unknown, unknown>;

/**
 * The run's stream, reporting its end once (done, thrown, or abandoned with `return()`). Only
 * the first `next()` runs in `ctx`: it starts the graph's loop as a background promise, which
 * keeps that context for every node and tool call of the run; later `next()` calls only read
 * the loop's output, so they run exactly as unwrapped (no context switch, no extra promise).
 */
function traceStream(
  stream: Stream,
  ctx: Context,
  end: (error: unknown, hasError: boolean) => void,
): Stream {
  let started = false;
  let ended = false;
  const finish = (error: unknown, hasError: boolean) => {
    if (ended) return;
    ended = true;
    end(error, hasError);
  };
  const settle = (pending: Promise<IteratorResult<unknown>>, always: boolean) =>
    pending.then(
      (result) => {
        if (result.done || always) finish(undefined, false);
        return result;
      },
      (err: unknown) => {
        finish(err, true);
        throw err;
      },
    );
  const traced = {
    next(...args: [] | [unknown]) {
      if (started) return settle(stream.next(...args), false);
      started = true;
      return settle(
        context.with(ctx, () => stream.next(...args)),
        false,
      );
    },
    return(value?: unknown) {
      return settle(stream.return(value), true);
    },
    throw(err?: unknown) {
      return settle(stream.throw(err), false);
    },
    [Symbol.asyncIterator]() {
      return traced;
    },
    async [Symbol.asyncDispose]() {
      await traced.return();
    },
  };
  return traced as unknown as Stream;
}

function isStream(value: unknown): value is Stream {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Stream).next === 'function' &&
    typeof (value as Stream).return === 'function' &&
    typeof (value as Stream).throw === 'function'
  );
}

/** The wrapper of `Pregel.prototype._streamIterator(input, options)`. */
export function traceGraphRun(original: AnyMethod): AnyMethod {
  return function _streamIterator(this: GraphLike, ...args: unknown[]): unknown {
    if (!state.active) return original.apply(this, args);
    const parent = context.active();
    let options = args[1];
    let ctx: Context = parent;
    const stepsCtx = beginSteps(parent, () => new GraphSteps(args[1]));
    const steps = stepsCtx === undefined ? undefined : graphStepsOf(stepsCtx);
    if (stepsCtx !== undefined && steps !== undefined) {
      options = withGraphSteps(options, parent, steps);
      ctx = stepsCtx;
    } else {
      options = withoutGraphSteps(options);
    }
    const agent = state.agentRuns
      ? startAgentRun({ name: boundName(graphName(this, options), 'framework.name'), parent: ctx })
      : undefined;
    if (agent !== undefined) ctx = agent.context;
    if (ctx === parent && options === args[1]) return original.apply(this, args);
    const callArgs = [...args];
    callArgs[1] = options;
    let stream: unknown;
    try {
      stream = context.with(ctx, () => original.apply(this, callArgs));
    } catch (err) {
      endAgent(agent, err, true);
      throw err;
    }
    if (!isStream(stream)) {
      endAgent(agent, undefined, false);
      return stream;
    }
    return traceStream(stream, ctx, (error, hasError) => endAgent(agent, error, hasError));
  };
}
