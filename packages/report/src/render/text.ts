import { terminalText } from '@toolscope/instrumentation/internal';
import type { Report } from '../types.ts';
import { fmtPct, plural, textTable } from './format.ts';
import { healthTable, type Table, toolTable, trendTable, workflowTable } from './tables.ts';

/**
 * The report as plain text for a terminal (no colours, fixed-width tables). Every line and
 * every table cell goes through the core's `terminalText`: a control character in a name shows
 * as an escape (`\x1b`, `\n`), so nothing from outside can move the cursor, retitle the
 * window or split a row.
 */
export function renderText(report: Report): string {
  const lines: string[] = [];
  /** Lines of text (sanitised); tables are laid out from sanitised cells by `text`. */
  const out = {
    push: (...items: string[]) => lines.push(...items.map(terminalText)),
    table: (table: Table) => lines.push(text(table)),
  };
  const s = report.summary;
  out.push(
    `toolscope report · last ${report.window.label} (${report.window.from} → ${report.window.to})`,
    `source: ${report.source.description}`,
    '',
    `${plural(s.tools, 'tool')}, ${plural(s.calls, 'call')}, ${fmtPct(s.successRate)} success · ${plural(s.workflows, 'workflow')}, ${plural(s.executions, 'execution')}`,
  );
  for (const c of report.source.accuracy.caveats ?? []) out.push(`caveat: ${c}`);
  if (s.unhealthyTools.length > 0) out.push(`unhealthy: ${s.unhealthyTools.join(', ')}`);
  if (s.degradedTools.length > 0) out.push(`degraded: ${s.degradedTools.join(', ')}`);

  if (report.tools.length > 0) {
    out.push('', 'TOOLS');
    out.table(
      toolTable(report.tools, [
        'calls',
        'success',
        'min',
        'p50',
        'p95',
        'p99',
        'max',
        'mean',
        'retries',
        'fallbacks',
        'health',
      ]),
    );
    const detail = report.tools.filter(
      (t) =>
        t.errors > 0 ||
        t.payloadBytes.input.count > 0 ||
        t.payloadBytes.output.count > 0 ||
        t.expectedPerformanceMs !== null ||
        t.fallbacksReceived > 0,
    );
    if (detail.length > 0) {
      out.push('');
      out.table(
        toolTable(detail, [
          'errorTypes',
          'expected',
          'fallbackFor',
          'fallbacksReceived',
          'inputAvg',
          'outputAvg',
        ]),
      );
    }
  }

  if (report.workflows.length > 0) {
    out.push('', 'WORKFLOWS');
    out.table(workflowTable(report.workflows, { toolsUsed: 'names' }));
  }

  if (report.previousWindow !== null && report.trends.length > 0) {
    out.push('', `TRENDS (vs previous ${report.previousWindow.label})`);
    out.table(trendTable(report.trends, { degraded: 'DEGRADED', markNew: true }));
    if (report.trends.every((t) => t.previous === null)) {
      out.push(
        `  (no calls in the previous ${report.previousWindow.label}: trends need a window of history before this one)`,
      );
    }
  }

  if (report.health.length > 0) {
    out.push('', 'HEALTH');
    out.table(healthTable(report.health));
  }
  if (report.alerts.length > 0) {
    out.push('', 'OPEN ALERTS');
    for (const a of report.alerts) {
      out.push(`  [${a.severity.toUpperCase()}] ${a.kind} on ${a.subject}: ${a.message}`);
    }
  }

  out.push('', 'RECOMMENDATIONS');
  if (report.recommendations.length === 0) out.push('  none: nothing stands out.');
  for (const r of report.recommendations) {
    out.push(`  [${r.severity.toUpperCase()}] ${r.title}`);
    out.push(`      ${r.message}`);
    out.push(`      → ${r.action}`);
  }
  out.push('', `accuracy: ${report.source.accuracy.statement}`);
  return `${lines.join('\n')}\n`;
}

/** A table laid out from sanitised cells (widths are those of what is shown). */
function text(table: Table): string {
  return textTable(
    table.headers,
    table.rows.map((row) => row.map(terminalText)),
  );
}
