import type {
  ToolInvocationRecord,
  ToolType,
  WorkflowExecutionRecord,
  WorkflowOutcome,
} from '@toolscope/instrumentation';

/** A finished tool call record with defaults (success, function, no sizes). */
export function toolRecord(
  name: string,
  durationS: number,
  endTimeMs: number,
  extra: Partial<Omit<ToolInvocationRecord, 'kind' | 'name' | 'durationS' | 'endTimeMs'>> = {},
): ToolInvocationRecord {
  return {
    kind: 'tool',
    name,
    toolType: 'function' as ToolType,
    durationS,
    endTimeMs,
    errorType: undefined,
    retryCount: 0,
    fallbackFor: undefined,
    inputSize: undefined,
    outputSize: undefined,
    expectedPerformanceMs: undefined,
    confidence: undefined,
    workflow: undefined,
    ...extra,
  };
}

/** A finished workflow record. */
export function workflowRecord(
  name: string,
  durationS: number,
  endTimeMs: number,
  outcome: WorkflowOutcome,
  stepsCompleted: number,
  toolsUsed: readonly string[],
): WorkflowExecutionRecord {
  return {
    kind: 'workflow',
    name,
    durationS,
    endTimeMs,
    outcome,
    errorType: outcome === 'failed' ? 'StepFailed' : undefined,
    stepsCompleted,
    totalSteps: 3,
    toolsUsed,
  };
}
