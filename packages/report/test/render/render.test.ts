import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/build-report.ts';
import { ReportConfigError } from '../../src/errors.ts';
import { renderHtml } from '../../src/render/html.ts';
import { renderJson } from '../../src/render/json.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { parseReportFormat, REPORT_FORMATS, renderReport } from '../../src/render/render.ts';
import { healthSegments } from '../../src/render/svg.ts';
import { renderText } from '../../src/render/text.ts';
import type { Report } from '../../src/types.ts';
import { travelScenario } from '../helpers/scenario.ts';

/** C0 (but the page's own newlines), DEL, C1, zero-width, bidi, line separators, the BOM. */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

async function report(): Promise<Report> {
  const s = travelScenario();
  return buildReport(s.source, { window: '15m', now: s.now });
}

describe('renderJson: the stable documented shape', () => {
  it('top-level, tool, workflow, trend and recommendation keys', async () => {
    const parsed = JSON.parse(renderJson(await report()));
    expect(Object.keys(parsed)).toEqual([
      'schemaVersion',
      'generatedAt',
      'source',
      'window',
      'previousWindow',
      'summary',
      'tools',
      'workflows',
      'trends',
      'recommendations',
      'health',
      'alerts',
      'healthHistory',
    ]);
    expect(parsed.schemaVersion).toBe(1);
    expect(Object.keys(parsed.source)).toEqual(['kind', 'description', 'accuracy']);
    expect(Object.keys(parsed.source.accuracy)).toEqual([
      'method',
      'relativeErrorBound',
      'statement',
      'caveats',
    ]);
    expect(parsed.source.accuracy.caveats).toEqual([]);
    expect(Object.keys(parsed.tools[0]).sort()).toEqual(
      [
        'tool',
        'toolType',
        'calls',
        'successes',
        'errors',
        'successRate',
        'errorRate',
        'errorTypes',
        'retries',
        'retriedCalls',
        'retryRate',
        'fallbacks',
        'fallbackFor',
        'fallbacksReceived',
        'durationMs',
        'payloadBytes',
        'expectedPerformanceMs',
        'health',
        'lastCallAt',
      ].sort(),
    );
    expect(Object.keys(parsed.tools[0].durationMs)).toEqual([
      'min',
      'max',
      'mean',
      'p50',
      'p95',
      'p99',
    ]);
    expect(Object.keys(parsed.workflows[0]).sort()).toEqual(
      [
        'workflow',
        'executions',
        'outcomes',
        'completionRate',
        'partialRate',
        'failureRate',
        'durationMs',
        'avgSteps',
        'toolsUsed',
        'lastRunAt',
      ].sort(),
    );
    expect(Object.keys(parsed.trends[0])).toEqual([
      'kind',
      'subject',
      'current',
      'previous',
      'change',
      'degraded',
      'reasons',
    ]);
    expect(Object.keys(parsed.recommendations[0])).toEqual([
      'rule',
      'severity',
      'kind',
      'subject',
      'title',
      'message',
      'action',
      'evidence',
    ]);
    expect(Object.keys(parsed.recommendations[0].evidence)).toEqual([
      'window',
      'previousWindow',
      'values',
    ]);
    // Absent values are null, never missing: no `undefined` was dropped.
    const geo = parsed.tools.find((t: { tool: string }) => t.tool === 'geo_lookup');
    expect(geo.expectedPerformanceMs).toBeNull();
    expect(geo.payloadBytes.input).toEqual({ count: 0, mean: null, p95: null, max: null });
  });

  it('round-trips to the same object', async () => {
    const r = await report();
    expect(JSON.parse(renderJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
    expect(renderJson(r).endsWith('\n')).toBe(true);
  });
});

describe('renderText and renderMarkdown', () => {
  it('text: tables with the numbers, recommendations by severity, the accuracy statement', async () => {
    const text = renderText(await report());
    expect(text).toContain('4 tools, 553 calls, 94.0% success · 1 workflow, 100 executions');
    expect(text).toMatch(/restaurant_search\s+300\s+97\.0%/);
    expect(text).toContain('Timeout ×6, HTTP_503 ×3');
    expect(text).toMatch(/search_and_recommend\s+100\s+80\.0%\s+12\s+8/);
    const recs = text.slice(text.indexOf('RECOMMENDATIONS'));
    expect(recs.indexOf('[CRITICAL]')).toBeGreaterThan(0);
    expect(recs.indexOf('[CRITICAL]')).toBeLessThan(recs.indexOf('[ERROR]'));
    expect(recs.indexOf('[ERROR]')).toBeLessThan(recs.indexOf('[WARNING]'));
    expect(recs.indexOf('[WARNING]')).toBeLessThan(recs.indexOf('[INFO]'));
    expect(text).toContain('DEGRADED: p95 +');
    expect(text).toContain('accuracy: Percentiles come from the in-process store');
    expect(text).not.toContain('trends need a window of history');
  });

  it('text: says why trends are empty when the previous window had no calls', async () => {
    const s = travelScenario();
    const r = await buildReport(s.source, { window: '15m', now: s.now, compare: true });
    const noHistory: Report = {
      ...r,
      trends: r.trends.map((t) => ({ ...t, previous: null })),
    } as Report;
    const text = renderText(noHistory);
    expect(text).toContain('trends need a window of history before this one');
    const trends = text.slice(text.indexOf('TRENDS'), text.indexOf('HEALTH'));
    expect(trends).toMatch(/\bnew\b/);
  });

  it('markdown: headings, tables with right-aligned numbers, escaped text', async () => {
    const md = renderMarkdown(await report());
    expect(md).toMatch(/^# toolscope report: last 15m/);
    for (const h of [
      '## Recommendations',
      '## Tools',
      '## Workflows',
      '## Trends',
      '## Health',
      '## Open alerts',
      '## Accuracy',
    ]) {
      expect(md).toContain(h);
    }
    expect(md).toContain('| tool | calls | success | p50 |');
    expect(md).toContain('|---|---:|---:|');
    expect(md).toMatch(/\| `restaurant_search` \| 300 \| 97\.0% \|/);
    expect(md).toContain('- **CRITICAL** geo\\_lookup is unhealthy');
  });
});

describe('renderHtml', () => {
  it('is self-contained: no scripts, links, external URLs or imports; has the four SVG charts', async () => {
    const html = renderHtml(await report());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href=/i);
    expect(html).not.toMatch(/https?:\/\//);
    for (const chart of ['latency', 'success', 'health', 'workflows']) {
      expect(html).toContain(`<svg class="chart" data-chart="${chart}"`);
    }
    expect(html.match(/data-q="p95"/g)).toHaveLength(4);
    expect(html).toContain('class="expected"');
  });

  it('escapes names', async () => {
    const r = await report();
    const evil = { ...r, tools: [{ ...r.tools[0]!, tool: '<script>alert(1)</script>' }] };
    const html = renderHtml(evil);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows control and bidi characters of outside names as escapes, never raw', async () => {
    const r = await report();
    const names = {
      esc: 'title\u001b]0;owned\u0007',
      nul: 'nul\u0000byte',
      c1: 'csi\u009b31m',
      rtl: 'bidi\u202eevil',
      line: 'row\u2028break',
    };
    const hostile: Report = {
      ...r,
      tools: [
        { ...r.tools[0]!, tool: names.esc },
        { ...r.tools[1]!, tool: names.rtl },
      ],
      workflows: [{ ...r.workflows[0]!, workflow: names.nul }],
      health: [{ ...r.health[0]!, tool: names.c1, errorType: names.line }],
      alerts: [{ ...r.alerts[0]!, kind: names.rtl, subject: names.esc, message: names.nul }],
      recommendations: [{ ...r.recommendations[0]!, title: names.c1, message: names.line }],
    };
    const html = renderHtml(hostile);
    expect(html).not.toMatch(UNSAFE);
    expect(html).toContain('title\\x1b]0;owned\\x07');
    expect(html).toContain('bidi\\u202eevil');
    expect(html).toContain('nul\\x00byte');
    expect(html).toContain('csi\\x9b31m');
    expect(html).toContain('row\\u2028break');
    // In attribute values too (the charts' data-tool).
    expect(html).toContain('data-tool="title\\x1b]0;owned\\x07"');
  });

  it("a source's caveat goes through the same sanitisers in text, Markdown and HTML", async () => {
    const r = await report();
    const hostile: Report = {
      ...r,
      source: {
        ...r.source,
        accuracy: { ...r.source.accuracy, caveats: ['esc\u001b]0;x\u0007 <b>|\n# h'] },
      },
    };
    const text = renderText(hostile);
    expect(text).toContain('caveat: esc\\x1b]0;x\\x07 <b>|\\n# h\n');
    const md = renderMarkdown(hostile);
    expect(md).not.toMatch(UNSAFE);
    expect(md).not.toContain('<b>');
    expect(md).not.toMatch(/^# h/m);
    expect(md).toContain('> **Caveat:** esc\\\\x1b\\]0;x\\\\x07 &lt;b&gt;&#124;\\\\n\\# h\n');
    const html = renderHtml(hostile);
    expect(html).not.toMatch(UNSAFE);
    expect(html).toContain(
      '<p class="caveat"><strong>Caveat:</strong> esc\\x1b]0;x\\x07 &lt;b&gt;|\\n# h</p>',
    );
  });

  it('health segments come from history, else from the current state', async () => {
    const r = await report();
    const segs = healthSegments(r);
    const geo = segs.get('geo_lookup')!;
    expect(geo.map((s) => s.state)).toEqual([
      'healthy',
      'unhealthy',
      'healthy',
      'degraded',
      'unhealthy',
    ]);
    expect(geo[0]!.fromMs).toBe(Date.parse(r.window.from));
    expect(geo.at(-1)!.toMs).toBe(Date.parse(r.window.to));
    const noHistory = healthSegments({ ...r, healthHistory: [] });
    // geo_lookup unhealthy since 11:55: no data before, unhealthy after.
    expect(
      noHistory.get('geo_lookup')!.map((s) => [s.state, new Date(s.fromMs).toISOString()]),
    ).toEqual([
      ['none', '2026-01-15T11:45:00.000Z'],
      ['unhealthy', '2026-01-15T11:55:00.000Z'],
    ]);
  });
});

describe('a value that is not a string where text is expected', () => {
  it('is shown as String(value) by every renderer, never crashing it', async () => {
    const r = await report();
    const odd: Report = {
      ...r,
      health: [{ ...r.health[0]!, tool: 7 as never, state: 42 as never, errorType: null }],
      alerts: [{ ...r.alerts[0]!, message: { toString: () => 'odd message' } as never }],
    };
    const text = renderText(odd);
    expect(text).toMatch(/^ *7 +42 +2026/m);
    expect(text).toContain('odd message');
    expect(renderMarkdown(odd)).toContain('| `7` | 42 |');
    expect(renderHtml(odd)).toContain(
      '<td>7</td><td><span class="state" style="color:#1d2430">42</span>',
    );
  });
});

describe('renderReport and parseReportFormat', () => {
  it('dispatches every format and rejects unknown ones with the field named', async () => {
    const r = await report();
    expect(REPORT_FORMATS).toEqual(['text', 'json', 'markdown', 'html']);
    expect(renderReport(r, 'json')).toBe(renderJson(r));
    expect(renderReport(r, 'markdown')).toBe(renderMarkdown(r));
    expect(renderReport(r, 'text')).toBe(renderText(r));
    expect(renderReport(r, 'html')).toBe(renderHtml(r));
    expect(() => parseReportFormat('pdf')).toThrow(ReportConfigError);
    expect(() => parseReportFormat('pdf', '--format')).toThrow(
      '--format: unknown format "pdf"; use one of text, json, markdown, html',
    );
  });
});
