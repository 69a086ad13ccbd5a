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

/**
 * A byte count as a limit or a size is written in a message: exact KiB and MiB as such, any
 * other count in MB with one decimal.
 *
 * @example describeBytes(262144) === '256 KiB'
 * @example describeBytes(8388608) === '8 MiB'
 * @example describeBytes(8_900_000) === '8.9 MB'
 */
export function describeBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0 && bytes < MiB) return `${bytes / 1024} KiB`;
  if (bytes < 1024) return `${bytes} bytes`;
  return `${Math.round(bytes / 1e5) / 10} MB`;
}
