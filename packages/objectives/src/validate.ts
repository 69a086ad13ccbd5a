/** Fail-fast checks: every error names the field and what is allowed. */
import { ToolscopeConfigError } from '@toolscope/instrumentation';

/** Bad objectives or options, thrown at set-up: the core's error, `field` a dotted path. */
export { ToolscopeConfigError };

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** A number in [min, max] (inclusive unless told otherwise). */
export function requireNumber(
  field: string,
  value: unknown,
  range: {
    min?: number;
    max?: number;
    minExclusive?: boolean;
    maxExclusive?: boolean;
    integer?: boolean;
  },
  hint: string,
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.integer !== true || Number.isInteger(value)) &&
    (range.min === undefined || (range.minExclusive ? value > range.min : value >= range.min)) &&
    (range.max === undefined || (range.maxExclusive ? value < range.max : value <= range.max));
  if (!ok) throw new ToolscopeConfigError(field, `${hint} (got ${describe(value)})`);
  return value as number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
