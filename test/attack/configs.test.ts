/**
 * Attack class: malformed, huge and nested configs, and limits that must hold (defect 10 of
 * issue 14). Every bad probe or objectives config ends in one line and exit 2 (or a
 * `ToolscopeConfigError`), never a stack, a hang or a memory spike.
 *
 * Bounds: a config larger than `LIMITS.configFileBytes` is refused before it is parsed, within
 * 1 s and without the process growing by more than 4 × the cap (an 8.9 MB config took 12 s and
 * 974 MB); a check interval under `LIMITS.minProbeIntervalMs` is refused; captured content is
 * never longer than `maxContentBytes`, whose minimum is `LIMITS.minContentBytes`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthMonitor, parseProbeConfig } from '../../packages/health-probe/src/index.ts';
import {
  configureInstrumentation,
  resetInstrumentation,
  ToolscopeConfigError,
  traceTool,
} from '../../packages/instrumentation/src/index.ts';
import { LIMITS } from '../../packages/instrumentation/src/internal.ts';
import { loadObjectives, parseObjectives } from '../../packages/objectives/src/index.ts';
import { setupTestOtel } from '../support/otel.ts';
import { type ProbeRun, probeWithConfig, TERMINAL_UNSAFE } from './support.ts';

const otel = setupTestOtel();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toolscope-attack-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  resetInstrumentation();
  await otel.shutdown();
});

const CHECK = '  - id: c\n    type: http\n    endpoint: http://127.0.0.1:1/\n';

/** `toolscope probe --once` on a config file `name` holding `text`. */
const probeOnce = (name: string, text: string) => probeWithConfig(text, ['--once'], { name });

function expectOneLine(r: ProbeRun, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(TERMINAL_UNSAFE);
}

describe('huge configs are refused before parsing', () => {
  it('an 8.9 MB probe config: one line, exit 2, fast, small', async () => {
    const big = `checks:\n${CHECK.repeat(Math.ceil(8.9e6 / CHECK.length))}`;
    const rssBefore = process.memoryUsage().rss;
    const r = await probeOnce('huge.yaml', big);
    expectOneLine(r, /is larger than 256 KiB/);
    expect(r.ms).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(4 * LIMITS.configFileBytes + 64e6);
  });

  it('the same text given to parseProbeConfig and parseObjectives', () => {
    const big = 'x'.repeat(LIMITS.configFileBytes + 1);
    expect(() => parseProbeConfig(big)).toThrow(/is larger than 256 KiB/);
    expect(() => parseObjectives(big)).toThrow(/is larger than 256 KiB/);
  });

  it('an objectives file past the cap', async () => {
    const file = join(dir, 'objectives.yaml');
    await writeFile(file, `# ${'x'.repeat(LIMITS.configFileBytes)}\n`);
    expect(() => loadObjectives(file)).toThrow(ToolscopeConfigError);
    expect(() => loadObjectives(file)).toThrow(/is larger than 256 KiB/);
  });

  it('a config at the cap is read', () => {
    const text = `checks:\n${CHECK}# ${'x'.repeat(LIMITS.configFileBytes - CHECK.length - 20)}\n`;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(LIMITS.configFileBytes);
    expect(parseProbeConfig(text).checks).toHaveLength(1);
  });
});

describe('malformed and nested configs: one line, exit 2', () => {
  const cases: [string, string, RegExp][] = [
    [
      'deeply nested flow sequences',
      `checks: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
      /cannot be parsed|must be/,
    ],
    [
      'deeply nested mappings',
      Array.from({ length: 700 }, (_, i) => `${' '.repeat(i)}a:\n`).join(''),
      /cannot be parsed|must be|not a known field/,
    ],
    [
      'an alias bomb',
      `a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\nchecks:\n${CHECK}`,
      /cannot be parsed|alias/i,
    ],
    ['binary garbage', '\u0000\u0001\u0002\u001b]0;owned\u0007\uffff', /cannot be parsed|must be/],
    ['a number', '42\n', /must be a mapping/],
    ['checks: null', 'checks: null\n', /checks/],
    ['a check of the wrong type', 'checks:\n  - 7\n', /check/],
  ];
  it.each(cases)('%s', async (_, text, pattern) => {
    const r = await probeOnce('bad.yaml', text);
    expectOneLine(r, pattern);
    expect(r.ms).toBeLessThan(5000);
  });

  it('deeply nested JSON in a .json config', async () => {
    const r = await probeOnce(
      'nested.json',
      `{"checks": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    );
    expectOneLine(r, /cannot be parsed|must be/);
  });
});

describe('limits on values', () => {
  it(`an interval under ${LIMITS.minProbeIntervalMs} ms is refused, in a file and in code`, async () => {
    const r = await probeOnce(
      'fast.yaml',
      `checks:\n${CHECK}    interval: 1ms\n    timeout: 1ms\n`,
    );
    expectOneLine(r, /interval.*must be at least 100ms/);
    expect(
      () =>
        new HealthMonitor({
          checks: [
            { id: 'c', type: 'http', endpoint: 'http://127.0.0.1:1/', intervalMs: 1, timeoutMs: 1 },
          ],
        }),
    ).toThrow(/must be at least 100ms/);
  });

  it('--once validates alerts.webhook as continuous mode does', async () => {
    const r = await probeOnce(
      'hook.yaml',
      `alerts:\n  webhook:\n    url: not a url\nchecks:\n${CHECK}`,
    );
    expectOneLine(r, /alerts\.webhook\.url/);
  });

  it(`maxContentBytes: at least ${LIMITS.minContentBytes}; captured content never longer`, () => {
    expect(() => configureInstrumentation({ maxContentBytes: 1 })).toThrow(ToolscopeConfigError);
    configureInstrumentation({ maxContentBytes: LIMITS.minContentBytes, captureContent: true });
    traceTool((s: string) => s, { name: 'content' })('é'.repeat(100));
    const span = otel.spans().find((s) => s.name === 'execute_tool content')!;
    for (const key of ['gen_ai.tool.call.arguments', 'gen_ai.tool.call.result']) {
      expect(Buffer.byteLength(String(span.attributes[key]))).toBeLessThanOrEqual(
        LIMITS.minContentBytes,
      );
    }
  });
});
