/**
 * The moment the SDK starts a tool, with its call id and arguments. The SDK's function span
 * carries neither; the runner's lifecycle events do: `runner.emit('agent_tool_start', context,
 * agent, tool, { toolCall })` fires inside the tool's span scope just before `execute`. There
 * is no global hook registry (the default runner is private), so `Runner.prototype.emit` is
 * wrapped, once per copy of the SDK (ESM and CommonJS have a `Runner` each). The wrapper
 * reports to whichever toolscope is live through the process-wide hub, so it is shared by
 * every copy of this package, and it never changes what `emit` does or returns.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AgentsSpan } from './internal-types.ts';

/** What the wrapper reports to: the hub's `onToolEvent`, looked up on every event. */
export interface ToolEventSink {
  onToolEvent(event: ToolEvent): void;
}

/** One `agent_tool_start` / `agent_tool_end` of a function tool. */
export interface ToolEvent {
  readonly phase: 'start' | 'end';
  readonly callId: string | undefined;
  readonly args: string | undefined;
  /** The output the SDK reports at `end` (the tool's result, or the error text it made). */
  readonly output: unknown;
}

const MARK = Symbol.for('toolscope.openai-agents.emit');

function toolCallOf(last: unknown): { callId?: unknown; arguments?: unknown } | undefined {
  if (last === null || typeof last !== 'object') return undefined;
  const toolCall = (last as { toolCall?: unknown }).toolCall;
  return toolCall !== null && typeof toolCall === 'object'
    ? (toolCall as { callId?: unknown; arguments?: unknown })
    : undefined;
}

/** Reads an emitted tool event (`(ctx, agent, tool, { toolCall })`, `(…, output, { toolCall })`). */
function eventOf(type: unknown, args: unknown[]): ToolEvent | undefined {
  const phase =
    type === 'agent_tool_start' ? 'start' : type === 'agent_tool_end' ? 'end' : undefined;
  if (phase === undefined) return undefined;
  const toolCall = toolCallOf(args[args.length - 1]);
  return {
    phase,
    callId: typeof toolCall?.callId === 'string' ? toolCall.callId : undefined,
    args: typeof toolCall?.arguments === 'string' ? toolCall.arguments : undefined,
    output: phase === 'end' ? args[3] : undefined,
  };
}

/**
 * Wraps `Runner.prototype.emit` of one copy of the SDK (idempotent across copies of this
 * package). Returns whether the prototype now reports tool events.
 */
export function patchRunner(runner: unknown, sink: () => ToolEventSink | undefined): boolean {
  const proto = (runner as { prototype?: unknown } | null | undefined)?.prototype;
  if (proto === null || typeof proto !== 'object') return false;
  const target = proto as { emit?: unknown };
  const original = target.emit;
  if (typeof original !== 'function') return false;
  if ((original as unknown as Record<symbol, unknown>)[MARK] === true) return true;
  const wrapped = function emit(this: unknown, type: unknown, ...args: unknown[]): unknown {
    if (type === 'agent_tool_start' || type === 'agent_tool_end') {
      try {
        const event = eventOf(type, args);
        if (event !== undefined) sink()?.onToolEvent(event);
      } catch {
        // Never break the SDK's hooks.
      }
    }
    return (original as (...a: unknown[]) => unknown).call(this, type, ...args);
  };
  Object.defineProperty(wrapped, MARK, { value: true });
  Object.defineProperty(proto, 'emit', {
    value: wrapped,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return true;
}

const SDK = '@openai/agents-core';

/**
 * The `Runner` class of the copy of `@openai/agents-core` already loaded, found without loading
 * another copy, synchronously where Node allows it: the CommonJS copy when `require` has it
 * cached, else the ESM copy through `require(esm)` (which returns the module the application
 * imported). Called only once the SDK's provider exists, so some copy is loaded. Throws when
 * that cannot be done synchronously (the module is still being evaluated, or no
 * `import.meta.resolve`): then `runnerOfLoadedSdk` does it asynchronously.
 */
export function runnerOfLoadedSdkSync(): unknown {
  const require = createRequire(import.meta.url);
  try {
    const cached = require.cache[require.resolve(SDK)];
    if (cached !== undefined) return (cached.exports as { Runner?: unknown }).Runner;
  } catch {
    // Not resolvable as CommonJS from here: ESM below.
  }
  return (require(fileURLToPath(import.meta.resolve(SDK))) as { Runner?: unknown }).Runner;
}

/** As `runnerOfLoadedSdkSync`, through a dynamic `import()`; undefined when not resolvable. */
export async function runnerOfLoadedSdk(): Promise<unknown> {
  try {
    return runnerOfLoadedSdkSync();
  } catch {
    try {
      return ((await import(SDK)) as { Runner?: unknown }).Runner;
    } catch {
      return undefined;
    }
  }
}

/** The span a tool event belongs to: the function span current where it was emitted. */
export function isToolSpan(span: AgentsSpan | undefined): span is AgentsSpan {
  return span?.spanData.type === 'function';
}
