/**
 * How a value a user gave appears in an error message: short, on one line, never a secret's
 * full text. Strings are quoted (JSON escapes make control characters visible) and cut at
 * 60 characters; other values by type.
 *
 * @example describeValue('5x') === '"5x"'
 * @example describeValue([1]) === 'an array'
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) {
    return String(value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
