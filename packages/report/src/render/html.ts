import { htmlText } from '@toolscope/instrumentation/internal';
import type { HtmlOptions, Report } from '../types.ts';
import { fmtInt, fmtPct } from './format.ts';
import { healthChart, latencyChart, STATE_COLORS, successChart, workflowChart } from './svg.ts';
import { healthTable, type Table, toolTable, trendTable, workflowTable } from './tables.ts';

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d2430; background: #f5f6f8; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
.sub { color: #5b6472; margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #fff; border: 1px solid #dfe3e8; border-radius: 8px; padding: 10px 14px; min-width: 140px; }
.card .v { font-size: 22px; font-weight: 600; }
.card .k { color: #5b6472; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
section.panel { background: #fff; border: 1px solid #dfe3e8; border-radius: 8px; padding: 12px 16px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #eceff2; text-align: left; white-space: nowrap; }
th { color: #5b6472; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; min-width: 70px; text-align: center; border-radius: 4px; padding: 1px 6px; font-size: 11px; font-weight: 700; color: #fff; text-transform: uppercase; }
.sev.critical { background: #8e1b1b; } .sev.error { background: #d64545; } .sev.warning { background: #c48a0c; } .sev.info { background: #5b8def; }
ul.recs { list-style: none; padding: 0; margin: 0; }
ul.recs li { padding: 8px 0; border-bottom: 1px solid #eceff2; }
ul.recs .act { color: #5b6472; }
.state { font-weight: 600; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg .lbl { font-size: 12px; fill: #1d2430; }
svg .val, svg .tick, svg .legend { font-size: 11px; fill: #5b6472; }
svg .grid { stroke: #eceff2; stroke-width: 1; }
svg .track { fill: #f0f2f4; }
svg .expected { stroke: #d64545; stroke-width: 2; stroke-dasharray: 4 3; }
.caveat { background: #fff7e0; border: 1px solid #e8c766; border-radius: 8px; padding: 8px 12px; margin: 0 0 16px; }
.foot { color: #5b6472; font-size: 12px; margin-top: 24px; }
`;

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG charts (latency
 * percentiles per tool, success rate, workflow outcomes, health over time), tables, no
 * script and no external resource, so it opens offline.
 */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const title = options.title ?? 'toolscope report';
  const s = report.summary;
  const card = (k: string, v: string) =>
    `<div class="card"><div class="k">${htmlText(k)}</div><div class="v">${htmlText(v)}</div></div>`;
  const body: string[] = [
    `<h1>${htmlText(title)}</h1>`,
    `<p class="sub">Last ${htmlText(report.window.label)}: ${htmlText(report.window.from)} → ${htmlText(report.window.to)} · source: ${htmlText(report.source.description)}</p>`,
    ...(report.source.accuracy.caveats ?? []).map(
      (c) => `<p class="caveat"><strong>Caveat:</strong> ${htmlText(c)}</p>`,
    ),
    `<div class="cards">${[
      card('calls', fmtInt(s.calls)),
      card('success rate', fmtPct(s.successRate)),
      card('tools', String(s.tools)),
      card('workflow runs', fmtInt(s.executions)),
      card('unhealthy', String(s.unhealthyTools.length)),
      card('degraded', String(s.degradedTools.length)),
      card('recommendations', String(report.recommendations.length)),
    ].join('')}</div>`,
    '<h2>Recommendations</h2>',
    `<section class="panel">${
      report.recommendations.length === 0
        ? '<p>Nothing stands out.</p>'
        : `<ul class="recs">${report.recommendations
            .map(
              (r) =>
                `<li><span class="sev ${r.severity}">${r.severity}</span> <strong>${htmlText(r.title)}</strong><br>${htmlText(r.message)}<br><span class="act">→ ${htmlText(r.action)}</span></li>`,
            )
            .join('')}</ul>`
    }</section>`,
    '<h2>Latency percentiles per tool</h2>',
    `<section class="panel">${latencyChart(report.tools)}</section>`,
    '<h2>Success rate per tool</h2>',
    `<section class="panel">${successChart(report.tools)}</section>`,
    '<h2>Health over time</h2>',
    `<section class="panel">${healthChart(report)}</section>`,
  ];
  if (report.workflows.length > 0) {
    body.push(
      '<h2>Workflows</h2>',
      `<section class="panel">${workflowChart(report.workflows)}${table(
        workflowTable(report.workflows, { toolsUsed: 'counts' }),
      )}</section>`,
    );
  }
  body.push(
    '<h2>Tools</h2>',
    `<section class="panel">${table(
      toolTable(report.tools, [
        'calls',
        'success',
        'min',
        'p50',
        'p95',
        'p99',
        'max',
        'mean',
        'expected',
        'retries',
        'fallbacks',
        'errorTypes',
        'inputAvg',
        'outputAvg',
        'health',
      ]),
    )}</section>`,
  );
  if (report.previousWindow !== null && report.trends.length > 0) {
    body.push(
      `<h2>Trends (vs the previous ${htmlText(report.previousWindow.label)})</h2>`,
      `<section class="panel">${table(
        trendTable(report.trends, { degraded: 'degraded', markNew: false }),
      )}</section>`,
    );
  }
  if (report.health.length > 0 || report.alerts.length > 0) {
    body.push(
      '<h2>Health and open alerts</h2>',
      `<section class="panel">${table(healthTable(report.health), (row, i) =>
        i === 1
          ? `<span class="state" style="color:${STATE_COLORS[row[1] as keyof typeof STATE_COLORS] ?? '#1d2430'}">${htmlText(row[1]!)}</span>`
          : undefined,
      )}${
        report.alerts.length === 0
          ? ''
          : `<ul class="recs">${report.alerts
              .map(
                (a) =>
                  `<li><span class="sev ${a.severity}">${a.severity}</span> <strong>${htmlText(a.kind)}</strong> on ${htmlText(a.subject)}: ${htmlText(a.message)} (since ${htmlText(a.firedAt)})</li>`,
              )
              .join('')}</ul>`
      }</section>`,
    );
  }
  body.push(
    `<p class="foot">Accuracy: ${htmlText(report.source.accuracy.statement)}<br>Generated ${htmlText(report.generatedAt)} by toolscope (report schema ${report.schemaVersion}).</p>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlText(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}

/** An HTML table: numeric columns get class `n`; `cellHtml` may replace a cell's escaped text. */
function table(
  { headers, rows, numeric }: Table,
  cellHtml?: (row: string[], i: number) => string | undefined,
): string {
  const th = headers.map((h) => `<th>${htmlText(h)}</th>`).join('');
  const trs = rows
    .map(
      (r) =>
        `<tr>${r
          .map((c, i) => {
            const html = cellHtml?.(r, i) ?? htmlText(c);
            return numeric[i] ? `<td class="n">${html}</td>` : `<td>${html}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}
