/** `toolscope report`: a performance report of the tools and workflows Prometheus knows. */
import {
  durationMs,
  parseDuration,
  ToolscopeConfigError,
} from '@toolscope/instrumentation/internal';
import { buildReport, PrometheusSource, type Report, renderReport } from '@toolscope/report';
import { parseCommandArgs, parseFormat, parseSeconds } from '../args.ts';
import { REPORT_HELP } from '../help.ts';
import { type CliIo, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io.ts';
import { checkOutPath, emit } from '../output.ts';

/** The report has something to act on: exit code 1. */
export function hasFindings(report: Report): boolean {
  const r = report.summary.recommendations;
  return report.summary.unhealthyTools.length > 0 || r.error > 0 || r.critical > 0;
}

/** Re-labels a report option error with the flag the user typed. */
function asUsage(err: unknown, flags: Readonly<Record<string, string>>): never {
  if (err instanceof ToolscopeConfigError) {
    const flag = flags[err.field] ?? `--${err.field}`;
    throw new UsageError(ToolscopeConfigError.format(flag, err.problem, err.fix), 'report');
  }
  throw err;
}

/**
 * A window written as a duration that is zero or negative (`0s`, `0h0m`, `-5m`): say it must
 * be greater than zero, rather than that it is not a duration.
 */
function checkWindowPositive(window: string): void {
  const text = window.trim();
  const negative = text.startsWith('-');
  const ms = durationMs(negative ? text.slice(1) : text);
  if (ms !== undefined && (negative || ms === 0)) {
    throw new UsageError(
      `--window: must be greater than zero (got ${JSON.stringify(window)}); for example --window 15m`,
      'report',
    );
  }
}

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('report', argv, {
    prometheus: { type: 'string' },
    window: { type: 'string', short: 'w' },
    format: { type: 'string', short: 'f' },
    out: { type: 'string', short: 'o' },
    selector: { type: 'string' },
    timeout: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(REPORT_HELP);
    return EXIT_OK;
  }
  if (values.prometheus === undefined) {
    throw new UsageError(
      '--prometheus is required: give the base URL of Prometheus, for example --prometheus http://127.0.0.1:9090',
      'report',
    );
  }
  const format = parseFormat('report', values.format);
  const window = values.window ?? '15m';
  const flags = { window: '--window', url: '--prometheus', selector: '--selector' };
  checkWindowPositive(window);
  try {
    // A bare number is milliseconds in the one grammar: `--window 15` is no window at all.
    parseDuration('window', window, { min: 1000 });
  } catch (err) {
    asUsage(err, flags);
  }
  const timeoutS =
    values.timeout === undefined
      ? 5
      : parseSeconds('report', '--timeout', values.timeout, 0.1, 300);
  const outPath = checkOutPath('report', io, values.out);
  let source: PrometheusSource;
  try {
    source = new PrometheusSource({
      url: values.prometheus,
      timeoutMs: Math.round(timeoutS * 1000),
      selector: values.selector,
    });
  } catch (err) {
    asUsage(err, flags);
  }
  try {
    const report = await buildReport(source, { window });
    emit(
      io,
      renderReport(report, format, { title: 'toolscope report' }),
      outPath,
      `${format} report`,
    );
    return hasFindings(report) ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    await source.close?.();
  }
}
