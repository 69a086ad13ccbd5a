import { ReportConfigError } from './errors.ts';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Parses a duration such as `15m`, `30s`, `1h30m`, `500ms`, `2d` into milliseconds (the
 * Prometheus units; fractions allowed: `1.5h`). Throws a `ReportConfigError` naming `field`
 * and the accepted syntax otherwise. A number is taken as milliseconds.
 */
export function parseDuration(input: string | number, field = 'window'): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input > 0) return input;
    throw new ReportConfigError(field, `must be a positive duration (got ${input})`);
  }
  const text = typeof input === 'string' ? input.trim() : '';
  let total = 0;
  PART.lastIndex = 0;
  let matched = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (m === null) break;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = PART.lastIndex;
  }
  if (text === '' || matched !== text.length || !(total > 0)) {
    throw new ReportConfigError(
      field,
      `${JSON.stringify(input)} is not a duration; use a number with a unit (ms, s, m, h, d, w), for example 30s, 15m, 1h30m`,
    );
  }
  return total;
}

/** Formats milliseconds compactly: 900000 → `15m`, 5400000 → `1h30m`, 1500 → `1.5s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${round(ms, 1)}ms`;
  if (ms < 60_000) return `${round(ms / 1000, 2)}s`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
