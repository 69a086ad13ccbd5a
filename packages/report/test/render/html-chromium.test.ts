/**
 * Opens the HTML report in headless Chromium (Debian package `chromium`, /usr/bin/chromium)
 * and checks that the charts rendered and nothing was fetched. Not skipped when Chromium is
 * missing: CI installs it. The screenshot goes to the OS temp dir for a person to look at.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/build-report.ts';
import { renderHtml } from '../../src/render/html.ts';
import { travelScenario } from '../helpers/scenario.ts';

const CHROMIUM = process.env.TOOLSCOPE_CHROMIUM ?? '/usr/bin/chromium';

describe('HTML report in headless Chromium', () => {
  it('renders every SVG chart with a non-zero box and fetches nothing', async () => {
    const s = travelScenario();
    const report = await buildReport(s.source, { window: '15m', now: s.now });
    const dir = mkdtempSync(join(tmpdir(), 'toolscope-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(report));

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      expect(requests).toEqual([pathToFileURL(file).href]);

      const charts = await page.$$eval('svg.chart', (els) =>
        els.map((e) => {
          const box = e.getBoundingClientRect();
          const marks = [...e.querySelectorAll('rect.bar, rect.seg')].map((m) => {
            const b = m.getBoundingClientRect();
            return b.width * b.height;
          });
          return {
            kind: e.getAttribute('data-chart'),
            width: box.width,
            height: box.height,
            marks: marks.length,
            visibleMarks: marks.filter((a) => a > 0).length,
          };
        }),
      );
      expect(charts.map((c) => c.kind)).toEqual(['latency', 'success', 'health', 'workflows']);
      for (const c of charts) {
        expect(c.width, c.kind!).toBeGreaterThan(100);
        expect(c.height, c.kind!).toBeGreaterThan(30);
        expect(c.marks, c.kind!).toBeGreaterThan(0);
        expect(c.visibleMarks, c.kind!).toBe(c.marks);
      }
      // 4 tools × 3 percentiles; 4 success bars; 5 health segments for geo_lookup.
      expect(charts[0]!.marks).toBe(12);
      expect(charts[1]!.marks).toBe(4);
      const geoSegments = await page.$$eval('rect.seg[data-tool="geo_lookup"]', (els) =>
        els.map((e) => e.getAttribute('data-state')),
      );
      expect(geoSegments).toEqual(['healthy', 'unhealthy', 'healthy', 'degraded', 'unhealthy']);
      // p99 bars are longer than p50 bars of the same tool.
      const widths = await page.$$eval('rect.bar[data-tool="restaurant_search"][data-q]', (els) =>
        els.map((e) => e.getBoundingClientRect().width),
      );
      expect(widths[2]!).toBeGreaterThan(widths[0]!);
      const shot = join(tmpdir(), 'toolscope-report-chromium.png');
      await page.screenshot({ path: shot, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
