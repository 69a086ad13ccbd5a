import type { DurationInput } from './types.ts';
import { describe, ToolscopeConfigError } from './validate.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * Milliseconds of a duration: a number is taken as ms, a string needs a unit (`ms`, `s`, `m`,
 * `h`, `d`). `'1.5s'` gives 1500, `'5m'` gives 300000. Must be > 0.
 */
export function parseDuration(field: string, value: DurationInput): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const m = DURATION.exec(value);
    if (m !== null) ms = Number(m[1]) * UNITS[m[2]!]!;
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new ToolscopeConfigError(
      field,
      `must be milliseconds or a duration such as '500ms', '30s', '5m', '1h' (got ${describe(value)})`,
    );
  }
  if (!(ms > 0)) throw new ToolscopeConfigError(field, `must be > 0 (got ${describe(value)})`);
  return ms;
}

/**
 * A Prometheus duration for `ms`, in the largest unit that divides it exactly:
 * 300000 → `5m`, 90000 → `90s`, 1500 → `1500ms`.
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

/** Human text of a duration in ms: `800 ms`, `1.25 s`, `5m`. */
export function humanMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${round(ms)} ms`;
  return `${round(ms / 1000)} s`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
