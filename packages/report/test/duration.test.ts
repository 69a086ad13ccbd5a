import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/duration.ts';
import { ReportConfigError } from '../src/errors.ts';

describe('parseDuration', () => {
  it.each([
    ['15m', 900_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    [' 10s ', 10_000],
    [2500, 2500],
  ])('%s → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['15', '15x', 'm', '', '-5m', '1h 30m', '0s', 'abc'])('%j is rejected', (input) => {
    expect(() => parseDuration(input)).toThrow(ReportConfigError);
    expect(() => parseDuration(input, 'window')).toThrow(/^window: .* for example 30s, 15m, 1h30m/);
  });

  it('rejects non-positive numbers', () => {
    expect(() => parseDuration(0)).toThrow(/window: must be a positive duration/);
    expect(() => parseDuration(Number.NaN, '--window')).toThrow(/^--window/);
  });
});

describe('formatDuration', () => {
  it.each([
    [900_000, '15m'],
    [5_400_000, '1h30m'],
    [1500, '1.5s'],
    [250, '250ms'],
    [86_400_000 + 60_000, '1d1m'],
  ])('%d → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
