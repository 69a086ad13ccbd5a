import type { HealthState } from '@toolscope/instrumentation';
import { htmlText } from '@toolscope/instrumentation/internal';
import type { Report, ToolReport, WorkflowReport } from '../types.ts';
import { fmtInt, fmtMs, fmtPct } from './format.ts';

/** Inline SVG charts for the HTML report: no external resources, no script. */

const WIDTH = 760;
const LABEL_W = 190;
const PLOT_X = LABEL_W + 10;
const PLOT_W = WIDTH - PLOT_X - 140;

export const STATE_COLORS: Readonly<Record<HealthState | 'none', string>> = {
  healthy: '#2e9d5b',
  degraded: '#e0a526',
  unhealthy: '#d64545',
  unknown: '#9aa0a6',
  maintenance: '#5b8def',
  none: '#e6e8eb',
};
const PCT_COLORS = { p50: '#9cc3ee', p95: '#3a7bd5', p99: '#1f3f7a' } as const;

function svg(kind: string, title: string, height: number, body: string): string {
  return `<svg class="chart" data-chart="${kind}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${htmlText(title)}"><title>${htmlText(title)}</title>${body}</svg>`;
}

function label(x: number, y: number, text: string, anchor = 'end', cls = 'lbl'): string {
  return `<text class="${cls}" x="${x}" y="${y}" text-anchor="${anchor}">${htmlText(text)}</text>`;
}

function short(name: string, max = 28): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

/** A "nice" axis maximum ≥ v: 1, 2, 2.5, 5 × 10^k. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const k = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * k >= v) return m * k;
  return 10 * k;
}

function axis(top: number, bottom: number, max: number, fmt: (v: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const x = PLOT_X + (PLOT_W * i) / 4;
    parts.push(
      `<line class="grid" x1="${x}" y1="${top}" x2="${x}" y2="${bottom}"/>`,
      label(x, bottom + 14, fmt(v), 'middle', 'tick'),
    );
  }
  return parts.join('');
}

/** p50/p95/p99 per tool as grouped horizontal bars, with the expected time as a dashed mark. */
export function latencyChart(tools: readonly ToolReport[]): string {
  const rows = tools.filter((t) => t.durationMs.p99 !== null);
  const rowH = 44;
  const top = 30;
  const height = top + Math.max(1, rows.length) * rowH + 26;
  const max = niceMax(
    Math.max(0, ...rows.map((t) => Math.max(t.durationMs.p99 ?? 0, t.expectedPerformanceMs ?? 0))),
  );
  const x = (v: number) => PLOT_X + (Math.max(0, v) / max) * PLOT_W;
  const parts: string[] = [
    legend([
      ['p50', PCT_COLORS.p50],
      ['p95', PCT_COLORS.p95],
      ['p99', PCT_COLORS.p99],
      ['expected', '#d64545'],
    ]),
  ];
  parts.push(axis(top - 4, top + rows.length * rowH, max, (v) => (v === 0 ? '0' : fmtMs(v))));
  rows.forEach((t, i) => {
    const y0 = top + i * rowH + 4;
    parts.push(label(LABEL_W, y0 + 20, short(t.tool)));
    (['p50', 'p95', 'p99'] as const).forEach((p, j) => {
      const v = t.durationMs[p] ?? 0;
      const y = y0 + j * 12;
      const w = Math.max(1, x(v) - PLOT_X);
      parts.push(
        `<rect class="bar" data-tool="${htmlText(t.tool)}" data-q="${p}" x="${PLOT_X}" y="${y}" width="${w.toFixed(1)}" height="10" fill="${PCT_COLORS[p]}"><title>${htmlText(`${t.tool} ${p}: ${fmtMs(v)}`)}</title></rect>`,
        label(PLOT_X + w + 4, y + 9, fmtMs(v), 'start', 'val'),
      );
    });
    if (t.expectedPerformanceMs !== null) {
      const ex = x(t.expectedPerformanceMs);
      parts.push(
        `<line class="expected" x1="${ex.toFixed(1)}" y1="${y0 - 2}" x2="${ex.toFixed(1)}" y2="${y0 + 36}"><title>${htmlText(`${t.tool} expected: ${fmtMs(t.expectedPerformanceMs)}`)}</title></line>`,
      );
    }
  });
  if (rows.length === 0)
    parts.push(label(WIDTH / 2, top + 24, 'no calls in this window', 'middle'));
  return svg('latency', 'Latency percentiles per tool', height, parts.join(''));
}

/** Success rate per tool as horizontal bars on a 0–100% track. */
export function successChart(tools: readonly ToolReport[]): string {
  const rows = tools.filter((t) => t.successRate !== null);
  const rowH = 26;
  const top = 10;
  const height = top + Math.max(1, rows.length) * rowH + 26;
  const parts: string[] = [axis(top - 4, top + rows.length * rowH, 100, (v) => `${v}%`)];
  rows.forEach((t, i) => {
    const y = top + i * rowH + 4;
    const rate = t.successRate ?? 0;
    const w = Math.max(1, rate * PLOT_W);
    const color = rate >= 0.99 ? '#2e9d5b' : rate >= 0.95 ? '#e0a526' : '#d64545';
    parts.push(
      label(LABEL_W, y + 13, short(t.tool)),
      `<rect class="track" x="${PLOT_X}" y="${y}" width="${PLOT_W}" height="16"/>`,
      `<rect class="bar" data-tool="${htmlText(t.tool)}" x="${PLOT_X}" y="${y}" width="${w.toFixed(1)}" height="16" fill="${color}"><title>${htmlText(`${t.tool}: ${fmtPct(rate)} of ${fmtInt(t.calls)} calls succeeded`)}</title></rect>`,
      label(
        PLOT_X + PLOT_W + 6,
        y + 13,
        `${fmtPct(rate)} (${fmtInt(t.successes)}/${fmtInt(t.calls)})`,
        'start',
        'val',
      ),
    );
  });
  if (rows.length === 0)
    parts.push(label(WIDTH / 2, top + 20, 'no calls in this window', 'middle'));
  return svg('success', 'Success rate per tool', height, parts.join(''));
}

/** Outcomes per workflow as stacked bars (completed, partial, failed). */
export function workflowChart(workflows: readonly WorkflowReport[]): string {
  const rowH = 26;
  const top = 30;
  const height = top + Math.max(1, workflows.length) * rowH + 10;
  const colors = { completed: '#2e9d5b', partial: '#e0a526', failed: '#d64545' } as const;
  const parts: string[] = [legend(Object.entries(colors))];
  workflows.forEach((w, i) => {
    const y = top + i * rowH + 4;
    parts.push(label(LABEL_W, y + 13, short(w.workflow)));
    let x = PLOT_X;
    for (const o of ['completed', 'partial', 'failed'] as const) {
      const n = w.outcomes[o];
      if (n === 0 || w.executions === 0) continue;
      const width = (n / w.executions) * PLOT_W;
      parts.push(
        `<rect class="bar" data-workflow="${htmlText(w.workflow)}" data-outcome="${o}" x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="16" fill="${colors[o]}"><title>${htmlText(`${w.workflow} ${o}: ${n} of ${w.executions}`)}</title></rect>`,
      );
      x += width;
    }
    parts.push(
      label(
        PLOT_X + PLOT_W + 6,
        y + 13,
        `${fmtPct(w.completionRate)} of ${fmtInt(w.executions)}`,
        'start',
        'val',
      ),
    );
  });
  if (workflows.length === 0)
    parts.push(label(WIDTH / 2, top + 14, 'no workflows in this window', 'middle'));
  return svg('workflows', 'Workflow outcomes', height, parts.join(''));
}

/** One coloured time segment of a health row. */
export interface HealthSegment {
  readonly fromMs: number;
  readonly toMs: number;
  readonly state: HealthState | 'none';
}

/**
 * Health segments per tool over the window: from the transitions when there are any
 * (the state holds until the next transition; before the first one nothing is known), else
 * from the current state (from `since` to the end of the window).
 */
export function healthSegments(report: Report): Map<string, HealthSegment[]> {
  const from = Date.parse(report.window.from);
  const to = Date.parse(report.window.to);
  const tools = new Set<string>([
    ...report.health.map((h) => h.tool),
    ...report.healthHistory.map((h) => h.tool),
  ]);
  const out = new Map<string, HealthSegment[]>();
  for (const tool of [...tools].sort()) {
    let points = report.healthHistory
      .filter((h) => h.tool === tool)
      .map((h) => ({ atMs: Date.parse(h.at), state: h.state }));
    const current = report.health.find((h) => h.tool === tool);
    if (points.length === 0 && current !== undefined) {
      points = [{ atMs: Date.parse(current.since), state: current.state }];
    }
    points.sort((a, b) => a.atMs - b.atMs);
    const segments: HealthSegment[] = [];
    let cursor = from;
    let state: HealthState | 'none' = 'none';
    for (const p of points) {
      const at = Math.min(Math.max(p.atMs, from), to);
      if (at > cursor) segments.push({ fromMs: cursor, toMs: at, state });
      cursor = Math.max(cursor, at);
      state = p.state;
    }
    if (to > cursor) segments.push({ fromMs: cursor, toMs: to, state });
    out.set(
      tool,
      segments.filter((s) => s.toMs > s.fromMs),
    );
  }
  return out;
}

/** Health over time: one row per tool, coloured by state; grey where nothing is known. */
export function healthChart(report: Report): string {
  const from = Date.parse(report.window.from);
  const to = Date.parse(report.window.to);
  const segments = healthSegments(report);
  const rowH = 24;
  const top = 30;
  const rows = [...segments.entries()];
  const height = top + Math.max(1, rows.length) * rowH + 26;
  const span = Math.max(1, to - from);
  const x = (t: number) => PLOT_X + ((t - from) / span) * PLOT_W;
  const parts: string[] = [
    legend(
      (['healthy', 'degraded', 'unhealthy', 'maintenance', 'unknown', 'none'] as const).map(
        (s) => [s === 'none' ? 'no data' : s, STATE_COLORS[s]] as [string, string],
      ),
    ),
  ];
  for (let i = 0; i <= 4; i++) {
    const t = from + (span * i) / 4;
    parts.push(
      `<line class="grid" x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${top + rows.length * rowH}"/>`,
      label(x(t), top + rows.length * rowH + 14, clock(t), 'middle', 'tick'),
    );
  }
  rows.forEach(([tool, segs], i) => {
    const y = top + i * rowH + 4;
    parts.push(label(LABEL_W, y + 12, short(tool)));
    for (const s of segs) {
      const x0 = x(s.fromMs);
      const w = Math.max(1, x(s.toMs) - x0);
      parts.push(
        `<rect class="seg" data-tool="${htmlText(tool)}" data-state="${s.state}" x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="14" fill="${STATE_COLORS[s.state]}"><title>${htmlText(`${tool}: ${s.state === 'none' ? 'no data' : s.state} ${clock(s.fromMs)}–${clock(s.toMs)}`)}</title></rect>`,
      );
    }
  });
  if (rows.length === 0) {
    parts.push(label(WIDTH / 2, top + 14, 'no health probe reported in this window', 'middle'));
  }
  return svg('health', 'Health over time', height, parts.join(''));
}

function legend(items: readonly (readonly [string, string])[]): string {
  let x = PLOT_X;
  return items
    .map(([name, color]) => {
      const g = `<rect x="${x}" y="6" width="12" height="12" fill="${color}"/>${label(x + 16, 16, name, 'start', 'legend')}`;
      x += 30 + name.length * 7;
      return g;
    })
    .join('');
}

/** "12:34:56" in UTC. */
function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
