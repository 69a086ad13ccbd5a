/**
 * Reading a config file (probe checks, objectives) within `LIMITS.configFileBytes`: the size is
 * checked before the text is parsed — YAML parsing costs far more time and memory than the text
 * it parses (an 8.9 MB file took 12 s and 974 MB) — and a file is never read past the limit,
 * whatever it is (a regular file, `/dev/stdin`, a device that never ends).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { describeBytes as size } from './describe.ts';
import { LIMITS } from './limits.ts';

const TOO_LARGE = `is larger than ${size(LIMITS.configFileBytes)}, the most a config file may be; split it or trim it`;

/**
 * Throws `fail(problem)` when `text` is longer than `LIMITS.configFileBytes` (UTF-8 bytes).
 * For config text given in code; files are checked while they are read (`readConfigFile`).
 */
export function checkConfigSize(text: string, fail: (problem: string) => Error): void {
  // Cheap first: a string of at most limit/3 UTF-16 units is at most limit bytes.
  if (text.length <= LIMITS.configFileBytes / 3) return;
  if (Buffer.byteLength(text, 'utf8') > LIMITS.configFileBytes) throw fail(TOO_LARGE);
}

/**
 * The text of the config file at `path`, read to at most `LIMITS.configFileBytes`. Throws
 * `fail(problem)` when it is larger, and `fail(problem, cause)` when it cannot be read (the
 * problem says why in words, `cannot be read (no such file)`; `cause` is the system error).
 * Neither problem names the file: the caller does, as it names files.
 */
export function readConfigFile(
  path: string,
  fail: (problem: string, cause?: unknown) => Error,
): string {
  let read: { text: string } | { bytes: number };
  try {
    read = readAtMost(path, LIMITS.configFileBytes);
  } catch (err) {
    throw fail(`cannot be read (${unreadable(err)})`, err);
  }
  if ('bytes' in read) {
    throw fail(Number.isFinite(read.bytes) ? `${TOO_LARGE} (${size(read.bytes)})` : TOO_LARGE);
  }
  return read.text;
}

/** Why a file cannot be read, in words (the error code when there are none). */
const UNREADABLE: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

function unreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) return String(err);
  return UNREADABLE[code] ?? code;
}

/** The file's text, or its size (Infinity: unknown, past `max`) when it holds more than `max`. */
function readAtMost(path: string, max: number): { text: string } | { bytes: number } {
  const fd = openSync(path, 'r');
  try {
    const declared = fstatSync(fd).size;
    if (declared > max) return { bytes: declared };
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return length > max
      ? { bytes: Number.POSITIVE_INFINITY }
      : { text: buffer.toString('utf8', 0, length) };
  } finally {
    closeSync(fd);
  }
}
