/** Writing a command's result to stdout or to the `--out` file. */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  lstatSync,
  openSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ToolscopeConfigError } from '@toolscope/instrumentation';
import { describeFileError } from '@toolscope/instrumentation/internal';
import { type CliIo, UsageError } from './io.ts';

/**
 * Checks before a long run that `--out` can be written (its directory exists), so a typo
 * fails in a second, not after the demo. Returns the absolute path.
 */
export function checkOutPath(
  command: string,
  io: CliIo,
  out: string | undefined,
): string | undefined {
  if (out === undefined) return undefined;
  if (out.trim() === '') throw new UsageError('--out: give a file name', command);
  const path = resolve(io.cwd, out);
  let dirOk = false;
  try {
    dirOk = statSync(dirname(path)).isDirectory();
  } catch {
    dirOk = false;
  }
  if (!dirOk) {
    throw new UsageError(
      `--out: directory ${dirname(path)} does not exist; create it or choose another path`,
      command,
    );
  }
  try {
    if (statSync(path).isDirectory()) {
      throw new UsageError(`--out: ${path} is a directory; give a file name`, command);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  return path;
}

/**
 * Writes `text` to the file (and says so on stderr) or to stdout. A file is written whole or
 * not at all: to a temporary file in the same directory, renamed over the target, so a failed
 * write (a full disk) leaves the previous report as it was. A target that is not a regular file
 * (`/dev/stdout`, `/dev/full`) is written directly. A write that fails is a `--out` error (one
 * line, exit 2), not a crash.
 */
export function emit(io: CliIo, text: string, outPath: string | undefined, what: string): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (outPath === undefined) {
    io.stdout.write(body);
    return;
  }
  try {
    writeWhole(outPath, body);
  } catch (err) {
    const where = err instanceof WriteFailure ? err.where : '';
    const cause = err instanceof WriteFailure ? err.cause : err;
    throw new ToolscopeConfigError(
      '--out',
      `cannot write ${outPath}${where} (${describeFileError(cause)})`,
      { fix: outFix(cause), cause },
    );
  }
  const kb = Buffer.byteLength(body) / 1024;
  io.stderr.write(`wrote ${what} to ${outPath} (${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB)\n`);
}

/** A failed step of `writeWhole`, saying where (`: cannot create a file in /proc/self`). */
class WriteFailure extends Error {
  readonly where: string;
  constructor(where: string, cause: unknown) {
    super(where, { cause });
    this.where = where;
  }
}

/** How to get past a failed write. */
function outFix(err: unknown): string {
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'free some space or choose another path';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'choose a path in a directory you can write to';
    default:
      return 'choose another path';
  }
}

/** Where a chain of symbolic links ends (the path itself when it is none); at most 40 links. */
function linkTarget(path: string): string {
  let target = path;
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(target).isSymbolicLink();
    } catch {
      return target; // absent: written as a new file
    }
    if (!isLink) return target;
    target = resolve(dirname(target), readlinkSync(target));
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

/** `body` in the file at `path`, whole or not at all (see `emit`). */
function writeWhole(path: string, body: string): void {
  // Through a link to its target: the link stays a link.
  const target = linkTarget(path);
  let mode: number | undefined;
  try {
    const stats = statSync(target);
    if (stats.isDirectory()) {
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    if (!stats.isFile()) {
      writeFileSync(target, body);
      return;
    }
    mode = stats.mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const temp = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const link = target === path ? ':' : `: it links to ${target};`;
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o666);
  } catch (err) {
    throw new WriteFailure(`${link} cannot create a file in ${dirname(target)}`, err);
  }
  try {
    try {
      writeFileSync(fd, body);
    } finally {
      closeSync(fd);
    }
    if (mode !== undefined) chmodSync(temp, mode);
    renameSync(temp, target);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // not created, or already gone
    }
    throw err;
  }
}
