/**
 * `@toolscope/instrumentation/internal`: the layer the other toolscope packages share — the
 * one definition of each concept they all need (names, the metric catalogue and its
 * Prometheus names, alert names, config errors and validators, the config key convention,
 * the duration grammar, provider resolution, the bound for outside strings, the terminal and
 * Markdown sanitisers, URL and header redaction). Not a public API: it may change in any
 * release; applications import from `@toolscope/instrumentation`. `docs/architecture.md`
 * maps each concept to its file.
 */
export {
  type Adoption,
  adoptionFor,
  isSpanOfToolCall,
  type JoinableInvocation,
  registerToolCall,
} from './adopt.ts';
export {
  type AgentRunHandle,
  type AgentRunStart,
  startAgentRun,
} from './agent-run.ts';
export { LogHistogram } from './aggregate/log-histogram.ts';
export {
  ALERT_KIND_LABEL,
  alertKindOf,
  BUNDLED_ALERT_KINDS,
  OBJECTIVE_ALERT_NAMES,
  type ObjectiveAlertKind,
} from './alerts/alert-names.ts';
export { applyCorrelation } from './correlation.ts';
export { logger as coreLogger, safeExecute } from './diag.ts';
export { readProperty } from './error-type.ts';
export { HEALTH_STATES } from './health-registry.ts';
export { STEP_KEY, TOOL_KEY, WORKFLOW_KEY } from './keys.ts';
export { emitInvocation, hasInvocationListeners } from './listeners.ts';
export { isMetricName, metricNameOf } from './metrics/cardinality.ts';
export * from './metrics/catalogue.ts';
export { createCounter, createHistogram, createObservableGauge } from './metrics/create.ts';
export {
  disablePreAggregatedMetrics,
  enablePreAggregatedMetrics,
  getRecorders,
  type PreAggregatedMetrics,
  type Recorders,
} from './metrics/instruments.ts';
export type {
  ExponentialHistogramPoint,
  HistogramAggregation,
  HistogramCell,
  MetricSnapshot,
  SumCell,
} from './metrics/pre-aggregated.ts';
export {
  EXPONENTIAL_MAX_SIZE,
  PreAggregatedExponentialHistogram,
  prometheusNativeBuckets,
} from './metrics/pre-aggregated.ts';
export {
  PROM_LABELS,
  PROM_METRICS,
  prometheusLabel,
  prometheusMetricName,
} from './metrics/prometheus-names.ts';
export {
  flushMeterProvider,
  getTracer,
  instrumentsGetter,
  resolveMeterProvider,
  resolveTracerProvider,
  tracerGetter,
} from './providers.ts';
export { type Finish, runInSpan } from './run-in-span.ts';
export * from './semconv.ts';
export {
  boundName,
  boundText,
  DEFAULT_PEER_STRING_LIMITS,
  peerStringLimits,
  safeString,
  type TruncationSite,
  truncate,
  truncationCounts,
} from './shared/bound.ts';
export { checkConfigSize, readConfigFile } from './shared/config-file.ts';
export {
  describeBytes,
  describeFileError,
  describeJsonError,
  describeShape,
  describeValue,
} from './shared/describe.ts';
export {
  DURATION_SYNTAX,
  type Duration,
  durationMs,
  formatDuration,
  formatLatencyMs,
  optionalDuration,
  parseDuration,
  promDuration,
  significant,
} from './shared/duration.ts';
export {
  type ConfigErrorFactory,
  configError,
  isInstance,
  ToolscopeConfigError,
  ToolscopeError,
} from './shared/errors.ts';
export {
  camelCaseKey,
  type FieldReader,
  type FieldSpec,
  type ReadFieldsOptions,
  readFields,
  warnOnce,
} from './shared/fields.ts';
export { LIMITS } from './shared/limits.ts';
export { seededRandom } from './shared/random.ts';
export {
  credentialsAsHeader,
  isSecretHeader,
  REDACTED,
  redactHeaders,
  redactUrl,
  splitCredentials,
} from './shared/redact.ts';
export {
  htmlText,
  markdownCode,
  markdownText,
  terminalText,
  unsafeCharacter,
} from './shared/sanitize.ts';
export { envServiceName, serviceNameProblem } from './shared/service-name.ts';
export { REPEATED_SIGNAL_WINDOW_MS } from './shared/signals.ts';
export {
  describeRange,
  httpHeaderProblem,
  isRecord,
  type NumberRange,
  type Validators,
  validate,
  validators,
} from './shared/validate.ts';
export { TOOLSCOPE_VERSION } from './shared/version.ts';
export {
  callSeconds,
  clockFor,
  endedSpanSeconds,
  recordError,
  setErrorStatus,
  whenForeignSpanEnds,
} from './span-outcome.ts';
export { toolCallSpec } from './tool.ts';
export {
  startToolCall,
  type ToolCallEnd,
  type ToolCallHandle,
  type ToolCallSpec,
  type ToolCallStart,
} from './tool-call.ts';
export { type FrameworkToolOptions, frameworkToolSpec } from './tool-specs.ts';
export {
  type FrameworkStepOptions,
  frameworkStepOf,
  noteFrameworkStep,
  startFrameworkStep,
  startWorkflowRun,
  type WorkflowRunHandle,
} from './workflow.ts';
export type { FrameworkStep } from './workflow-run.ts';
