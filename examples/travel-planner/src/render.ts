/**
 * The demo's output: the report of `@toolscope/report` over the whole run (in-process
 * source), followed by the health summary of the probes and what the demo injected. In JSON
 * the report's fields come first, then `healthSummary` and `demo`.
 */
import type { HealthSummary } from '@toolscope/health-probe';
import {
  htmlText,
  markdownCode,
  markdownText,
  terminalText,
} from '@toolscope/instrumentation/internal';
import {
  buildReport,
  InProcessSource,
  type Report,
  type ReportFormat,
  renderReport,
} from '@toolscope/report';
import type { DemoRun, DemoScenario } from './run-demo.ts';

export interface DemoOutput {
  readonly text: string;
  readonly report: Report;
  readonly healthSummary: HealthSummary;
  /** A check (or a report tool) was unhealthy at the end. */
  readonly unhealthy: boolean;
}

/** An empty cell, as the report shows one. */
const DASH = '–';
const pct = (x: number | undefined) => (x === undefined ? DASH : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | undefined) => (x === undefined ? DASH : `${Math.round(x)} ms`);

function healthRows(summary: HealthSummary): string[][] {
  return summary.checks.map((c) => [
    c.tool,
    c.status,
    pct(c.availability),
    String(c.runs),
    ms(c.lastResult?.latencyMs),
    c.lastResult?.ok === false ? (c.lastResult.errorType ?? 'error') : DASH,
  ]);
}

const HEALTH_HEAD = ['tool', 'status', 'availability', 'runs', 'last check', 'last error'];

function scenarioRows(demo: DemoScenario): string[][] {
  return Object.entries(demo.tools).map(([tool, t]) => [
    tool,
    t.placement === 'child' ? `${t.server} (child)` : t.server,
    `${t.configured.medianMs} ms`,
    pct(t.configured.failureRate),
    String(t.calls.calls),
    String(t.calls.failedCalls),
    String(t.calls.retries),
    String(t.calls.fallbackCalls),
    `${t.calls.injectedLatencyMs.p50} / ${t.calls.injectedLatencyMs.p95} ms`,
  ]);
}

const SCENARIO_HEAD = [
  'tool',
  'server',
  'median',
  'fail rate',
  'calls',
  'failed',
  'retries',
  'fallbacks',
  'injected p50 / p95',
];

function outageLines(demo: DemoScenario): string[] {
  return demo.servers
    .filter((s) => s.outage !== null)
    .map(
      (s) =>
        `${s.id} server down from ${(s.outage!.downAtMs / 1000).toFixed(1)}s to ${(s.outage!.upAtMs / 1000).toFixed(1)}s of the run (${s.tools.join(', ')})`,
    );
}

/** A fixed-width table of cells shown by the core's `terminalText` (widths of what is shown). */
function table(head: string[], rows: string[][]): string {
  const shown = rows.map((r) => r.map(terminalText));
  const widths = head.map((h, i) => Math.max(h.length, ...shown.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...shown.map(line)].join('\n');
}

/** A GFM table: the first column (a tool name) by `markdownCode`, the others by `markdownText`. */
function mdTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (r) =>
        `| ${r.map((c, i) => (c === DASH ? DASH : i === 0 ? markdownCode(c) : markdownText(c))).join(' | ')} |`,
    ),
  ].join('\n');
}

/** An HTML table of cells escaped by `htmlText`. */
function htmlTable(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${htmlText(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${htmlText(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function healthHeadline(summary: HealthSummary): string {
  const score = summary.score === undefined ? '' : `, score ${summary.score}/100`;
  return `overall ${summary.status}${score}, over the last ${(summary.windowMs / 1000).toFixed(0)}s`;
}

/**
 * What the demo appends to the report in `format` (not JSON): the health probes and what the
 * demo injected. Names and other text from the run go through the core's sanitiser of the
 * medium, as the report's own do.
 */
export function demoSections(
  format: Exclude<ReportFormat, 'json'>,
  healthSummary: HealthSummary,
  demo: DemoScenario,
): string {
  switch (format) {
    case 'markdown':
      return [
        '## Health probes',
        '',
        markdownText(healthHeadline(healthSummary)),
        '',
        mdTable(HEALTH_HEAD, healthRows(healthSummary)),
        '',
        '## What the demo injected',
        '',
        ...outageLines(demo).map((l) => `- ${markdownText(l)}`),
        '',
        mdTable(SCENARIO_HEAD, scenarioRows(demo)),
      ].join('\n');
    case 'html':
      // Two more panels inside the report's own layout (its `main` and `panel` styles).
      return (
        `<section class="panel" id="health-probes"><h2>Health probes</h2><p>${htmlText(healthHeadline(healthSummary))}</p>` +
        `${htmlTable(HEALTH_HEAD, healthRows(healthSummary))}</section>` +
        `<section class="panel" id="demo-injected"><h2>What the demo injected</h2>` +
        `${outageLines(demo)
          .map((l) => `<p>${htmlText(l)}</p>`)
          .join('')}${htmlTable(SCENARIO_HEAD, scenarioRows(demo))}</section>`
      );
    default:
      return [
        terminalText(`Health probes (${healthHeadline(healthSummary)})`),
        table(HEALTH_HEAD, healthRows(healthSummary)),
        '',
        'What the demo injected',
        ...outageLines(demo).map((l) => `  ${terminalText(l)}`),
        table(SCENARIO_HEAD, scenarioRows(demo)),
      ].join('\n');
  }
}

export async function renderDemo(run: DemoRun, format: ReportFormat): Promise<DemoOutput> {
  const now = Date.now();
  // The whole run, set-up included, rounded up to a second.
  const windowMs = Math.ceil((now - run.setupStartedMs + 1) / 1000) * 1000;
  const report = await buildReport(
    new InProcessSource({ store: run.store, history: run.history }),
    {
      window: windowMs,
      now,
    },
  );
  const healthSummary = run.probes.summary(windowMs);
  const unhealthy =
    healthSummary.status === 'unhealthy' || report.summary.unhealthyTools.length > 0;
  const demo = run.scenario;
  let text: string;
  switch (format) {
    case 'json':
      text = JSON.stringify({ ...report, healthSummary, demo }, null, 2);
      break;
    case 'markdown':
      text = [
        renderReport(report, 'markdown').trimEnd(),
        '',
        demoSections('markdown', healthSummary, demo),
      ].join('\n');
      break;
    case 'html': {
      const html = renderReport(report, 'html', { title: 'toolscope demo report' });
      const section = demoSections('html', healthSummary, demo);
      const main = html.lastIndexOf('</main>');
      const at = main !== -1 ? main : html.lastIndexOf('</body>');
      text = at === -1 ? html + section : `${html.slice(0, at)}${section}\n${html.slice(at)}`;
      break;
    }
    default:
      text = [
        renderReport(report, 'text').trimEnd(),
        '',
        demoSections('text', healthSummary, demo),
      ].join('\n');
  }
  return { text, report, healthSummary, unhealthy };
}
