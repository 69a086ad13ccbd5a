/**
 * The sections the demo appends to the report (health probes, what it injected) show names
 * through the core's sanitisers, as the report does: hostile tool, server and error names keep
 * every control and bidi character visible as an escape in every format, Markdown tables keep
 * their shape, HTML escapes, and an empty cell is `–`.
 */
import type { HealthSummary } from '@toolscope/health-probe';
import { describe, expect, it } from 'vitest';
import { demoSections } from '../src/render.ts';
import type { DemoScenario } from '../src/run-demo.ts';

const EVIL = 'geo\u001b]0;owned\u0007|x\u202e<b>';
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

const summary = {
  windowMs: 30_000,
  status: 'unhealthy',
  score: 50,
  counts: { healthy: 1, degraded: 0, unhealthy: 1, unknown: 0, maintenance: 0 },
  checks: [
    {
      tool: EVIL,
      status: 'unhealthy',
      availability: 0.5,
      runs: 4,
      lastResult: { ok: false, latencyMs: 12, errorType: `E\n${EVIL}` },
    },
    {
      tool: 'flights',
      status: 'healthy',
      availability: 1,
      runs: 4,
      lastResult: { ok: true, latencyMs: 3 },
    },
  ],
} as unknown as HealthSummary;

const demo = {
  servers: [
    {
      id: `srv${EVIL}`,
      placement: 'child',
      url: 'http://127.0.0.1:1',
      tools: [EVIL],
      outage: { plannedFromMs: 0, plannedToMs: 1, downAtMs: 1000, upAtMs: 2000 },
    },
  ],
  tools: {
    [EVIL]: {
      server: `srv${EVIL}`,
      placement: 'child',
      configured: { medianMs: 10, failureRate: 0.1 },
      calls: {
        calls: 9,
        failedCalls: 1,
        retries: 0,
        fallbackCalls: 0,
        injectedLatencyMs: { p50: 10, p95: 20, p99: 30 },
      },
    },
  },
} as unknown as DemoScenario;

describe('demoSections', () => {
  it('text: every control and bidi character shown as an escape; empty cells are –', () => {
    const text = demoSections('text', summary, demo);
    for (const line of text.split('\n')) expect(line).not.toMatch(UNSAFE);
    expect(text).toContain('geo\\x1b]0;owned\\x07|x\\u202e<b>');
    expect(text).toContain('E\\ngeo');
    const flights = text.split('\n').find((l) => l.startsWith('flights'))!;
    expect(flights.trimEnd().endsWith('–')).toBe(true);
  });

  it('Markdown: one row per line with the header’s columns, no raw HTML', () => {
    const md = demoSections('markdown', summary, demo);
    expect(md).not.toMatch(UNSAFE);
    expect(md).not.toMatch(/<b>/);
    for (const block of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const [head, ...rows] = block.split('\n');
      const pipes = (l: string) => l.split('|').length - 1;
      for (const row of rows) expect(pipes(row), row).toBe(pipes(head!));
    }
    expect(md).toMatch(/\| `flights` \| healthy \| 100\\\.0% \| 4 \| 3 ms \| – \|/);
  });

  it('HTML: escaped, and no control or bidi character survives', () => {
    const html = demoSections('html', summary, demo);
    expect(html).not.toMatch(UNSAFE);
    expect(html).not.toContain('<b>');
    expect(html).toContain('geo\\x1b]0;owned\\x07|x\\u202e&lt;b&gt;');
    expect(html).toContain('<td>–</td>');
  });
});
