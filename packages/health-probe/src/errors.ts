/**
 * A bad check definition or probe option, raised at set-up time (nothing is started). The
 * message names the check, the field and the fix, for example
 * `check "search-api", field "timeoutMs": must be <= intervalMs (5000); lower the timeout or raise the interval`.
 */
export class ProbeConfigError extends Error {
  override readonly name = 'ProbeConfigError';
  /** The id of the check at fault, when the error is about one check. */
  readonly checkId: string | undefined;
  /** The field at fault, as written in the definition (for example `timeoutMs`). */
  readonly field: string;
  constructor(checkId: string | undefined, field: string, message: string) {
    const where =
      checkId === undefined ? `field "${field}"` : `check "${checkId}", field "${field}"`;
    super(`${where}: ${message}`);
    this.checkId = checkId;
    this.field = field;
  }
}

/** A short, safe description of a configuration value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null)
    return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
