import type { Report } from '../types.ts';
import { fmtInt, fmtPct } from './format.ts';
import { healthTable, type Table, toolTable, trendTable, workflowTable } from './tables.ts';

/** The report as GitHub-flavoured Markdown (tables; pipes in names are escaped). */
export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const out: string[] = [
    `# toolscope report: last ${report.window.label}`,
    '',
    `${report.window.from} → ${report.window.to} · source: ${esc(report.source.description)}`,
    '',
    `**${s.tools} tools**, ${fmtInt(s.calls)} calls, ${fmtPct(s.successRate)} success · **${s.workflows} workflows**, ${fmtInt(s.executions)} executions`,
  ];
  if (s.unhealthyTools.length > 0)
    out.push('', `Unhealthy: ${s.unhealthyTools.map(esc).join(', ')}`);
  if (s.degradedTools.length > 0) out.push('', `Degraded: ${s.degradedTools.map(esc).join(', ')}`);

  out.push('', '## Recommendations', '');
  if (report.recommendations.length === 0) out.push('Nothing stands out.');
  for (const r of report.recommendations) {
    out.push(
      `- **${r.severity.toUpperCase()}** ${esc(r.title)}: ${esc(r.message)} *${esc(r.action)}*`,
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
          { name: code },
        ),
      ),
    );
  }

  if (report.workflows.length > 0) {
    out.push('', '## Workflows', '');
    out.push(table(workflowTable(report.workflows, { name: code, toolsUsed: 'counts' })));
  }

  if (report.previousWindow !== null && report.trends.length > 0) {
    out.push('', `## Trends (vs the previous ${report.previousWindow.label})`, '');
    out.push(
      table(trendTable(report.trends, { name: code, degraded: '**degraded**', markNew: false })),
    );
  }

  if (report.health.length > 0) {
    out.push('', '## Health', '');
    out.push(table(healthTable(report.health, { name: code })));
  }
  if (report.alerts.length > 0) {
    out.push('', '## Open alerts', '');
    for (const a of report.alerts) {
      out.push(`- **${a.severity}** \`${a.kind}\` on \`${a.subject}\`: ${esc(a.message)}`);
    }
  }
  out.push('', '## Accuracy', '', esc(report.source.accuracy.statement), '');
  return out.join('\n');
}

/** A GFM table: numeric columns right-aligned; pipes and newlines in cells escaped. */
function table({ headers, rows, numeric }: Table): string {
  const cell = (c: string) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${headers.join(' | ')} |`,
    `|${numeric.map((r) => (r ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** A name as inline code. */
function code(name: string): string {
  return `\`${name}\``;
}

/** Escapes Markdown-significant characters in free text. */
function esc(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}
