/**
 * A call of a tool that does not exist (the model got the name wrong) never reaches a LangChain
 * tool: LangGraph's `ToolNode` and `langchain`'s agent `ToolNode` answer it with an error
 * `ToolMessage` (or, with `handleToolErrors: false`, throw). Their `runTool(call, config,
 * state)` is wrapped so such a call is recorded as one failed tool call, `error.type =
 * tool_not_found`, under the node's context. Calls of tools the node has cost one name lookup.
 *
 * Inside a counting workflow run (`steps.ts`), a `ToolNode` run (`run`) is also a part of a
 * step: a core framework step not reported on its own, in whose context the node's tool calls
 * run. A tool call recorded as failed in it, or answered with an error `ToolMessage` (the
 * node turns tool errors into messages, so the node itself never throws), fails the step it is
 * part of: the graph's node run (`GraphSteps`), or the enclosing sequence step.
 */
import { type Context, context } from '@opentelemetry/api';
import {
  ERROR_TYPE_VALUE_TOOL_NOT_FOUND,
  frameworkStepOf,
  startFrameworkStep,
  startToolCall,
} from '@toolscope/instrumentation/internal';
import { isBubbleUp } from './errors.ts';
import type { AnyMethod } from './patch.ts';
import { PROBE_KEY, type Probe, STEPS_KEY, state } from './state.ts';
import { graphStepsOf } from './steps.ts';
import { specOf } from './tool-call.ts';

interface ModelToolCall {
  readonly name?: unknown;
  readonly id?: unknown;
}

/** Whether the node's tool list has `name`; an unexpected shape counts as yes (no guessing). */
function hasTool(tools: unknown, name: unknown): boolean {
  if (!Array.isArray(tools)) return true;
  for (const tool of tools) {
    if (tool !== null && typeof tool === 'object' && (tool as { name?: unknown }).name === name) {
      return true;
    }
  }
  return false;
}

function isErrorMessage(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { status?: unknown }).status === 'error'
  );
}

/** Records the call of an unknown tool, observed from its start to now. */
function recordUnknownTool(call: ModelToolCall, parent: Context, startTime: number): void {
  const spec = specOf(call.name);
  if (spec === undefined) return;
  const handle = startToolCall(spec, {
    parent,
    startTime,
    ...(typeof call.id === 'string' && call.id !== '' ? { callId: call.id } : {}),
  });
  handle?.end({
    errorType: ERROR_TYPE_VALUE_TOOL_NOT_FOUND,
    message: 'the model called a tool this node does not have',
    endTime: Date.now(),
  });
}

/** An error `ToolMessage` answered a call: the step in progress in `ctx` failed a tool call. */
function noteErrorMessage(result: unknown, ctx: Context): unknown {
  if (isErrorMessage(result)) frameworkStepOf(ctx)?.noteToolFailure();
  return result;
}

/** The wrapper of `ToolNode.prototype.runTool` (LangGraph's and `langchain`'s). */
export function traceRunTool(original: AnyMethod): AnyMethod {
  return function runTool(this: { tools?: unknown }, ...args: unknown[]): unknown {
    const call = args[0] as ModelToolCall | undefined;
    if (!state.active || call === null || typeof call !== 'object') {
      return original.apply(this, args);
    }
    if (hasTool(this.tools, call.name)) {
      const active = context.active();
      if (frameworkStepOf(active) === undefined) return original.apply(this, args);
      const pending = original.apply(this, args);
      return pending instanceof Promise
        ? pending.then((result) => noteErrorMessage(result, active))
        : noteErrorMessage(pending, active);
    }
    const parent = context.active();
    const probe: Probe = { reached: false };
    const startTime = Date.now();
    const record = () => {
      if (!probe.reached) recordUnknownTool(call, parent, startTime);
    };
    let pending: unknown;
    try {
      pending = context.with(parent.setValue(PROBE_KEY, probe), original, this, ...args);
    } catch (err) {
      if (!isBubbleUp(err)) record();
      throw err;
    }
    return Promise.resolve(pending).then(
      (result) => {
        if (isErrorMessage(result)) record();
        return noteErrorMessage(result, parent);
      },
      (err: unknown) => {
        if (!isBubbleUp(err)) record();
        throw err;
      },
    );
  };
}

/**
 * The wrapper of `ToolNode.prototype.run(input, config)` (the node's function, LangGraph's and
 * `langchain`'s): inside a run that counts workflow steps, runs the node in a core framework
 * step (not reported on its own) and, when a tool call of it failed, fails the step it is part
 * of. Elsewhere it runs as unpatched.
 */
export function traceToolNodeRun(original: AnyMethod): AnyMethod {
  return function run(this: unknown, ...args: unknown[]): unknown {
    if (!state.workflowSteps) return original.apply(this, args);
    const parent = context.active();
    if (parent.getValue(STEPS_KEY) === undefined) return original.apply(this, args);
    // A collector: its failures also fail the enclosing core step (a sequence step's).
    const part = startFrameworkStep(parent, { report: false });
    if (part === undefined) return original.apply(this, args);
    const graph = graphStepsOf(parent);
    const done = (succeeded: boolean) => {
      part.end(succeeded);
      // A node run that throws fails by itself (LangGraph reports no "finished" for it).
      if (succeeded && part.toolFailed) graph?.toolFailed(args[1]);
    };
    let pending: unknown;
    try {
      pending = context.with(part.context, original, this, ...args);
    } catch (err) {
      done(false);
      throw err;
    }
    return Promise.resolve(pending).then(
      (result) => {
        done(true);
        return result;
      },
      (err: unknown) => {
        done(false);
        throw err;
      },
    );
  };
}
