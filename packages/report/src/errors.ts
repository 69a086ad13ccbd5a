/**
 * Typed errors of the report package, in the core's one error family: each is a
 * `ToolscopeError` (the CLI maps it to exit code 2: usage, configuration, unreachable or empty
 * data source), and a bad option is a `ToolscopeConfigError` naming the field.
 */
import {
  type ConfigErrorFactory,
  isInstance,
  PROM_METRICS,
  ToolscopeConfigError,
  ToolscopeError,
} from '@toolscope/instrumentation/internal';

/**
 * Base class of the errors the report package throws about its data source. A
 * `ReportConfigError` (which extends `ToolscopeConfigError`) counts as one too:
 * `err instanceof ToolscopeReportError` is true for every error the package throws on purpose.
 */
export class ToolscopeReportError extends ToolscopeError {
  override readonly name: string = 'ToolscopeReportError';

  // biome-ignore-start lint/complexity/noThisInStatic: the check must know which class it runs for
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (isInstance(this, value)) return true;
    return this === ToolscopeReportError && value instanceof ReportConfigError;
  }
  // biome-ignore-end lint/complexity/noThisInStatic: the check must know which class it runs for
}

/**
 * A bad option: names the field and the fix. Thrown at set-up time.
 *
 * @example new ReportConfigError('format', 'unknown format "pdf"').message === 'format: unknown format "pdf"'
 */
export class ReportConfigError extends ToolscopeConfigError {
  override readonly name: string = 'ReportConfigError';
}

/** Builds `ReportConfigError`s for the core's validators and duration parser. */
export const reportConfigError: ConfigErrorFactory = (field, problem) =>
  new ReportConfigError(field, problem);

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
      `Prometheus at ${url} has no toolscope metrics (no ${PROM_METRICS.toolDuration}, ${PROM_METRICS.workflowDuration} or toolscope_* series). Check that the collector's prometheus exporter is scraped by this Prometheus and that the application exports to the collector.`,
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
