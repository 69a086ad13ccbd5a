/**
 * toolscope's AI SDK `Telemetry` integration: the AI SDK's own extension point (`Telemetry`
 * from `ai`: lifecycle callbacks plus the `executeTool` / `executeLanguageModelCall` wrappers),
 * registered first in the SDK's integration list so that its wrappers are the innermost ones.
 *
 * Per tool call, exactly one `execute_tool` span and one histogram point, through the core's
 * adoption rule:
 * - executed calls (success, thrown error, async-generator tools with preliminary results,
 *   approved tools): started in `executeTool`, where `@ai-sdk/otel`'s `execute_tool` span, when
 *   registered, is the active span and gets adopted; the tool runs in the call's context (so a
 *   `traceTool` inside joins it); the thrown value is taken from the wrapper's catch (the SDK's
 *   events only carry it filtered when `recordInputs`/`recordOutputs` are off); ended in
 *   `onToolExecutionEnd`, which carries the result;
 * - calls the SDK never executes (invalid input, unknown tool): no SDK event but the model
 *   call's content, where they are `tool-call` parts with `invalid: true` and the SDK's error
 *   (`AI_InvalidToolInputError`, `AI_NoSuchToolError`); recorded as failed calls there.
 * Each run is an agent invocation (`run.ts`); each step a framework step of the caller's
 * workflow.
 *
 * Every method is safe to call with any input and never throws into the AI SDK (the SDK
 * swallows callback errors, but not the wrappers').
 */
import { context, trace } from '@opentelemetry/api';
import { errorTypeOf } from '@toolscope/instrumentation';
import {
  boundName,
  isSpanOfToolCall,
  startToolCall,
  type ToolCallEnd,
} from '@toolscope/instrumentation/internal';
import type { Telemetry } from 'ai';
import { logger } from './diag.ts';
import { AiSdkRun, type PendingToolCall, type RunEnd } from './run.ts';
import { parentOf, sdkModelCallParent } from './sdk-spans.ts';
import type { ToolSpecs } from './tool-specs.ts';

type EventOf<K extends keyof Telemetry> =
  NonNullable<Telemetry[K]> extends (event: infer E) => unknown ? E : never;
type ExecuteToolOptions<T> = Omit<
  Parameters<NonNullable<Telemetry['executeTool']>>[0],
  'execute'
> & { execute: () => PromiseLike<T> };
type ModelCallOptions<T> = Omit<
  Parameters<NonNullable<Telemetry['executeLanguageModelCall']>>[0],
  'execute'
> & { execute: () => PromiseLike<T> };

/** Runs tracked at once; past this the oldest is forgotten (a stream never consumed). */
const MAX_RUNS = 10_000;
const ABORT_ERROR = 'AbortError';
/** The key of a run's model call among its wrapped calls (tool call ids are the others). */
const MODEL_CALL = '\u0000model-call';

/** Settings shared by every enabled `AiSdkInstrumentation` (the last one configured wins). */
export interface TelemetrySettings {
  readonly specs: ToolSpecs;
  agentRuns: boolean;
}

/** A tool-call part of a model response, as `onLanguageModelCallEnd` reports it. */
interface ToolCallPart {
  readonly type: 'tool-call';
  readonly toolCallId?: unknown;
  readonly toolName?: unknown;
  readonly input?: unknown;
  readonly invalid?: unknown;
  readonly providerExecuted?: unknown;
  readonly error?: unknown;
}

function isInvalidCall(part: unknown): part is ToolCallPart {
  if (part === null || typeof part !== 'object') return false;
  const p = part as Partial<ToolCallPart>;
  return p.type === 'tool-call' && p.invalid === true && p.providerExecuted !== true;
}

/** How many times `self` is in the SDK's global list (per-call lists are not visible). */
function timesRegistered(self: object): number {
  const list = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown })
    .AI_SDK_TELEMETRY_INTEGRATIONS;
  return Array.isArray(list) ? list.filter((i) => i === self).length : 1;
}

/** Whether an integration other than `self` that wraps model calls is registered globally. */
function otherIntegrationRegistered(self: object): boolean {
  const list = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown })
    .AI_SDK_TELEMETRY_INTEGRATIONS;
  return (
    Array.isArray(list) &&
    list.some(
      (i) =>
        i !== self &&
        typeof (i as { executeLanguageModelCall?: unknown } | null)?.executeLanguageModelCall ===
          'function',
    )
  );
}

export class ToolscopeTelemetry implements Telemetry {
  private readonly settings: TelemetrySettings;
  private readonly runs = new Map<string, AiSdkRun>();

  constructor(settings: TelemetrySettings) {
    this.settings = settings;
  }

  /**
   * The run of `callId`, known from its first model or tool call on (see `run.ts`): the
   * context active there is the caller's (or another integration's, derived from it).
   */
  private runFor(callId: unknown, modelId: unknown, functionId: unknown): AiSdkRun | undefined {
    if (typeof callId !== 'string') return undefined;
    let run = this.runs.get(callId);
    if (run !== undefined) return run;
    if (this.runs.size >= MAX_RUNS) {
      const oldest = this.runs.keys().next().value;
      if (oldest !== undefined) this.runs.delete(oldest);
    }
    const name =
      typeof functionId === 'string' && functionId !== ''
        ? functionId
        : typeof modelId === 'string' && modelId !== ''
          ? modelId
          : 'ai-sdk';
    run = new AiSdkRun(
      callId,
      context.active(),
      boundName(name, 'framework.name'),
      this.settings.agentRuns,
      timesRegistered(this),
    );
    this.runs.set(callId, run);
    return run;
  }

  async executeLanguageModelCall<T>(options: ModelCallOptions<T>): Promise<T> {
    const { callId, execute } = options;
    let run: AiSdkRun | undefined;
    let ctx: ReturnType<typeof context.active>;
    try {
      run = this.runFor(callId, options.modelId, options.functionId);
      if (run === undefined || !run.innermost(MODEL_CALL)) return execute();
      run.modelCallStarting();
      const near = sdkModelCallParent(trace.getActiveSpan());
      if (near !== undefined) run.noteSdkSpans(near);
      ctx = run.sdkSpans ? context.active() : run.ownContext();
    } catch (err) {
      logger.error('executeLanguageModelCall failed; model call untraced', err);
      return execute();
    }
    const current = run;
    try {
      const result = await context.with(ctx, execute);
      current.modelError = undefined;
      return result;
    } catch (err) {
      current.modelError = { value: err };
      throw err;
    }
  }

  async executeTool<T>(options: ExecuteToolOptions<T>): Promise<T> {
    const { callId, toolCallId, toolCall, execute } = options;
    let run: AiSdkRun | undefined;
    try {
      run = this.runFor(callId, undefined, options.functionId);
    } catch (err) {
      logger.error('executeTool failed; tool call untraced', err);
      return execute();
    }
    if (run !== undefined && !run.innermost(toolCallId)) return execute();
    const started = this.startExecutedCall(run, toolCallId, toolCall);
    if (started === undefined) return execute();
    if (started.handle.mode === 'join') return context.with(started.handle.context, execute);
    try {
      return await context.with(started.handle.context, execute);
    } catch (err) {
      started.error = { value: err };
      throw err;
    } finally {
      started.settled = true;
      // Without a run there is no `onToolExecutionEnd` bookkeeping: end now.
      if (run === undefined) this.endCall(started, undefined, undefined);
    }
  }

  onToolExecutionEnd(event: EventOf<'onToolExecutionEnd'>): void {
    try {
      const run = this.runs.get(event.callId);
      const id = event.toolCall?.toolCallId;
      const call = run?.tools.get(id);
      if (run === undefined || call === undefined) return;
      run.tools.delete(id);
      this.endCall(call, event.toolOutput, run);
    } catch (err) {
      logger.error('onToolExecutionEnd failed; ignored', err);
    }
  }

  onLanguageModelCallEnd(event: EventOf<'onLanguageModelCallEnd'>): void {
    try {
      const run = this.runs.get(event.callId);
      if (run === undefined) return;
      if (Array.isArray(event.content)) {
        for (const part of event.content as unknown[]) {
          if (isInvalidCall(part)) this.recordInvalidCall(run, part);
        }
      }
      run.modelCallEnded();
    } catch (err) {
      logger.error('onLanguageModelCallEnd failed; ignored', err);
    }
  }

  onEnd(event: EventOf<'onEnd'>): void {
    this.endRun((event as { callId?: unknown } | undefined)?.callId, {});
  }

  onError(event: unknown): void {
    const { callId, error } = (event ?? {}) as { callId?: unknown; error?: unknown };
    const run = typeof callId === 'string' ? this.runs.get(callId) : undefined;
    // The SDK's event carries a generic error when recordInputs/recordOutputs are off; the
    // model call's own error, seen by the wrapper, names the failure.
    this.endRun(callId, { error: run?.modelError?.value ?? error });
  }

  onAbort(event: EventOf<'onAbort'>): void {
    this.endRun((event as { callId?: unknown } | undefined)?.callId, { errorType: ABORT_ERROR });
  }

  /** Starts an executed tool call (adopting the other integration's span when active). */
  private startExecutedCall(
    run: AiSdkRun | undefined,
    toolCallId: string,
    toolCall: { toolName?: unknown; input?: unknown } | undefined,
  ): PendingToolCall | undefined {
    try {
      const spec = this.settings.specs.of(toolCall?.toolName);
      const active = context.active();
      const activeSpan = trace.getSpan(active);
      let parent = active;
      if (activeSpan !== undefined && isSpanOfToolCall(activeSpan, spec.name, toolCallId)) {
        run?.noteSdkSpans(parentOf(activeSpan));
      } else if (run !== undefined) {
        parent = run.ownContext();
      }
      const handle = startToolCall(spec, { parent, callId: toolCallId, args: toolCall?.input });
      if (handle === undefined) return undefined;
      const call: PendingToolCall = { handle, error: undefined, settled: false };
      if (handle.mode !== 'join') run?.tools.set(toolCallId, call);
      return call;
    } catch (err) {
      logger.error('starting an AI SDK tool call failed; running untraced', err);
      return undefined;
    }
  }

  /**
   * Ends an executed call with the wrapper's view of the outcome (the thrown value) or the
   * SDK's (`toolOutput`: the result, or an error the wrapper did not see).
   */
  private endCall(
    call: PendingToolCall,
    toolOutput: { type?: unknown; output?: unknown; error?: unknown } | undefined,
    run: AiSdkRun | undefined,
  ): void {
    let outcome: ToolCallEnd;
    if (call.error !== undefined) outcome = { error: call.error.value };
    else if (toolOutput?.type === 'tool-error') outcome = { error: toolOutput.error };
    else if (toolOutput?.type === 'tool-result') outcome = { result: toolOutput.output };
    else outcome = {};
    if ('error' in outcome) run?.noteToolFailure();
    call.handle.end(outcome);
  }

  /** A call the SDK rejected before executing it: one failed call, `error.type` the SDK's. */
  private recordInvalidCall(run: AiSdkRun, part: ToolCallPart): void {
    const id = typeof part.toolCallId === 'string' ? part.toolCallId : undefined;
    if (id !== undefined) {
      if (run.invalidSeen.has(id)) return;
      run.invalidSeen.add(id);
    }
    const handle = startToolCall(this.settings.specs.of(part.toolName), {
      parent: run.ownContext(),
      ...(id !== undefined ? { callId: id } : {}),
      args: part.input,
    });
    // The SDK's message quotes the model's input: content, so only the type is recorded.
    handle?.end({ errorType: errorTypeOf(part.error) });
    run.noteToolFailure();
  }

  private endRun(callId: unknown, outcome: RunEnd): void {
    try {
      if (typeof callId !== 'string') return;
      const run = this.runs.get(callId);
      if (run === undefined) return;
      this.runs.delete(callId);
      const interrupted: ToolCallEnd =
        'error' in outcome ? { error: outcome.error } : { errorType: ABORT_ERROR };
      run.end(outcome, otherIntegrationRegistered(this), (call) => {
        if (call.settled) this.endCall(call, undefined, undefined);
        else call.handle.end(interrupted);
      });
    } catch (err) {
      logger.error('ending an AI SDK run failed; ignored', err);
    }
  }
}
