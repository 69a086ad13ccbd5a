/** The core's config error, thrown for bad objectives and options. */
export { ToolscopeConfigError } from '@toolscope/instrumentation';
export { compileObjectives } from './compile.ts';
export { loadObjectives, parseObjectives } from './load.ts';
export { ObjectiveMonitor } from './monitor.ts';
export { renderPrometheusRules } from './prometheus.ts';
export type {
  CompiledObjectives,
  CompileOptions,
  DurationInput,
  LatencyBound,
  ObjectiveBounds,
  ObjectiveCheck,
  ObjectiveKind,
  ObjectiveMonitorOptions,
  ObjectivesConfig,
  PrometheusRulesOptions,
  ResolvedObjective,
  SeverityPolicy,
  SubjectKind,
} from './types.ts';
