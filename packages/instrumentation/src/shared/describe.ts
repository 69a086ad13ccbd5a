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
 * What kind of value a whole document (a config file's content) is, never any of its content:
 * a file given by mistake (a `.env`, `/proc/self/environ`) must not put a secret's start in a
 * CI log.
 *
 * @example describeShape('SECRET=abc') === 'a string of 10 characters'
 * @example describeShape([1]) === 'an array'
 */
export function describeShape(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (value == null) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * A `JSON.parse` error on one line without the text it quotes: V8 writes
 * `Unexpected token 'S', "SECRET=abc" is not valid JSON` (the start of the text); that becomes
 * `unexpected token`. Messages with a position keep it.
 *
 * @example describeJsonError(new SyntaxError('Unexpected end of JSON input')) === 'Unexpected end of JSON input'
 */
export function describeJsonError(err: unknown): string {
  const message = String((err as Error | undefined)?.message ?? err).split('\n')[0]!;
  if (/^Unexpected token\b/.test(message) || message.includes('"')) return 'unexpected token';
  return message;
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

/** Why a file operation failed, in words, by system error code. */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large',
  EIO: 'input/output error',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  EEXIST: 'the file already exists',
  EXDEV: 'it is on another file system',
};

/**
 * Why a file could not be read or written, in words (the error code when there are none).
 *
 * @example describeFileError(Object.assign(new Error(), { code: 'ENOSPC' })) === 'no space left on the device'
 */
export function describeFileError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return err instanceof Error ? err.message : String(err);
  return FILE_ERRORS[code] ?? code;
}
