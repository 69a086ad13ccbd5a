import { type Attributes, context, SpanKind, trace } from '@opentelemetry/api';
import { cheapSize } from './content.ts';
import { safeExecute } from './diag.ts';
import { TOOL_KEY } from './keys.ts';
import { runInSpan } from './run-in-span.ts';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_DESCRIPTION,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_TOOLSCOPE_SELECTION_CONFIDENCE,
  ATTR_TOOLSCOPE_TOOL_EXPECTED_PERFORMANCE,
  ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
} from './semconv.ts';
import { ToolscopeConfigError } from './shared/errors.ts';
import { validate } from './shared/validate.ts';
import { startToolCall, type ToolCallSpec } from './tool-call.ts';
import type { ToolInvocation, ToolOptions, ToolType } from './types.ts';

const TOOL_TYPES: readonly ToolType[] = ['function', 'extension', 'datastore'];

/** Validated tool options: the call's spec plus how to run it. */
interface ResolvedTool extends ToolCallSpec {
  readonly options: ToolOptions<unknown[], unknown>;
  readonly traceStreams: boolean;
}

/**
 * The validated spec of a tool call from tool options (throws `ToolscopeConfigError` naming the
 * field): what integrations pass to `startToolCall`.
 */
export function toolCallSpec(options: ToolOptions): ToolCallSpec {
  return resolveTool(options as unknown as ToolOptions<never[], never>);
}

function resolveTool(options: ToolOptions<never[], never>): ResolvedTool {
  if (options === null || typeof options !== 'object') {
    throw new ToolscopeConfigError('options', 'must be an object with at least { name }');
  }
  const name = validate.string('name', options.name);
  const type = validate.optionalOneOf('type', options.type, TOOL_TYPES) ?? 'function';
  const confidence = validate.optionalNumber('confidence', options.confidence, { min: 0, max: 1 });
  const expected = validate.optionalNumber('expectedPerformanceMs', options.expectedPerformanceMs, {
    min: 0,
  });
  validate.optionalString('fallbackFor', options.fallbackFor);
  if (typeof options.inputSize === 'number') {
    validate.number('inputSize', options.inputSize, { min: 0 });
  }
  const baseAttributes: Attributes = {
    ...options.attributes,
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
    [ATTR_GEN_AI_TOOL_NAME]: name,
    [ATTR_GEN_AI_TOOL_TYPE]: type,
  };
  if (options.description !== undefined) {
    baseAttributes[ATTR_GEN_AI_TOOL_DESCRIPTION] = options.description;
  }
  if (confidence !== undefined) baseAttributes[ATTR_TOOLSCOPE_SELECTION_CONFIDENCE] = confidence;
  if (expected !== undefined) baseAttributes[ATTR_TOOLSCOPE_TOOL_EXPECTED_PERFORMANCE] = expected;
  if (options.fallbackFor !== undefined) {
    baseAttributes[ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR] = options.fallbackFor;
  }
  const opts = options as unknown as ToolOptions<unknown[], unknown>;
  return {
    options: opts,
    name,
    type,
    kind: options.kind ?? SpanKind.INTERNAL,
    spanName: `${GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL} ${name}`,
    baseAttributes,
    captureContent: options.captureContent,
    expectedPerformanceMs: expected,
    confidence,
    fallbackFor: options.fallbackFor,
    outputSize: opts.outputSize as ((result: unknown) => number | undefined) | undefined,
    traceStreams: options.traceStreams ?? true,
  };
}

function callIdOf(tool: ResolvedTool, thisArg: unknown, args: unknown[]): string | undefined {
  const callId = tool.options.callId;
  if (callId === undefined || typeof callId === 'string') return callId;
  const id = safeExecute(
    `callId of ${tool.name}`,
    () => (callId as (...a: unknown[]) => string | undefined).apply(thisArg, args),
    undefined,
  );
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function inputSizeOf(tool: ResolvedTool, args: unknown[]): number | undefined {
  const inputSize = tool.options.inputSize;
  if (typeof inputSize === 'number') return inputSize;
  if (typeof inputSize === 'function') {
    return safeExecute(`inputSize of ${tool.name}`, () => inputSize(...args), undefined);
  }
  return args.length === 1 ? cheapSize(args[0]) : undefined;
}

function invokeTool(
  tool: ResolvedTool,
  thisArg: unknown,
  args: unknown[],
  run: (invocation: ToolInvocation | undefined) => unknown,
): unknown {
  const call = startToolCall(tool, {
    callId: callIdOf(tool, thisArg, args),
    inputSize: inputSizeOf(tool, args),
    args: args.length === 1 ? args[0] : args,
  });
  // Instrumentation must never break the call: without a handle it runs bare.
  if (call === undefined) return run(undefined);
  if (call.mode === 'join') return context.with(call.context, () => run(call.invocation));
  return runInSpan(
    call.context,
    () => run(call.invocation),
    (error, hasError, result) => call.end(hasError ? { error } : { result }),
    tool.traceStreams,
  );
}

/**
 * Wraps `fn` so every call is a tool invocation: an `execute_tool {name}` span, the
 * `gen_ai.execute_tool.duration` histogram, sizes, retries and fallbacks. Returns a function
 * of the same signature: sync stays sync, `this` is preserved, results and errors pass
 * through unchanged. Options are validated now (a bad option throws here, never later).
 *
 * @example
 * const search = traceTool(async (q: string) => api.search(q), { name: 'restaurant_search' });
 */
export function traceTool<F extends (...args: never[]) => unknown>(
  fn: F,
  options: ToolOptions<Parameters<F>, ReturnType<F>>,
): F {
  if (typeof fn !== 'function') throw new ToolscopeConfigError('fn', 'must be a function');
  const tool = resolveTool(options as ToolOptions<never[], never>);
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return invokeTool(tool, this, args, () =>
      (fn as unknown as (...a: unknown[]) => unknown).apply(this, args),
    );
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped as unknown as F;
}

/**
 * Runs `fn` now as one tool invocation and returns what it returns. `fn` receives the
 * invocation handle (retries, fallback, sizes, `fail`).
 *
 * @example
 * const hotels = await withTool({ name: 'hotel_search' }, async (call) => { ... });
 */
export function withTool<T>(options: ToolOptions<[], T>, fn: (invocation: ToolInvocation) => T): T {
  const tool = resolveTool(options as ToolOptions<never[], never>);
  return invokeTool(tool, undefined, [], (inv) => fn(inv ?? NOOP_INVOCATION)) as T;
}

/**
 * TC39 standard method decorator: every call of the method is a tool invocation. The name
 * defaults to the method's name.
 *
 * @example
 * class Tools { @tool({ type: 'extension' }) async search(q: string) { ... } }
 */
export function tool(options: Partial<ToolOptions> = {}) {
  return function decorate<This, Args extends unknown[], R>(
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => R {
    return traceTool(
      method as unknown as (...args: never[]) => R,
      {
        ...options,
        name: options.name ?? String(context.name),
      } as ToolOptions<never[], R>,
    ) as unknown as (this: This, ...args: Args) => R;
  };
}

/** The tool invocation active in the current context (inside a traced tool), if any. */
export function currentToolInvocation(): ToolInvocation | undefined {
  return context.active().getValue(TOOL_KEY) as ToolInvocation | undefined;
}

const NOOP_INVOCATION: ToolInvocation = {
  name: '',
  span: trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
  retryCount: 0,
  recordRetry() {},
  markFallbackFor() {},
  setInputSize() {},
  setOutputSize() {},
  fail() {},
  clearFailure() {},
  setAttributes() {},
};
