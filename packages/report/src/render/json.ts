import type { Report } from '../types.ts';

/**
 * The report as JSON (2-space indented, trailing newline). The shape is `Report`
 * (`schemaVersion` 1, documented in the README); absent values are `null`, never missing.
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
