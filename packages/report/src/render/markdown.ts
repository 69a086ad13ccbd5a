import { markdownCode, markdownText } from '@toolscope/instrumentation/internal';
import type { Report } from '../types.ts';
import { fmtInt, fmtPct } from './format.ts';
import { healthTable, type Table, toolTable, trendTable, workflowTable } from './tables.ts';

/**
 * The report as GitHub-flavoured Markdown. Every name and text from outside goes through the
 * core's Markdown sanitisers (`markdownCode` for names, `markdownText` for other text), so a
 * hostile name cannot add a column, end a row, start a heading or inject HTML.
 */
export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const out: string[] = [
    `# toolscope report: last ${report.window.label}`,
    '',
    `${report.window.from} → ${report.window.to} · source: ${markdownText(report.source.description)}`,
    '',
    `**${s.tools} tools**, ${fmtInt(s.calls)} calls, ${fmtPct(s.successRate)} success · **${s.workflows} workflows**, ${fmtInt(s.executions)} executions`,
  ];
  for (const c of report.source.accuracy.caveats ?? [])
    out.push('', `> **Caveat:** ${markdownText(c)}`);
  if (s.unhealthyTools.length > 0)
    out.push('', `Unhealthy: ${s.unhealthyTools.map(markdownCode).join(', ')}`);
  if (s.degradedTools.length > 0)
    out.push('', `Degraded: ${s.degradedTools.map(markdownCode).join(', ')}`);

  out.push('', '## Recommendations', '');
  if (report.recommendations.length === 0) out.push('Nothing stands out.');
  for (const r of report.recommendations) {
    out.push(
      `- **${r.severity.toUpperCase()}** ${markdownText(r.title)}: ${markdownText(r.message)} *${markdownText(r.action)}*`,
    );
  }

  if (report.tools.length > 0) {
    out.push('', '## Tools', '');
    out.push(
      table(
        toolTable(
          report.tools,
          [
            'calls',
            'success',
            'p50',
            'p95',
            'p99',
            'min',
            'max',
            'mean',
            'expected',
            'retries',
            'fallbacks',
            'errorTypes',
            'inputAvg',
            'outputAvg',
            'health',
          ],
          CELLS,
        ),
      ),
    );
  }

  if (report.workflows.length > 0) {
    out.push('', '## Workflows', '');
    out.push(table(workflowTable(report.workflows, { ...CELLS, toolsUsed: 'counts' })));
  }

  if (report.previousWindow !== null && report.trends.length > 0) {
    out.push('', `## Trends (vs the previous ${report.previousWindow.label})`, '');
    out.push(
      table(trendTable(report.trends, { ...CELLS, degraded: '**degraded**', markNew: false })),
    );
  }

  if (report.health.length > 0) {
    out.push('', '## Health', '');
    out.push(table(healthTable(report.health, CELLS)));
  }
  if (report.alerts.length > 0) {
    out.push('', '## Open alerts', '');
    for (const a of report.alerts) {
      out.push(
        `- **${a.severity}** ${markdownCode(a.kind)} on ${markdownCode(a.subject)}: ${markdownText(a.message)}`,
      );
    }
  }
  out.push('', '## Accuracy', '', markdownText(report.source.accuracy.statement), '');
  return out.join('\n');
}

/** How the tables show outside text: names as code, other text escaped. */
const CELLS = { name: markdownCode, text: markdownText } as const;

/**
 * A GFM table: numeric columns right-aligned. Cells hold sanitised text already; a pipe or a
 * line break that still reached one (a bug) is neutralised rather than allowed to split it.
 */
function table({ headers, rows, numeric }: Table): string {
  const cell = (c: string) => String(c).replace(/\|/g, '&#124;').replace(/\n/g, ' ');
  return [
    `| ${headers.join(' | ')} |`,
    `|${numeric.map((r) => (r ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
