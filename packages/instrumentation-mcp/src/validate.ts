/** Fail-fast argument checks: every error names the field and what is allowed. */

export class ToolscopeConfigError extends Error {
  override readonly name = 'ToolscopeConfigError';
  /** The argument or option that is wrong (for example `client`). */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

export function requireObject(field: string, value: unknown, what: string): object {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    throw new ToolscopeConfigError(
      field,
      `must be ${what} (got ${value === null ? 'null' : typeof value})`,
    );
  }
  return value;
}

export function optionalTracerProvider(field: string, value: unknown): void {
  if (value === undefined) return;
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { getTracer?: unknown }).getTracer !== 'function'
  ) {
    throw new ToolscopeConfigError(
      field,
      'must be an OpenTelemetry TracerProvider (an object with getTracer()) or be left out',
    );
  }
}
