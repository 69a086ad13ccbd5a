import { describeValue, ProbeConfigError } from './errors.ts';
import type { NormalizedWindow } from './internal-types.ts';
import type { MaintenanceWindow } from './types.ts';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_MS = 86_400_000;

/**
 * Validates a maintenance window. One-off windows have `start` and `end`; recurring ones have
 * `every` (weekdays or `daily`), `at` (`HH:MM`, UTC) and `durationMs`.
 *
 * @example { every: ['sunday'], at: '02:00', durationMs: 1_800_000 } holds alerts every
 * Sunday from 02:00 to 02:30 UTC.
 */
export function normalizeWindow(w: MaintenanceWindow, position: number): NormalizedWindow {
  const where = `maintenance[${position}]`;
  const err = (field: string, message: string) => new ProbeConfigError(where, field, message);
  if (w === null || typeof w !== 'object') throw err('window', 'must be an object');
  for (const key of Object.keys(w)) {
    if (!['checks', 'start', 'end', 'every', 'at', 'durationMs'].includes(key)) {
      throw err(key, 'unknown field; allowed: checks, start, end, every, at, duration');
    }
  }
  if (
    w.checks !== undefined &&
    (!Array.isArray(w.checks) || w.checks.some((c) => typeof c !== 'string'))
  ) {
    throw err('checks', 'must be a list of check ids');
  }
  const checks = w.checks === undefined ? undefined : new Set<string>(w.checks);
  if (w.every !== undefined) {
    if (!Array.isArray(w.every) || w.every.length === 0)
      throw err('every', 'must be a list of weekdays or ["daily"]');
    const days = new Set<number>();
    for (const d of w.every) {
      const name = String(d).toLowerCase();
      if (name === 'daily') for (let i = 0; i < 7; i++) days.add(i);
      else if (DAYS.includes(name)) days.add(DAYS.indexOf(name));
      else throw err('every', `${describeValue(d)} is not a weekday; use monday … sunday or daily`);
    }
    const at = typeof w.at === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(w.at) : null;
    if (at === null) throw err('at', `must be a UTC time HH:MM (got ${describeValue(w.at)})`);
    const offsetMs = (Number(at[1]) * 60 + Number(at[2])) * 60_000;
    const duration = w.durationMs;
    if (
      typeof duration !== 'number' ||
      !Number.isFinite(duration) ||
      duration <= 0 ||
      duration > 7 * DAY_MS
    ) {
      throw err(
        'duration',
        `must be a duration > 0 and at most 7 days (got ${describeValue(duration)})`,
      );
    }
    return {
      checks,
      contains(nowMs) {
        // A window may have started on an earlier day and still be running.
        const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
        for (let back = 0; back * DAY_MS <= duration + DAY_MS; back++) {
          const dayStart = today - back * DAY_MS;
          const weekday = new Date(dayStart).getUTCDay();
          if (!days.has(weekday)) continue;
          const start = dayStart + offsetMs;
          if (nowMs >= start && nowMs < start + duration) return true;
        }
        return false;
      },
    };
  }
  const start = timestamp(where, 'start', w.start);
  const end = timestamp(where, 'end', w.end);
  if (end <= start) throw err('end', 'must be after start');
  return { checks, contains: (nowMs) => nowMs >= start && nowMs < end };
}

function timestamp(where: string, field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  throw new ProbeConfigError(
    where,
    field,
    `must be an ISO-8601 time or epoch ms (got ${describeValue(value)}); recurring windows use every/at/duration`,
  );
}
