import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { config } from './config.ts';
import { captureContent, cheapSize } from './content.ts';
import { applyCorrelation } from './correlation.ts';
import { logger, safeExecute } from './diag.ts';
import { errorTypeOf } from './error-type.ts';
import { TOOL_KEY, WORKFLOW_KEY } from './keys.ts';
import { emitInvocation, hasInvocationListeners } from './listeners.ts';
import { getTracer } from './providers.ts';
import { runInSpan } from './run-in-span.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_DESCRIPTION,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_TOOLSCOPE_SELECTION_CONFIDENCE,
  ATTR_TOOLSCOPE_TOOL_EXPECTED_PERFORMANCE,
  ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR,
  ATTR_TOOLSCOPE_TOOL_INPUT_SIZE,
  ATTR_TOOLSCOPE_TOOL_OUTPUT_SIZE,
  ATTR_TOOLSCOPE_TOOL_RETRY_COUNT,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
} from './semconv.ts';
import { ToolscopeConfigError } from './shared/errors.ts';
import { validate } from './shared/validate.ts';
import { recordToolMetrics, recordToolRetries } from './tool-metrics.ts';
import type { ToolInvocation, ToolOptions, ToolType } from './types.ts';
import type { WorkflowRunImpl } from './workflow-run.ts';

const TOOL_TYPES: readonly ToolType[] = ['function', 'extension', 'datastore'];

/** Validated tool options plus the span attributes that do not change between calls. */
interface ResolvedTool {
  readonly options: ToolOptions<unknown[], unknown>;
  readonly name: string;
  readonly type: ToolType;
  readonly kind: SpanKind;
  readonly spanName: string;
  readonly baseAttributes: Attributes;
  readonly traceStreams: boolean;
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
  return {
    options: options as unknown as ToolOptions<unknown[], unknown>,
    name,
    type,
    kind: options.kind ?? SpanKind.INTERNAL,
    spanName: `${GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL} ${name}`,
    baseAttributes,
    traceStreams: options.traceStreams ?? true,
  };
}

/** The state of one tool call; also the `ToolInvocation` handle users see. */
class ToolInvocationImpl implements ToolInvocation {
  readonly span: Span;
  retryCount = 0;
  private readonly tool: ResolvedTool;
  private readonly startMs: number;
  private readonly workflow: WorkflowRunImpl | undefined;
  private fallbackFor: string | undefined;
  private inputSize: number | undefined;
  private outputSize: number | undefined;
  private failure: { errorType: string; message: string | undefined } | undefined;

  constructor(tool: ResolvedTool, span: Span, workflow: WorkflowRunImpl | undefined) {
    this.tool = tool;
    this.span = span;
    this.workflow = workflow;
    this.startMs = performance.now();
    this.fallbackFor = tool.options.fallbackFor;
  }

  get name(): string {
    return this.tool.name;
  }

  recordRetry(errorType?: string): void {
    this.retryCount++;
    try {
      this.span.addEvent('retry', {
        'toolscope.retry.attempt': this.retryCount,
        ...(errorType !== undefined ? { [ATTR_ERROR_TYPE]: errorType } : {}),
      });
      recordToolRetries(this.tool.name, this.tool.type, 1);
    } catch (err) {
      logger.error('recordRetry failed; ignored', err);
    }
  }

  markFallbackFor(toolName: string): void {
    if (typeof toolName !== 'string' || toolName === '') return;
    this.fallbackFor = toolName;
    this.span.setAttribute(ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR, toolName);
  }

  setInputSize(bytes: number): void {
    if (Number.isFinite(bytes) && bytes >= 0) this.inputSize = bytes;
  }

  setOutputSize(bytes: number): void {
    if (Number.isFinite(bytes) && bytes >= 0) this.outputSize = bytes;
  }

  fail(errorType: string, message?: string): void {
    this.failure = { errorType: errorType || '_OTHER', message };
  }

  clearFailure(): void {
    this.failure = undefined;
  }

  setAttributes(attributes: Attributes): void {
    this.span.setAttributes(attributes);
  }

  /** Called once by `runInSpan` when the call really ends. */
  finish(error: unknown, hasError: boolean, result: unknown): void {
    const durationS = (performance.now() - this.startMs) / 1000;
    const span = this.span;
    const tool = this.tool;
    let errorType: string | undefined;
    if (hasError) {
      errorType = errorTypeOf(error);
      span.recordException(
        error instanceof Error || (error !== null && typeof error === 'object')
          ? (error as Error)
          : String(error),
      );
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : undefined,
      });
    } else if (this.failure !== undefined) {
      errorType = this.failure.errorType;
      span.addEvent('exception', {
        'exception.type': errorType,
        ...(this.failure.message !== undefined
          ? { 'exception.message': this.failure.message }
          : {}),
      });
      span.setStatus({ code: SpanStatusCode.ERROR, message: this.failure.message });
    } else {
      if (this.outputSize === undefined) {
        const fn = tool.options.outputSize;
        this.outputSize =
          fn !== undefined
            ? safeExecute(`outputSize of ${tool.name}`, () => fn(result), undefined)
            : cheapSize(result);
      }
      if (tool.options.captureContent ?? config.captureContent) {
        captureContent(span, ATTR_GEN_AI_TOOL_CALL_RESULT, 'result', tool.name, result);
      }
    }
    if (errorType !== undefined) span.setAttribute(ATTR_ERROR_TYPE, errorType);
    if (this.retryCount > 0) span.setAttribute(ATTR_TOOLSCOPE_TOOL_RETRY_COUNT, this.retryCount);
    if (this.inputSize !== undefined)
      span.setAttribute(ATTR_TOOLSCOPE_TOOL_INPUT_SIZE, this.inputSize);
    if (this.outputSize !== undefined) {
      span.setAttribute(ATTR_TOOLSCOPE_TOOL_OUTPUT_SIZE, this.outputSize);
    }
    span.end();

    recordToolMetrics(
      tool.name,
      tool.type,
      durationS,
      errorType,
      this.inputSize,
      this.outputSize,
      this.fallbackFor,
    );
    this.workflow?.noteTool(tool.name, errorType === undefined);
    if (hasInvocationListeners()) {
      emitInvocation({
        kind: 'tool',
        name: tool.name,
        toolType: tool.type,
        durationS,
        endTimeMs: Date.now(),
        errorType,
        retryCount: this.retryCount,
        fallbackFor: this.fallbackFor,
        inputSize: this.inputSize,
        outputSize: this.outputSize,
        expectedPerformanceMs: tool.options.expectedPerformanceMs,
        confidence: tool.options.confidence,
        workflow: this.workflow?.name,
      });
    }
  }
}

function invokeTool(
  tool: ResolvedTool,
  thisArg: unknown,
  args: unknown[],
  run: (invocation: ToolInvocationImpl) => unknown,
): unknown {
  let invocation: ToolInvocationImpl;
  let ctx: Context;
  let started: Span | undefined;
  try {
    const parent = context.active();
    const span = getTracer().startSpan(
      tool.spanName,
      { kind: tool.kind, attributes: tool.baseAttributes },
      parent,
    );
    started = span;
    applyCorrelation(span, parent);
    const options = tool.options;
    if (options.callId !== undefined) {
      const callId =
        typeof options.callId === 'string'
          ? options.callId
          : safeExecute(
              `callId of ${tool.name}`,
              () =>
                (options.callId as (...a: unknown[]) => string | undefined).apply(thisArg, args),
              undefined,
            );
      if (callId !== undefined) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_ID, callId);
    }
    invocation = new ToolInvocationImpl(
      tool,
      span,
      parent.getValue(WORKFLOW_KEY) as WorkflowRunImpl | undefined,
    );
    const inputSize = options.inputSize;
    invocation.setInputSize(
      typeof inputSize === 'number'
        ? inputSize
        : typeof inputSize === 'function'
          ? (safeExecute(`inputSize of ${tool.name}`, () => inputSize(...args), undefined) ??
            Number.NaN)
          : args.length === 1
            ? (cheapSize(args[0]) ?? Number.NaN)
            : Number.NaN,
    );
    if (options.captureContent ?? config.captureContent) {
      captureContent(
        span,
        ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
        'arguments',
        tool.name,
        args.length === 1 ? args[0] : args,
      );
    }
    ctx = trace.setSpan(parent, span).setValue(TOOL_KEY, invocation);
  } catch (err) {
    // Instrumentation must never break the call: run it bare.
    logger.error(`starting the span of tool ${tool.name} failed; running untraced`, err);
    try {
      started?.end();
    } catch {
      // The span is unusable; nothing more to do.
    }
    return run(undefined as unknown as ToolInvocationImpl);
  }
  const inv = invocation;
  return runInSpan(
    ctx,
    () => run(inv),
    (error, hasError, result) => inv.finish(error, hasError, result),
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
