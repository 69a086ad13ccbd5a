/**
 * Typed errors of the report package. Each carries a message a person can act on; the CLI
 * maps them to exit code 2 (usage, configuration, unreachable or empty data source).
 */

/** Base class: every error the report package throws on purpose. */
export class ToolscopeReportError extends Error {
  override readonly name: string = 'ToolscopeReportError';
}

/** A bad option: names the field and the fix. Thrown at set-up time. */
export class ReportConfigError extends ToolscopeReportError {
  override readonly name: string = 'ReportConfigError';
  /** The option that is wrong, for example `window` or `format`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** Prometheus could not be reached (refused, DNS, timeout). */
export class PrometheusUnreachableError extends ToolscopeReportError {
  override readonly name: string = 'PrometheusUnreachableError';
  readonly url: string;
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(
      `Prometheus at ${url} is unreachable (${reason}). Check the --prometheus URL and that Prometheus is running.`,
      options,
    );
    this.url = url;
  }
}

/** Prometheus answered, but not with a usable API response (HTTP error, bad JSON, bad query). */
export class PrometheusQueryError extends ToolscopeReportError {
  override readonly name: string = 'PrometheusQueryError';
  readonly url: string;
  /** The PromQL expression, when the error is about one query. */
  readonly query: string | undefined;
  constructor(url: string, message: string, query?: string) {
    super(`Prometheus at ${url}: ${message}${query === undefined ? '' : ` (query: ${query})`}`);
    this.url = url;
    this.query = query;
  }
}

/** Prometheus answers but holds none of toolscope's metrics at all. */
export class NoToolscopeMetricsError extends ToolscopeReportError {
  override readonly name: string = 'NoToolscopeMetricsError';
  readonly url: string;
  constructor(url: string) {
    super(
      `Prometheus at ${url} has no toolscope metrics (no gen_ai_execute_tool_duration_seconds, gen_ai_workflow_duration_seconds or toolscope_* series). Check that the collector's prometheus exporter is scraped by this Prometheus and that the application exports to the collector.`,
    );
    this.url = url;
  }
}

/** The window holds no tool calls and no workflow executions. */
export class EmptyWindowError extends ToolscopeReportError {
  override readonly name: string = 'EmptyWindowError';
  readonly fromMs: number;
  readonly toMs: number;
  constructor(source: string, fromMs: number, toMs: number, label: string) {
    super(
      `no tool calls or workflow executions in the last ${label} (${new Date(fromMs).toISOString()} – ${new Date(toMs).toISOString()}) from ${source}. Widen the window (for example --window 1h) or check that the application is running.`,
    );
    this.fromMs = fromMs;
    this.toMs = toMs;
  }
}
