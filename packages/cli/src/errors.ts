/** Which errors are the user's to fix (exit 2, one line, no stack) and how to say so. */
import { EXIT_USAGE, UsageError } from './io.ts';

export interface DescribedError {
  readonly message: string;
  readonly exitCode: number;
  /** The command whose help to point at; undefined: the main help; null: no pointer. */
  readonly command: string | undefined | null;
}

/** Error classes of the libraries that mean "fix your input or your environment". */
const CONFIG_ERROR_NAMES = new Set([
  'ToolscopeConfigError',
  'ToolscopeSetupError',
  'ToolscopeReportError',
  'ReportConfigError',
  'PrometheusUnreachableError',
  'PrometheusQueryError',
  'NoToolscopeMetricsError',
  'EmptyWindowError',
  'ProbeConfigError',
  'DemoSetupError',
]);

/** Describes `err` for the user, or returns undefined for a bug (which keeps its stack). */
export function describeError(err: unknown): DescribedError | undefined {
  if (err instanceof UsageError) {
    return { message: err.message, exitCode: EXIT_USAGE, command: err.command };
  }
  if (err instanceof Error && CONFIG_ERROR_NAMES.has(err.name)) {
    return { message: err.message, exitCode: EXIT_USAGE, command: null };
  }
  return undefined;
}
