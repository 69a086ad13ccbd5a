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

/** `value` is undefined or an object with the method `method` (a tracer or meter provider). */
export function optionalProvider(
  field: string,
  value: unknown,
  method: string,
  what: string,
): void {
  if (value === undefined) return;
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as Record<string, unknown>)[method] !== 'function'
  ) {
    throw validate.error(
      field,
      `must be an OpenTelemetry ${what} (an object with ${method}()) or be left out`,
    );
  }
}
