import {
  describeValue,
  type FieldReader,
  type FieldSpec,
  readFields,
  type Validators,
} from '@toolscope/instrumentation/internal';
import type { NormalizedWindow } from './internal-types.ts';
import { probeValidators, type ReadContext, readOptions } from './read-context.ts';
import type { MaintenanceWindow } from './types.ts';
import { Validated } from './validated.ts';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_MS = 86_400_000;
const WINDOW_FIELDS: FieldSpec = {
  checks: [],
  start: [],
  end: [],
  every: [],
  at: [],
  duration: ['durationMs'],
};

/** Windows validated by `readWindows`: the monitor takes them as they are. */
const validatedWindows = new Validated<MaintenanceWindow, NormalizedWindow>();

/**
 * Validates a maintenance window. One-off windows have `start` and `end`; recurring ones have
 * `every` (weekdays or `daily`), `at` (`HH:MM`, UTC) and `duration` (`durationMs` in code).
 * Errors name the field as written, under `maintenance[position]`.
 *
 * @example { every: ['sunday'], at: '02:00', duration: '30m' } holds alerts every Sunday from
 * 02:00 to 02:30 UTC.
 */
export function normalizeWindow(
  input: unknown,
  position: number,
  context: ReadContext = {},
): NormalizedWindow {
  return validatedWindows.get(input) ?? readWindow(input, position, context).normalized;
}

/** Validates a list of windows. */
export function normalizeWindows(
  inputs: readonly unknown[],
  context: ReadContext = {},
): NormalizedWindow[] {
  return inputs.map((w, i) => normalizeWindow(w, i, context));
}

/** Validates the windows of a config file once; returns them normalised, in the code's names. */
export function readWindows(inputs: readonly unknown[], context: ReadContext): MaintenanceWindow[] {
  return inputs.map((w, i) => {
    const { definition, normalized } = readWindow(w, i, context);
    return validatedWindows.keep(definition, normalized);
  });
}

function readWindow(
  input: unknown,
  position: number,
  context: ReadContext,
): { definition: MaintenanceWindow; normalized: NormalizedWindow } {
  const where = `maintenance[${position}]`;
  const v = probeValidators();
  const f = readFields(v, where, v.object(where, input), WINDOW_FIELDS, readOptions(context));
  const rawChecks = f.get('checks');
  if (
    rawChecks !== undefined &&
    (!Array.isArray(rawChecks) || rawChecks.some((c) => typeof c !== 'string'))
  ) {
    throw v.error(f.field('checks'), 'must be a list of check ids');
  }
  const ids = rawChecks === undefined ? undefined : [...(rawChecks as string[])];
  const checks = ids === undefined ? undefined : new Set<string>(ids);
  const scope = ids === undefined ? {} : { checks: ids };
  if (f.get('every') !== undefined) {
    const { days, every, at, offsetMs, durationMs } = recurring(v, f);
    return {
      definition: { ...scope, every, at, durationMs },
      normalized: {
        checks,
        contains(nowMs) {
          // A window may have started on an earlier day and still be running.
          const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
          for (let back = 0; back * DAY_MS <= durationMs + DAY_MS; back++) {
            const dayStart = today - back * DAY_MS;
            if (!days.has(new Date(dayStart).getUTCDay())) continue;
            const start = dayStart + offsetMs;
            if (nowMs >= start && nowMs < start + durationMs) return true;
          }
          return false;
        },
      },
    };
  }
  const start = timestamp(v, f, 'start');
  const end = timestamp(v, f, 'end');
  if (end <= start) throw v.error(f.field('end'), `must be after ${f.key('start')}`);
  return {
    definition: { ...scope, start, end },
    normalized: { checks, contains: (nowMs) => nowMs >= start && nowMs < end },
  };
}

function recurring(v: Validators, f: FieldReader) {
  const every = f.get('every');
  if (!Array.isArray(every) || every.length === 0) {
    throw v.error(f.field('every'), 'must be a list of weekdays or ["daily"]');
  }
  const days = new Set<number>();
  const names: string[] = [];
  for (const d of every) {
    const name = String(d).toLowerCase();
    if (name === 'daily') for (let i = 0; i < 7; i++) days.add(i);
    else if (DAYS.includes(name)) days.add(DAYS.indexOf(name));
    else {
      throw v.error(
        f.field('every'),
        `${describeValue(d)} is not a weekday; use monday … sunday or daily`,
      );
    }
    names.push(name);
  }
  const at = f.get('at');
  const time = typeof at === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at) : null;
  if (time === null) {
    throw v.error(f.field('at'), `must be a UTC time HH:MM (got ${describeValue(at)})`);
  }
  const durationMs = v.duration(f.field('duration'), f.get('duration'));
  if (durationMs > 7 * DAY_MS) {
    throw v.error(
      f.field('duration'),
      `must be at most 7 days (got ${describeValue(f.get('duration'))})`,
    );
  }
  return {
    days,
    every: names,
    at: at as string,
    offsetMs: (Number(time[1]) * 60 + Number(time[2])) * 60_000,
    durationMs,
  };
}

function timestamp(v: Validators, f: FieldReader, name: string): number {
  const value = f.get(name);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  throw v.error(
    f.field(name),
    `must be an ISO-8601 time or epoch ms (got ${describeValue(value)}); recurring windows use every/at/duration`,
  );
}
