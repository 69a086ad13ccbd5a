export { buildReport, REPORT_SCHEMA_VERSION } from './build-report.ts';
export {
  EmptyWindowError,
  NoToolscopeMetricsError,
  PrometheusQueryError,
  PrometheusUnreachableError,
  ReportConfigError,
  ToolscopeReportError,
} from './errors.ts';
export { HealthHistory } from './health-history.ts';
export { renderHtml } from './render/html.ts';
export { renderJson } from './render/json.ts';
export { renderMarkdown } from './render/markdown.ts';
export { parseReportFormat, REPORT_FORMATS, renderReport } from './render/render.ts';
export { renderText } from './render/text.ts';
export { DEFAULT_THRESHOLDS } from './rules/thresholds.ts';
export {
  errorRateSpike,
  flappingTool,
  heavyFallback,
  heavyRetry,
  highErrorRate,
  lowVolume,
  openAlerts,
  p95Regression,
  slowerThanExpected,
  TOOL_RULES,
  unhealthyTool,
} from './rules/tool-rules.ts';
export { WORKFLOW_RULES, workflowCompletion, workflowDegraded } from './rules/workflow-rules.ts';
export { InProcessSource } from './sources/in-process.ts';
export { PrometheusSource } from './sources/prometheus.ts';
export type { PrometheusQueries } from './sources/prometheus-queries.ts';
export { buildQueries, windowIncrease } from './sources/prometheus-queries.ts';
export { BucketDistribution } from './stats/bucket-distribution.ts';
export type {
  BucketInterpolation,
  BucketQuantile,
  CumulativeBucket,
} from './stats/bucket-quantile.ts';
export { bucketLayoutBound, quantileFromBuckets } from './stats/bucket-quantile.ts';
export { computeTrend } from './trends.ts';
export type {
  AccuracyStatement,
  AlertEntry,
  DurationStats,
  HealthEntry,
  HealthHistorySource,
  HealthTransition,
  HtmlOptions,
  InProcessSourceOptions,
  PayloadStats,
  PrometheusSourceOptions,
  Recommendation,
  RecommendationSeverity,
  Report,
  ReportFormat,
  ReportOptions,
  ReportSource,
  SourceSnapshot,
  Thresholds,
  ToolReport,
  ToolRule,
  ToolRuleContext,
  ToolSample,
  Trend,
  TrendPoint,
  WindowInfo,
  WorkflowReport,
  WorkflowRule,
  WorkflowRuleContext,
  WorkflowSample,
} from './types.ts';
