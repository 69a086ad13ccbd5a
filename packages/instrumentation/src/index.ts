export { InvocationStore } from './aggregate/invocation-store.ts';
export { AlertCenter, getAlertCenter } from './alerts/alert-center.ts';
export { configureInstrumentation } from './config.ts';
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
export { resetInstrumentation } from './reset.ts';
export {
  ALERT_FACTOR,
  HEALTH_FACTOR,
  NO_HEALTH_FACTOR,
  ToolSelector,
} from './selection/tool-selector.ts';
export * as semconv from './semconv.ts';
export {
  DURATION_BUCKETS_SECONDS,
  INSTRUMENTATION_SCOPE,
  PAYLOAD_BUCKETS_BYTES,
  TOOLSCOPE_CORRELATION_ID,
} from './semconv.ts';
export { ToolscopeConfigError, ToolscopeError } from './shared/errors.ts';
export { TOOLSCOPE_VERSION } from './shared/version.ts';
export { currentToolInvocation, tool, traceTool, withTool } from './tool.ts';
export type {
  Alert,
  AlertEvent,
  AlertKind,
  AlertListener,
  AlertSeverity,
  CandidateTool,
  DistributionSummary,
  FireAlertInput,
  HealthState,
  InstrumentationConfig,
  InvocationListener,
  InvocationRecord,
  InvocationStoreOptions,
  Monitor,
  MonitorOptions,
  RankedTool,
  RedactInput,
  ResolveAlertInput,
  SelectorStats,
  TimeWindow,
  ToolHealth,
  ToolInvocation,
  ToolInvocationRecord,
  ToolOptions,
  ToolSelectorOptions,
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
export { currentWorkflow, traceWorkflow, withWorkflow, workflow } from './workflow.ts';
