/**
 * Reading a config file (probe checks, objectives) within `LIMITS.configFileBytes`: the size is
 * checked before the text is parsed — YAML parsing costs far more time and memory than the text
 * it parses (an 8.9 MB file took 12 s and 974 MB) — and a file is never read past the limit
 * (`/proc` files say they are empty).
 *
 * Only a regular file is read: a FIFO with no writer, a terminal or a device would block the
 * process in a read no signal can interrupt (Node runs signal handlers between reads), and a
 * device such as `/dev/zero` never ends. The type is checked before the file is opened, and
 * again on the descriptor (opened non-blocking, so a FIFO swapped in meanwhile cannot block).
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { describeFileError, describeBytes as size } from './describe.ts';
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
 * problem says why in words, `cannot be read (no such file or directory)`, or
 * `cannot be read (it is a FIFO, not a regular file)`; `cause` is the system error). No problem
 * names the file (the caller does, as it names files) or quotes its content.
 */
export function readConfigFile(
  path: string,
  fail: (problem: string, cause?: unknown) => Error,
): string {
  let read: { text: string } | { bytes: number } | { kind: string };
  try {
    read = readAtMost(path, LIMITS.configFileBytes);
  } catch (err) {
    throw fail(`cannot be read (${describeFileError(err)})`, err);
  }
  if ('kind' in read) {
    throw fail(
      `cannot be read (it is ${read.kind}, not a regular file)`,
      Object.assign(new Error(`not a regular file: ${read.kind}`), { code: 'ENOTREG' }),
    );
  }
  if ('bytes' in read) {
    throw fail(Number.isFinite(read.bytes) ? `${TOO_LARGE} (${size(read.bytes)})` : TOO_LARGE);
  }
  return read.text;
}

/** What a file that is not a regular file is, in words; undefined for a regular file. */
function notRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

/** The file's text, or its size (Infinity: unknown, past `max`) when it holds more than `max`. */
function readAtMost(
  path: string,
  max: number,
): { text: string } | { bytes: number } | { kind: string } {
  // Before opening: opening a FIFO for reading blocks until a writer comes.
  const before = notRegular(statSync(path));
  if (before !== undefined) return { kind: before };
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    const kind = notRegular(stats);
    if (kind !== undefined) return { kind };
    const declared = stats.size;
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
