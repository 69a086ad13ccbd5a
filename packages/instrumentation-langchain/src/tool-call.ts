/**
 * Every LangChain tool call, whatever started it (`invoke`, `tool()`, `DynamicStructuredTool`,
 * LangGraph's `ToolNode`, `createAgent`, a sequence, `stream` / `streamEvents`), passes through
 * `StructuredTool.prototype.call`: subclasses (`Tool`, `DynamicTool`, `DynamicStructuredTool`)
 * only adjust the arguments and call `super.call`. Its wrapper makes the call one toolscope
 * tool call (the core's adoption rule decides: own span, another library's span, or joining an
 * enclosing toolscope call), runs it with that span active, and ends it with the outcome. The
 * input is parsed inside `call`, before any LangChain callback fires, so a
 * `ToolInputParsingException` is a failed call too.
 */
import { context } from '@opentelemetry/api';
import {
  ATTR_TOOLSCOPE_BUBBLE_UP_TYPE,
  boundName,
  EVENT_TOOLSCOPE_BUBBLE_UP,
  frameworkToolSpec,
  startToolCall,
  type ToolCallHandle,
  type ToolCallSpec,
} from '@toolscope/instrumentation/internal';
import { frameworkErrorType, isBubbleUp } from './errors.ts';
import type { AnyMethod } from './patch.ts';
import { PROBE_KEY, type Probe, state } from './state.ts';

/**
 * The spec of a tool named `name` (the core's cache; names come from code, but MCP adapters take
 * them from servers, so the core bounds them), or undefined when it has no usable name.
 */
export function specOf(name: unknown): ToolCallSpec | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  return frameworkToolSpec(name);
}

interface ToolCallLike {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly args?: unknown;
}

function isToolCall(value: unknown): value is ToolCallLike {
  return (
    value !== null && typeof value === 'object' && (value as ToolCallLike).type === 'tool_call'
  );
}

/**
 * The model's call id: `call(toolCall)` carries it in the argument, `invoke(toolCall)` (what
 * the ToolNodes do) moves the tool call into `config.toolCall`.
 */
function callIdOf(arg: unknown, configArg: unknown): string | undefined {
  let id = isToolCall(arg) ? arg.id : undefined;
  if ((id === undefined || id === '') && configArg !== null && typeof configArg === 'object') {
    id = (configArg as { toolCall?: { id?: unknown } }).toolCall?.id;
  }
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** What a tool returned, as content: a `ToolMessage`'s content, else the value itself. */
function outputOf(result: unknown): unknown {
  if (result !== null && typeof result === 'object' && 'tool_call_id' in result) {
    return (result as { content?: unknown }).content;
  }
  return result;
}

/**
 * Ends a call that threw. A LangGraph bubble-up signal is control flow (a human-in-the-loop
 * interrupt, a command for the parent graph): the call did not fail. Otherwise the error type
 * comes from the class when `name` is only `Error` (`ToolInputParsingException`); the
 * exception's `output` field (the raw model input) is never read.
 */
export function endWithError(handle: ToolCallHandle, err: unknown): void {
  if (isBubbleUp(err)) {
    try {
      handle.span.addEvent(EVENT_TOOLSCOPE_BUBBLE_UP, {
        [ATTR_TOOLSCOPE_BUBBLE_UP_TYPE]: boundName(
          frameworkErrorType(err) ?? (err as { name?: unknown }).name,
          'error.type',
        ),
      });
    } catch {
      // The event is informational.
    }
    handle.end({});
    return;
  }
  const errorType = frameworkErrorType(err);
  handle.end(errorType === undefined ? { error: err } : { error: err, errorType });
}

/** The wrapper of `StructuredTool.prototype.call`. */
export function traceToolCall(original: AnyMethod): AnyMethod {
  return function call(this: { name?: unknown }, ...args: unknown[]): unknown {
    if (!state.active) return original.apply(this, args);
    const parent = context.active();
    const probe = parent.getValue(PROBE_KEY) as Probe | undefined;
    if (probe !== undefined) probe.reached = true;
    let name: unknown;
    try {
      name = this.name;
    } catch {
      // A hostile `name` getter: LangChain will surface it; never from here.
    }
    const spec = specOf(name);
    if (spec === undefined) return original.apply(this, args);
    const [arg, configArg] = args;
    const handle = startToolCall(spec, {
      parent,
      callId: callIdOf(arg, configArg),
      args: isToolCall(arg) ? arg.args : arg,
    });
    if (handle === undefined) return original.apply(this, args);
    if (handle.mode === 'join') return context.with(handle.context, original, this, ...args);
    let pending: unknown;
    try {
      pending = context.with(handle.context, original, this, ...args);
    } catch (err) {
      endWithError(handle, err);
      throw err;
    }
    return Promise.resolve(pending).then(
      (result) => {
        handle.end({ result: outputOf(result) });
        return result;
      },
      (err: unknown) => {
        endWithError(handle, err);
        throw err;
      },
    );
  };
}
