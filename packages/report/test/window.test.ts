/**
 * The report's window is a duration of the core's one grammar (`shared/duration.ts`): the
 * compound and long forms reach `buildReport`, and a bad window is a `ReportConfigError`
 * naming `window` (which the CLI re-labels `--window`). A number is milliseconds.
 */
import { AlertCenter, InvocationStore, ToolscopeConfigError } from '@toolscope/instrumentation';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../src/build-report.ts';
import { ReportConfigError, ToolscopeReportError } from '../src/errors.ts';
import { InProcessSource } from '../src/sources/in-process.ts';

const NOW = 1e12;
const source = new InProcessSource({
  store: new InvocationStore({ now: () => NOW }),
  health: () => [],
  alerts: new AlertCenter(),
});
const windowOf = (window: string | number) =>
  buildReport(source, { window, now: NOW, allowEmpty: true, compare: false }).then((r) => r.window);

describe('report window', () => {
  it.each([
    ['15m', 900_000, '15m'],
    ['30s', 30_000, '30s'],
    ['1h30m', 5_400_000, '1h30m'],
    ['1.5h', 5_400_000, '1h30m'],
    ['2d', 172_800_000, '2d'],
    ['1w', 604_800_000, '7d'],
    [' 10s ', 10_000, '10s'],
    [20_000, 20_000, '20s'],
  ])('%j → %d ms, labelled %s', async (window, ms, label) => {
    expect(await windowOf(window)).toMatchObject({ durationMs: ms, label });
  });

  it.each(['15x', 'm', '', '-5m', '0s', 'abc', 0, -1, Number.NaN])(
    '%j is a ReportConfigError naming window and the syntax',
    async (window) => {
      const err = await windowOf(window).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReportConfigError);
      expect(err).toBeInstanceOf(ToolscopeConfigError);
      expect(err).toBeInstanceOf(ToolscopeReportError);
      expect((err as ReportConfigError).field).toBe('window');
      expect((err as Error).message).toMatch(/^window: must be (a duration|longer than 0)/);
    },
  );
});
