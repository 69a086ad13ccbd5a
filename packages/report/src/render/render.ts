import { ReportConfigError } from '../errors.ts';
import type { HtmlOptions, Report, ReportFormat } from '../types.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderText } from './text.ts';

/** The output formats, in the order `--help` lists them. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'markdown', 'html'];

/** Checks a format name (for CLI flags); throws a `ReportConfigError` naming `field`. */
export function parseReportFormat(value: unknown, field = 'format'): ReportFormat {
  if (typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value)) {
    return value as ReportFormat;
  }
  throw new ReportConfigError(
    field,
    `unknown format ${JSON.stringify(value)}; use one of ${REPORT_FORMATS.join(', ')}`,
  );
}

/** Renders the report in `format`. */
export function renderReport(
  report: Report,
  format: ReportFormat,
  options: HtmlOptions = {},
): string {
  switch (parseReportFormat(format)) {
    case 'text':
      return renderText(report);
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report, options);
  }
}
