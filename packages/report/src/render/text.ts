import type { Report } from '../types.ts';
import {
  fmtBytes,
  fmtChange,
  fmtCounts,
  fmtInt,
  fmtMs,
  fmtPct,
  plural,
  textTable,
} from './format.ts';

/** The report as plain text for a terminal (no colours, fixed-width tables). */
export function renderText(report: Report): string {
  const out: string[] = [];
  const s = report.summary;
  out.push(
    `toolscope report · last ${report.window.label} (${report.window.from} → ${report.window.to})`,
    `source: ${report.source.description}`,
    '',
    `${plural(s.tools, 'tool')}, ${plural(s.calls, 'call')}, ${fmtPct(s.successRate)} success · ${plural(s.workflows, 'workflow')}, ${plural(s.executions, 'execution')}`,
  );
  if (s.unhealthyTools.length > 0) out.push(`unhealthy: ${s.unhealthyTools.join(', ')}`);
  if (s.degradedTools.length > 0) out.push(`degraded: ${s.degradedTools.join(', ')}`);

  if (report.tools.length > 0) {
    out.push('', 'TOOLS');
    out.push(
      textTable(
        [
          'tool',
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
        ],
        report.tools.map((t) => [
          t.tool,
          fmtInt(t.calls),
          fmtPct(t.successRate),
          fmtMs(t.durationMs.min),
          fmtMs(t.durationMs.p50),
          fmtMs(t.durationMs.p95),
          fmtMs(t.durationMs.p99),
          fmtMs(t.durationMs.max),
          fmtMs(t.durationMs.mean),
          fmtInt(t.retries),
          fmtInt(t.fallbacks),
          t.health?.state ?? '–',
        ]),
      ),
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
      out.push(
        textTable(
          [
            'tool',
            'errors by type',
            'expected',
            'fallback for',
            'replaced by fallbacks',
            'input avg',
            'output avg',
          ],
          detail.map((t) => [
            t.tool,
            fmtCounts(t.errorTypes),
            fmtMs(t.expectedPerformanceMs),
            fmtCounts(t.fallbackFor),
            fmtInt(t.fallbacksReceived),
            fmtBytes(t.payloadBytes.input.mean),
            fmtBytes(t.payloadBytes.output.mean),
          ]),
        ),
      );
    }
  }

  if (report.workflows.length > 0) {
    out.push('', 'WORKFLOWS');
    out.push(
      textTable(
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
          w.workflow,
          fmtInt(w.executions),
          fmtPct(w.completionRate),
          fmtInt(w.outcomes.partial),
          fmtInt(w.outcomes.failed),
          fmtMs(w.durationMs.p50),
          fmtMs(w.durationMs.p95),
          fmtMs(w.durationMs.p99),
          w.avgSteps === null ? '–' : String(w.avgSteps),
          w.toolsUsed === null ? '–' : Object.keys(w.toolsUsed).join(', '),
        ]),
      ),
    );
  }

  if (report.previousWindow !== null && report.trends.length > 0) {
    out.push('', `TRENDS (vs previous ${report.previousWindow.label})`);
    out.push(
      textTable(
        ['subject', 'calls', 'volume', 'p95', 'p95 change', 'error rate', 'change', 'status'],
        report.trends.map((t) => [
          t.kind === 'workflow' ? `${t.subject} (workflow)` : t.subject,
          fmtInt(t.current.calls),
          fmtChange(t.change.volumePct, '%'),
          fmtMs(t.current.p95Ms),
          fmtChange(t.change.p95Pct, '%'),
          fmtPct(t.current.errorRate),
          fmtChange(t.change.errorRatePts, ' pts'),
          t.degraded ? `DEGRADED: ${t.reasons.join('; ')}` : t.previous === null ? 'new' : 'ok',
        ]),
      ),
    );
    if (report.trends.every((t) => t.previous === null)) {
      out.push(
        `  (no calls in the previous ${report.previousWindow.label}: trends need a window of history before this one)`,
      );
    }
  }

  if (report.health.length > 0) {
    out.push('', 'HEALTH');
    out.push(
      textTable(
        ['tool', 'state', 'since', 'check latency', 'last error'],
        report.health.map((h) => [
          h.tool,
          h.state,
          h.since,
          fmtMs(h.latencyMs),
          h.errorType ?? '–',
        ]),
      ),
    );
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
  return `${out.join('\n')}\n`;
}
