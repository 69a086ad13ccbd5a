/**
 * The one duration grammar of toolscope, used by every option, config file field and CLI flag
 * that takes a duration (probe intervals and timeouts, objective windows, report windows,
 * `--timeout`, …).
 *
 * - A number is milliseconds: `250` → 250.
 * - A string is one or more `<number><unit>` parts, Prometheus style, units `ms`, `s`, `m`,
 *   `h`, `d`, `w`; fractions allowed; parts add up: `'1h30m'` → 5 400 000, `'1.5s'` → 1500,
 *   `'2d'` → 172 800 000. A string of digits alone is milliseconds too: `'250'` → 250.
 * - Never negative, never NaN or infinite; zero only where the field allows it.
 */

import { describeValue } from './describe.ts';
import { type ConfigErrorFactory, configError } from './errors.ts';

/** A duration as options and config files take it: milliseconds, or a string such as `'30s'`. */
export type Duration = number | string;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const PART = /\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d|w)/y;
const BARE = /^\s*(\d+(?:\.\d+)?)\s*$/;

/** The syntax, for error messages. */
export const DURATION_SYNTAX =
  'use milliseconds or a number with a unit (ms, s, m, h, d, w), for example 500ms, 30s, 5m, 1h30m';

/** Milliseconds of `value`, or `undefined` when it is not a duration of this grammar. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const bare = BARE.exec(value);
  if (bare !== null) return Number(bare[1]);
  let total = 0;
  let parts = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < value.length) {
    const at = PART.lastIndex;
    const m = PART.exec(value);
    if (m === null) {
      // Only trailing white space may follow the last part.
      return parts > 0 && value.slice(at).trim() === '' ? total : undefined;
    }
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    parts++;
  }
  return parts > 0 && Number.isFinite(total) ? total : undefined;
}

/**
 * Parses a duration for `field`, in milliseconds. Throws the factory's config error (by
 * default a `ToolscopeConfigError`) naming the field and the syntax.
 *
 * @param options.allowZero accept `0` (a disabled jitter, say). @default false
 * @param options.min the smallest value allowed, in ms (inclusive). @default none
 * @example parseDuration('window', '1h30m') === 5_400_000
 */
export function parseDuration(
  field: string,
  value: unknown,
  options: { allowZero?: boolean; min?: number; make?: ConfigErrorFactory } = {},
): number {
  const make = options.make ?? configError;
  const ms = durationMs(value);
  if (ms === undefined) {
    throw make(field, `must be a duration (got ${describeValue(value)}); ${DURATION_SYNTAX}`);
  }
  if (ms === 0 && options.allowZero !== true) {
    throw make(field, `must be longer than 0 (got ${describeValue(value)})`);
  }
  if (options.min !== undefined && ms < options.min) {
    // A bare number is milliseconds: say so, and how to write the seconds it likely meant.
    const bare = typeof value === 'number' || BARE.test(value as string);
    throw make(
      field,
      bare
        ? `must be at least ${formatDuration(options.min)} (got ${describeValue(value)}: a number without a unit is milliseconds); write ${ms}s for ${ms} seconds`
        : `must be at least ${formatDuration(options.min)} (got ${describeValue(value)})`,
    );
  }
  return ms;
}

/** `parseDuration` for an optional field: `undefined` stays `undefined`. */
export function optionalDuration(
  field: string,
  value: unknown,
  options: { allowZero?: boolean; min?: number; make?: ConfigErrorFactory } = {},
): number | undefined {
  return value === undefined ? undefined : parseDuration(field, value, options);
}

/**
 * Compact text of a duration, the grammar's own form (parses back to the same value up to
 * rounding): 900000 → `15m`, 5400000 → `1h30m`, 1500 → `1.5s`, 250 → `250ms`.
 */
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

/**
 * A Prometheus range duration for `ms`, in the largest unit that divides it exactly (PromQL
 * takes integers only): 300000 → `5m`, 90000 → `90s`, 1500 → `1500ms`.
 */
export function promDuration(ms: number): string {
  const whole = Math.round(ms);
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (whole >= size && whole % size === 0) return `${whole / size}${unit}`;
  }
  return `${whole}ms`;
}

/**
 * A latency for people, three significant digits: 12.345 → `12.3 ms`, 1234.5 → `1.23 s`,
 * 0.0421 → `42.1 µs`, 800 → `800 ms`.
 */
export function formatLatencyMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 1000) return `${significant(ms / 1000)} s`;
  if (ms >= 1) return `${significant(ms)} ms`;
  return `${significant(ms * 1000)} µs`;
}

/** Three significant digits, no trailing zeros: 123.456 → `123`, 1.2345 → `1.23`. */
export function significant(v: number): string {
  if (v === 0) return '0';
  return String(Number(v.toPrecision(3)));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
