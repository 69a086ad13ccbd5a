/**
 * Attack class: hostile names through every renderer (defect 2 of issue 14). Tool, workflow,
 * error-type, fallback, check and alert names carrying terminal escapes (OSC retitle, clear
 * screen, C1 CSI, BEL), newlines, bidirectional overrides and Markdown/HTML syntax go through
 * the text report, the Markdown report, the HTML report, the JSON report and `toolscope probe`
 * output (text and JSON). Text and probe output show every control character as an escape;
 * Markdown keeps one table row per line, the same columns on every row and no raw HTML; HTML
 * escapes and shows control characters as escapes too; JSON round-trips the names exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Alert,
  InvocationStore,
  type ToolHealth,
} from '../../packages/instrumentation/src/index.ts';
import {
  buildReport,
  InProcessSource,
  type Report,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderText,
} from '../../packages/report/src/index.ts';
import { probeWithConfig, TERMINAL_UNSAFE } from './support.ts';

/** Every name an attacker might choose; each is also a tool, workflow, error type, … */
const HOSTILE = [
  'title\u001b]0;owned\u0007',
  'clear\u001b[2J\u001b[H',
  'csi\u009b31m',
  'row\nbreak',
  'cr\rover',
  'bidi\u202eevil',
  '<img src=x onerror=alert(1)>',
  'tick`out',
  '``',
  'pipe\\|col',
  '| x | y |',
  'text\n# owned heading',
  '[link](http://evil)',
] as const;

/**
 * A Markdown line without its code spans and backslash escapes (CommonMark: an escaped
 * backtick starts no code span; a span ends at the next run of as many backticks). An
 * unmatched backtick run is kept, so a span a name broke open shows.
 */
function inlineText(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; ) {
    if (line[i] === '\\' && i + 1 < line.length && /[!-/:-@[-`{-~]/.test(line[i + 1]!)) {
      i += 2;
      continue;
    }
    if (line[i] === '`') {
      let n = 0;
      while (line[i + n] === '`') n++;
      const fence = '`'.repeat(n);
      let end = line.indexOf(fence, i + n);
      while (end >= 0 && line[end + n] === '`') end = line.indexOf(fence, end + n + 1);
      if (end < 0) {
        out += fence;
        i += n;
      } else i = end + n;
      continue;
    }
    out += line[i];
    i++;
  }
  return out;
}

let report: Report;

beforeAll(async () => {
  const store = new InvocationStore();
  const now = Date.now();
  HOSTILE.forEach((name, i) => {
    for (let k = 0; k < 30; k++) {
      store.record({
        kind: 'tool',
        name,
        toolType: 'function',
        durationS: 0.01 * (k + 1),
        endTimeMs: now - 1000,
        errorType: k % 3 === 0 ? HOSTILE[(i + 1) % HOSTILE.length] : undefined,
        retryCount: k % 5 === 0 ? 1 : 0,
        fallbackFor: k % 7 === 0 ? HOSTILE[(i + 2) % HOSTILE.length] : undefined,
        inputSize: 10,
        outputSize: 20,
        expectedPerformanceMs: 5,
        confidence: undefined,
        workflow: name,
      });
    }
    store.record({
      kind: 'workflow',
      name,
      durationS: 0.5,
      endTimeMs: now - 1000,
      outcome: 'failed',
      errorType: name,
      stepsCompleted: 2,
      totalSteps: 3,
      toolsUsed: [name, HOSTILE[(i + 3) % HOSTILE.length]!],
    });
  });
  const health: ToolHealth[] = HOSTILE.map((name) => ({
    tool: name,
    state: 'unhealthy',
    updatedAtMs: now,
    sinceMs: now - 5000,
    latencyMs: 12,
    errorType: name,
  }));
  const alerts: Alert[] = HOSTILE.map((name, i) => ({
    id: `a${i}`,
    key: name,
    kind: name,
    severity: 'error',
    subject: name,
    message: name,
    status: 'firing',
    firedAtMs: now - 2000,
  }));
  report = await buildReport(
    new InProcessSource({ store, health: () => health, alerts: { active: () => alerts } }),
    { window: '15m', now },
  );
});

describe('hostile names through every renderer (defect 2)', () => {
  it('text: no control or invisible formatting character reaches the terminal', () => {
    const text = renderText(report);
    for (const line of text.split('\n')) expect(line).not.toMatch(TERMINAL_UNSAFE);
    // Every tool is one row: the table keeps its shape.
    const tools = text.split('\n\n').find((b) => b.startsWith('TOOLS\n'))!;
    expect(tools.split('\n')).toHaveLength(HOSTILE.length + 3);
    expect(text).toContain('title\\x1b]0;owned\\x07');
    expect(text).toContain('row\\nbreak');
  });

  it('Markdown: every table row on one line with the same columns, no raw HTML, no injected heading', () => {
    const md = renderMarkdown(report);
    expect(md).not.toMatch(TERMINAL_UNSAFE);
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    for (const h of headings) expect(h).toMatch(/^#{1,2} [A-Za-z]/);
    expect(headings.some((h) => h.includes('owned'))).toBe(false);
    // A cell never holds a pipe of its own (escaped or not: renderers differ on `\\|`), so
    // every row of a table has exactly as many pipes as its header.
    const lines = md.split('\n');
    let header: number | undefined;
    let rows = 0;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        header = undefined;
        continue;
      }
      const pipes = line.split('|').length - 1;
      if (header === undefined) header = pipes;
      else {
        expect(pipes, line).toBe(header);
        rows++;
      }
    }
    expect(rows).toBeGreaterThan(HOSTILE.length * 3);
    // A backtick in a name cannot end its code span: every code span is balanced on its line;
    // outside code spans no HTML tag but toolscope's own <code> survives.
    for (const line of lines) {
      const outsideCode = inlineText(line);
      expect(outsideCode, line).not.toContain('`');
      expect(outsideCode.replace(/<\/?code>/g, ''), line).not.toMatch(/<[a-z/!?]/i);
    }
  });

  it('HTML: names are escaped, and no control or invisible formatting character survives', () => {
    const html = renderHtml(report);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // `cat report.html` runs no escape; a browser reverses no text (U+202E).
    for (const line of html.split('\n')) expect(line).not.toMatch(TERMINAL_UNSAFE);
    expect(html).toContain('title\\x1b]0;owned\\x07');
    expect(html).toContain('bidi\\u202eevil');
    expect(html).toContain('csi\\x9b31m');
    expect(html).toContain('row\\nbreak');
  });

  it('JSON: names round-trip exactly (as before)', () => {
    const parsed = JSON.parse(renderJson(report)) as Report;
    expect(parsed.tools.map((t) => t.tool).sort()).toEqual([...HOSTILE].sort());
  });
});

describe('hostile check names through toolscope probe output (defect 2)', () => {
  const checks = (extra = '') =>
    HOSTILE.map(
      (name, i) =>
        `  - id: ${JSON.stringify(`${name}#${i}`)}\n    type: http\n    endpoint: http://127.0.0.1:1/\n    timeout: 50ms\n${extra}`,
    ).join('');

  async function probeOnce(format: 'text' | 'json'): Promise<{ code: number; out: string }> {
    const r = await probeWithConfig(`checks:\n${checks()}`, ['--once', '--format', format]);
    return { code: r.code, out: r.stdout + r.stderr };
  }

  it('text: one row per check, every control character shown as an escape', async () => {
    const { code, out } = await probeOnce('text');
    expect(code).toBe(1);
    for (const line of out.split('\n')) expect(line).not.toMatch(TERMINAL_UNSAFE);
    expect(out.trimEnd().split('\n')).toHaveLength(HOSTILE.length + 1);
  });

  it('continuous mode: every status line shown safely, one line per change', async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const r = await probeWithConfig(
      `checks:\n${checks('    interval: 100ms\n    jitter: 0s\n    failure_threshold: 1\n')}`,
      [],
      {
        deps: { startToolscope: () => ({ shutdown: async () => {} }), signal: stop.signal },
        onStdout: (s) => {
          lines.push(...s.split('\n').filter((l) => l !== ''));
          // The banner, then one UNHEALTHY line per check: enough.
          if (lines.length > HOSTILE.length) stop.abort();
        },
      },
    );
    expect(r.code).toBe(0);
    for (const line of lines) expect(line).not.toMatch(TERMINAL_UNSAFE);
    expect(lines.filter((l) => l.endsWith(')') && l.includes(' unhealthy '))).toHaveLength(
      HOSTILE.length,
    );
  });

  it('JSON: ids round-trip exactly (as before)', async () => {
    const { out } = await probeOnce('json');
    const parsed = JSON.parse(out) as { checks: { id: string }[] };
    expect(parsed.checks.map((c) => c.id)).toEqual(HOSTILE.map((n, i) => `${n}#${i}`));
  });
});
