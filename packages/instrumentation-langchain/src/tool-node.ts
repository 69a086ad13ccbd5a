/**
 * A call of a tool that does not exist (the model got the name wrong) never reaches a LangChain
 * tool: LangGraph's `ToolNode` and `langchain`'s agent `ToolNode` answer it with an error
 * `ToolMessage` (or, with `handleToolErrors: false`, throw). Their `runTool(call, config,
 * state)` is wrapped so such a call is recorded as one failed tool call, `error.type =
 * tool_not_found`, under the node's context. Calls of tools the node has cost one name lookup.
 */
import { type Context, context } from '@opentelemetry/api';
import {
  ERROR_TYPE_VALUE_TOOL_NOT_FOUND,
  startToolCall,
} from '@toolscope/instrumentation/internal';
import { isBubbleUp } from './errors.ts';
import type { AnyMethod } from './patch.ts';
import { PROBE_KEY, type Probe, state } from './state.ts';
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

/** The wrapper of `ToolNode.prototype.runTool` (LangGraph's and `langchain`'s). */
export function traceRunTool(original: AnyMethod): AnyMethod {
  return function runTool(this: { tools?: unknown }, ...args: unknown[]): unknown {
    const call = args[0] as ModelToolCall | undefined;
    if (
      !state.active ||
      call === null ||
      typeof call !== 'object' ||
      hasTool(this.tools, call.name)
    ) {
      return original.apply(this, args);
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
        return result;
      },
      (err: unknown) => {
        if (!isBubbleUp(err)) record();
        throw err;
      },
    );
  };
}
