/** Fail-fast option checks: every error names the field and what is allowed. */

export class ToolscopeConfigError extends Error {
  override readonly name = 'ToolscopeConfigError';
  /** The option that is wrong, as a dotted path (for example `maxContentBytes`). */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

export function requireName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ToolscopeConfigError(field, `must be a non-empty string (got ${describe(value)})`);
  }
  return value;
}

export function optionalNonNegative(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ToolscopeConfigError(field, `must be a finite number >= 0 (got ${describe(value)})`);
  }
  return value;
}

export function optionalPositiveInteger(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ToolscopeConfigError(field, `must be a positive integer (got ${describe(value)})`);
  }
  return value;
}

export function optionalUnitInterval(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ToolscopeConfigError(field, `must be a number from 0 to 1 (got ${describe(value)})`);
  }
  return value;
}

export function optionalOneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ToolscopeConfigError(
      field,
      `must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${describe(value)})`,
    );
  }
  return value as T;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null)
    return String(value);
  return typeof value;
}
