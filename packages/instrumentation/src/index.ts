export { InvocationStore } from './aggregate/invocation-store.ts';
export { LogHistogram } from './aggregate/log-histogram.ts';
export { AlertCenter, getAlertCenter } from './alerts/alert-center.ts';
export { configureInstrumentation, resetInstrumentation } from './config.ts';
export { getCorrelationId, setCorrelationId, withCorrelationId } from './correlation.ts';
export { errorTypeOf } from './error-type.ts';
export {
  clearToolHealth,
  getToolHealth,
  listToolHealth,
  setToolHealth,
  subscribeToolHealth,
} from './health-registry.ts';
export { subscribeInvocations } from './listeners.ts';
export { trackToolInvocation, trackWorkflowExecution } from './manual.ts';
export type { HistogramCell, MetricSnapshot, SumCell } from './metrics/pre-aggregated.ts';
export * as semconv from './semconv.ts';
export {
  DURATION_BUCKETS_SECONDS,
  INSTRUMENTATION_SCOPE,
  PAYLOAD_BUCKETS_BYTES,
  TOOLSCOPE_CORRELATION_ID,
} from './semconv.ts';
export {
  disablePreAggregatedMetrics,
  enablePreAggregatedMetrics,
  type PreAggregatedMetrics,
} from './telemetry.ts';
export { currentToolInvocation, tool, traceTool, withTool } from './tool.ts';
export type {
  Alert,
  AlertEvent,
  AlertKind,
  AlertListener,
  AlertSeverity,
  DistributionSummary,
  FireAlertInput,
  HealthState,
  InstrumentationConfig,
  InvocationListener,
  InvocationRecord,
  InvocationStoreOptions,
  RedactInput,
  ResolveAlertInput,
  TimeWindow,
  ToolHealth,
  ToolInvocation,
  ToolInvocationRecord,
  ToolOptions,
  ToolType,
  ToolWindowStats,
  TrackToolInvocationInput,
  TrackWorkflowExecutionInput,
  WorkflowExecutionRecord,
  WorkflowOptions,
  WorkflowOutcome,
  WorkflowRun,
  WorkflowWindowStats,
} from './types.ts';
export { ToolscopeConfigError } from './validate.ts';
export { currentWorkflow, traceWorkflow, withWorkflow, workflow } from './workflow.ts';
