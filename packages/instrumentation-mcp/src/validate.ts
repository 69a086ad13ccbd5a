/** Fail-fast argument checks through the core's one validator module. */
import { ToolscopeConfigError, validate } from '@toolscope/instrumentation/internal';

export { ToolscopeConfigError };

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
    throw validate.error(
      field,
      'must be an OpenTelemetry TracerProvider (an object with getTracer()) or be left out',
    );
  }
}
