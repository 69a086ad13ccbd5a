import { context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { applyCorrelation, setCorrelationId } from './correlation.ts';
import { logger } from './diag.ts';
import { emitInvocation, hasInvocationListeners } from './listeners.ts';
import { getTracer } from './providers.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR,
  ATTR_TOOLSCOPE_TOOL_INPUT_SIZE,
  ATTR_TOOLSCOPE_TOOL_OUTPUT_SIZE,
  ATTR_TOOLSCOPE_TOOL_RETRY_COUNT,
  ATTR_TOOLSCOPE_WORKFLOW_OUTCOME,
  ATTR_TOOLSCOPE_WORKFLOW_STEPS_COMPLETED,
  ATTR_TOOLSCOPE_WORKFLOW_STEPS_TOTAL,
  ATTR_TOOLSCOPE_WORKFLOW_TOOLS,
  ERROR_TYPE_VALUE_OTHER,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
} from './semconv.ts';
import { ToolscopeConfigError } from './shared/errors.ts';
import { validate } from './shared/validate.ts';
import { recordToolMetrics, recordToolRetries } from './tool-metrics.ts';
import type {
  ToolType,
  TrackToolInvocationInput,
  TrackWorkflowExecutionInput,
  WorkflowOutcome,
} from './types.ts';
import { recordWorkflowMetrics } from './workflow-run.ts';

const TOOL_TYPES: readonly ToolType[] = ['function', 'extension', 'datastore'];

function endTimeOf(field: string, value: number | Date | undefined): number {
  if (value === undefined) return Date.now();
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new ToolscopeConfigError(field, 'must be epoch milliseconds or a valid Date');
  }
  return ms;
}

function requireDuration(field: string, value: unknown): number {
  if (value === undefined)
    throw new ToolscopeConfigError(field, 'is required (milliseconds, >= 0)');
  return validate.number(field, value, { min: 0 });
}

function startSpan(
  name: string,
  attributes: Record<string, string | number>,
  startMs: number,
  correlationId: string | undefined,
): Span {
  let parent = context.active();
  if (correlationId !== undefined) parent = setCorrelationId(parent, correlationId);
  const span = getTracer().startSpan(
    name,
    { kind: SpanKind.INTERNAL, attributes, startTime: startMs },
    parent,
  );
  applyCorrelation(span, parent);
  return span;
}

/**
 * Records a tool call measured elsewhere (the seed's `track_tool_invocation`): the same
 * `execute_tool` span, with the given start and end times, and the same metrics as the
 * wrappers. Bad input is never thrown into the caller (this runs while serving requests):
 * it is logged through the diag logger, naming the field and what is allowed, and nothing is
 * recorded.
 */
export function trackToolInvocation(input: TrackToolInvocationInput): void {
  try {
    recordToolInvocation(input);
  } catch (err) {
    reportRejected('trackToolInvocation', err);
  }
}

/** Logs a rejected manual record: the field and the fix, through diag; never throws. */
function reportRejected(api: string, err: unknown): void {
  if (err instanceof ToolscopeConfigError) {
    logger.error(`${api}: ${err.message}; nothing was recorded`);
  } else {
    logger.error(`${api} failed; nothing was recorded`, err);
  }
}

function recordToolInvocation(input: TrackToolInvocationInput): void {
  if (input === null || typeof input !== 'object') {
    throw new ToolscopeConfigError('input', 'must be an object');
  }
  const tool = validate.string('tool', input.tool);
  const toolType = validate.optionalOneOf('toolType', input.toolType, TOOL_TYPES) ?? 'function';
  const responseTimeMs = requireDuration('responseTimeMs', input.responseTimeMs);
  if (typeof input.success !== 'boolean') {
    throw new ToolscopeConfigError('success', 'must be true or false');
  }
  const inputSize = validate.optionalNumber('inputSize', input.inputSize, { min: 0 });
  const outputSize = validate.optionalNumber('outputSize', input.outputSize, { min: 0 });
  const retryCount = validate.optionalNumber('retryCount', input.retryCount, { min: 0 }) ?? 0;
  if (input.fallbackFor !== undefined) validate.string('fallbackFor', input.fallbackFor);
  if (input.correlationId !== undefined) validate.string('correlationId', input.correlationId);
  const endMs = endTimeOf('endTime', input.endTime);
  const errorType = input.success ? undefined : input.errorType || ERROR_TYPE_VALUE_OTHER;

  try {
    const attributes: Record<string, string | number> = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
      [ATTR_GEN_AI_TOOL_NAME]: tool,
      [ATTR_GEN_AI_TOOL_TYPE]: toolType,
    };
    if (input.callId !== undefined) attributes[ATTR_GEN_AI_TOOL_CALL_ID] = input.callId;
    if (retryCount > 0) attributes[ATTR_TOOLSCOPE_TOOL_RETRY_COUNT] = retryCount;
    if (input.fallbackFor !== undefined)
      attributes[ATTR_TOOLSCOPE_TOOL_FALLBACK_FOR] = input.fallbackFor;
    if (inputSize !== undefined) attributes[ATTR_TOOLSCOPE_TOOL_INPUT_SIZE] = inputSize;
    if (outputSize !== undefined) attributes[ATTR_TOOLSCOPE_TOOL_OUTPUT_SIZE] = outputSize;
    if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
    const span = startSpan(
      `${GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL} ${tool}`,
      attributes,
      endMs - responseTimeMs,
      input.correlationId,
    );
    if (errorType !== undefined) {
      span.addEvent('exception', { 'exception.type': errorType }, endMs);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(endMs);
    const durationS = responseTimeMs / 1000;
    recordToolMetrics(
      tool,
      toolType,
      durationS,
      errorType,
      inputSize,
      outputSize,
      input.fallbackFor,
    );
    recordToolRetries(tool, toolType, retryCount);
    if (hasInvocationListeners()) {
      emitInvocation({
        kind: 'tool',
        name: tool,
        toolType,
        durationS,
        endTimeMs: endMs,
        errorType,
        retryCount,
        fallbackFor: input.fallbackFor,
        inputSize,
        outputSize,
        expectedPerformanceMs: undefined,
        confidence: undefined,
        workflow: undefined,
      });
    }
  } catch (err) {
    logger.error('trackToolInvocation failed to record; ignored', err);
  }
}

/**
 * Records a workflow run measured elsewhere (the seed's `track_workflow_execution`): the same
 * `invoke_workflow` span, with the given start and end times, and the same metrics as the
 * wrappers. The outcome is `failed` when `success` is false, `partial` when fewer than
 * `totalSteps` steps completed, else `completed`.
 */
export function trackWorkflowExecution(input: TrackWorkflowExecutionInput): void {
  try {
    recordWorkflowExecution(input);
  } catch (err) {
    reportRejected('trackWorkflowExecution', err);
  }
}

function recordWorkflowExecution(input: TrackWorkflowExecutionInput): void {
  if (input === null || typeof input !== 'object') {
    throw new ToolscopeConfigError('input', 'must be an object');
  }
  const name = validate.string('workflowId', input.workflowId);
  const executionTimeMs = requireDuration('executionTimeMs', input.executionTimeMs);
  if (typeof input.success !== 'boolean') {
    throw new ToolscopeConfigError('success', 'must be true or false');
  }
  const totalSteps = validate.optionalNumber('totalSteps', input.totalSteps, { min: 0 });
  const stepsCompleted =
    validate.optionalNumber('stepsCompleted', input.stepsCompleted, { min: 0 }) ??
    (input.success ? (totalSteps ?? 0) : 0);
  const toolsUsed = input.toolsUsed ?? [];
  if (!Array.isArray(toolsUsed) || toolsUsed.some((t) => typeof t !== 'string')) {
    throw new ToolscopeConfigError('toolsUsed', 'must be an array of tool names');
  }
  if (input.correlationId !== undefined) validate.string('correlationId', input.correlationId);
  const endMs = endTimeOf('endTime', input.endTime);
  const outcome: WorkflowOutcome = !input.success
    ? 'failed'
    : totalSteps !== undefined && stepsCompleted < totalSteps
      ? 'partial'
      : 'completed';
  const errorType = input.success ? undefined : input.errorType || ERROR_TYPE_VALUE_OTHER;

  try {
    const attributes: Record<string, string | number> = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
      [ATTR_GEN_AI_WORKFLOW_NAME]: name,
      [ATTR_TOOLSCOPE_WORKFLOW_STEPS_COMPLETED]: stepsCompleted,
      [ATTR_TOOLSCOPE_WORKFLOW_OUTCOME]: outcome,
    };
    if (totalSteps !== undefined) attributes[ATTR_TOOLSCOPE_WORKFLOW_STEPS_TOTAL] = totalSteps;
    if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
    const span = startSpan(
      `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW} ${name}`,
      attributes,
      endMs - executionTimeMs,
      input.correlationId,
    );
    span.setAttribute(ATTR_TOOLSCOPE_WORKFLOW_TOOLS, [...toolsUsed]);
    if (errorType !== undefined) {
      span.addEvent('exception', { 'exception.type': errorType }, endMs);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(endMs);
    const durationS = executionTimeMs / 1000;
    recordWorkflowMetrics(name, durationS, outcome, errorType);
    if (hasInvocationListeners()) {
      emitInvocation({
        kind: 'workflow',
        name,
        durationS,
        endTimeMs: endMs,
        outcome,
        errorType,
        stepsCompleted,
        totalSteps,
        toolsUsed: [...toolsUsed],
      });
    }
  } catch (err) {
    logger.error('trackWorkflowExecution failed to record; ignored', err);
  }
}
