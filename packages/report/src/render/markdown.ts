import type { Report } from '../types.ts';
import { fmtBytes, fmtChange, fmtCounts, fmtInt, fmtMs, fmtPct } from './format.ts';

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
        [
          'tool',
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
          'errors by type',
          'input avg',
          'output avg',
          'health',
        ],
        report.tools.map((t) => [
          `\`${t.tool}\``,
          fmtInt(t.calls),
          fmtPct(t.successRate),
          fmtMs(t.durationMs.p50),
          fmtMs(t.durationMs.p95),
          fmtMs(t.durationMs.p99),
          fmtMs(t.durationMs.min),
          fmtMs(t.durationMs.max),
          fmtMs(t.durationMs.mean),
          fmtMs(t.expectedPerformanceMs),
          fmtInt(t.retries),
          fmtInt(t.fallbacks),
          fmtCounts(t.errorTypes),
          fmtBytes(t.payloadBytes.input.mean),
          fmtBytes(t.payloadBytes.output.mean),
          t.health?.state ?? '–',
        ]),
        [
          false,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          false,
          true,
          true,
          false,
        ],
      ),
    );
  }

  if (report.workflows.length > 0) {
    out.push('', '## Workflows', '');
    out.push(
      table(
        [
          'workflow',
          'runs',
          'completed',
          'partial',
          'failed',
          'p50',
          'p95',
          'p99',
          'avg steps',
          'tools used',
        ],
        report.workflows.map((w) => [
          `\`${w.workflow}\``,
          fmtInt(w.executions),
          fmtPct(w.completionRate),
          fmtInt(w.outcomes.partial),
          fmtInt(w.outcomes.failed),
          fmtMs(w.durationMs.p50),
          fmtMs(w.durationMs.p95),
          fmtMs(w.durationMs.p99),
          w.avgSteps === null ? '–' : String(w.avgSteps),
          w.toolsUsed === null ? '–' : fmtCounts(w.toolsUsed, 6),
        ]),
        [false, true, true, true, true, true, true, true, true, false],
      ),
    );
  }

  if (report.previousWindow !== null && report.trends.length > 0) {
    out.push('', `## Trends (vs the previous ${report.previousWindow.label})`, '');
    out.push(
      table(
        ['subject', 'calls', 'volume', 'p95', 'p95 change', 'error rate', 'change', 'status'],
        report.trends.map((t) => [
          `\`${t.subject}\`${t.kind === 'workflow' ? ' (workflow)' : ''}`,
          fmtInt(t.current.calls),
          fmtChange(t.change.volumePct, '%'),
          fmtMs(t.current.p95Ms),
          fmtChange(t.change.p95Pct, '%'),
          fmtPct(t.current.errorRate),
          fmtChange(t.change.errorRatePts, ' pts'),
          t.degraded ? `**degraded**: ${t.reasons.join('; ')}` : 'ok',
        ]),
        [false, true, true, true, true, true, true, false],
      ),
    );
  }

  if (report.health.length > 0) {
    out.push('', '## Health', '');
    out.push(
      table(
        ['tool', 'state', 'since', 'check latency', 'last error'],
        report.health.map((h) => [
          `\`${h.tool}\``,
          h.state,
          h.since,
          fmtMs(h.latencyMs),
          h.errorType ?? '–',
        ]),
        [false, false, false, true, false],
      ),
    );
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

function table(header: string[], rows: string[][], right: boolean[]): string {
  const cell = (c: string) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${header.join(' | ')} |`,
    `|${right.map((r) => (r ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Escapes Markdown-significant characters in free text. */
function esc(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}
