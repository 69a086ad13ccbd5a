/** Writing a command's result to stdout or to the `--out` file. */
import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/** Writes `text` to the file (and says so on stderr) or to stdout. */
export function emit(io: CliIo, text: string, outPath: string | undefined, what: string): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (outPath === undefined) {
    io.stdout.write(body);
    return;
  }
  writeFileSync(outPath, body);
  const kb = Buffer.byteLength(body) / 1024;
  io.stderr.write(`wrote ${what} to ${outPath} (${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB)\n`);
}
