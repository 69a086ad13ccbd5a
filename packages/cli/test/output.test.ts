/**
 * `--out`: a write that fails is one line naming `--out`, the path, the reason and a fix (exit
 * 2, like every configuration error), never a stack trace; and a report is written whole or not
 * at all, so a failed write leaves the previous report as it was.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ToolscopeConfigError } from '@toolscope/instrumentation';
import { afterAll, describe, expect, it } from 'vitest';
import { describeError } from '../src/errors.ts';
import type { CliIo } from '../src/io.ts';
import { emit } from '../src/output.ts';

const dir = mkdtempSync(join(tmpdir(), 'toolscope-out-'));
afterAll(() => {
  // The read-only directory of a test: writable again, so it can be removed.
  chmodSync(join(dir, 'read-only'), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function io(): CliIo & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: { write: () => true },
    stderr: { write: (t: string) => err.push(t) },
    env: {},
    cwd: dir,
  };
}

/** The error `emit` throws writing to `path`, checked to be a one-line `--out` error of exit 2. */
function failure(path: string): ToolscopeConfigError {
  let thrown: unknown;
  try {
    emit(io(), 'report', path, 'text report');
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ToolscopeConfigError);
  const err = thrown as ToolscopeConfigError;
  expect(err.field).toBe('--out');
  expect(err.message).not.toContain('\n');
  expect(describeError(err)).toEqual({ message: err.message, exitCode: 2, command: null });
  return err;
}

/** Files in `d` other than `keep`: no temporary file is left behind. */
function others(d: string, keep: string[]): string[] {
  return readdirSync(d).filter((n) => !keep.includes(n));
}

describe('emit --out', () => {
  it('writes the file, keeps an existing file’s mode and writes through a symbolic link', () => {
    const d = join(dir, 'ok');
    mkdirSync(d);
    const target = join(d, 'report.txt');
    writeFileSync(target, 'old\n', { mode: 0o640 });
    chmodSync(target, 0o640);
    symlinkSync('report.txt', join(d, 'link.txt'));
    const out = io();
    emit(out, 'new', join(d, 'link.txt'), 'text report');
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(lstatSync(join(d, 'link.txt')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, 'link.txt'))).toBe('report.txt');
    expect(out.err.join('')).toBe(`wrote text report to ${join(d, 'link.txt')} (0.0 KB)\n`);
    expect(others(d, ['report.txt', 'link.txt'])).toEqual([]);
  });

  it('a dangling symbolic link: one line saying where it points, exit 2', () => {
    const link = join(dir, 'dangling.txt');
    symlinkSync('/nonexistent-toolscope-dir/r.txt', link);
    expect(failure(link).message).toBe(
      `--out: cannot write ${link}: it links to /nonexistent-toolscope-dir/r.txt; cannot create a file in /nonexistent-toolscope-dir (no such file or directory); choose another path`,
    );
  });

  it('a directory that cannot be written (a path under a regular file when running as root)', () => {
    const d = join(dir, 'read-only');
    mkdirSync(d);
    const target = join(d, 'report.txt');
    writeFileSync(target, 'previous report\n');
    chmodSync(d, 0o555);
    if (process.getuid?.() !== 0) {
      // Creating the temporary file fails; the previous report stays as it was.
      expect(failure(target).message).toBe(
        `--out: cannot write ${target}: cannot create a file in ${d} (permission denied); choose a path in a directory you can write to`,
      );
      expect(readFileSync(target, 'utf8')).toBe('previous report\n');
      expect(others(d, ['report.txt'])).toEqual([]);
    } else {
      // Root writes read-only directories: a parent that is a regular file fails for everyone.
      const under = join(target, 'report.txt');
      expect(failure(under).message).toBe(
        `--out: cannot write ${under} (a part of the path is not a directory); choose another path`,
      );
    }
  });

  it.runIf(process.platform === 'linux')('/dev/full: no space left, said in words', () => {
    expect(failure('/dev/full').message).toBe(
      '--out: cannot write /dev/full (no space left on the device); free some space or choose another path',
    );
  });

  it('a write that fails half-way leaves the previous report whole (file size limit)', () => {
    // RLIMIT_FSIZE of 1 KiB (SIGXFSZ ignored, so the write fails with EFBIG): a report of
    // 4 KiB cannot be written, as root too. A write straight into the target would have cut the
    // previous report to 1 KiB.
    const d = join(dir, 'fsize');
    mkdirSync(d);
    const target = join(d, 'report.txt');
    const previous = `${'previous report\n'.repeat(40)}`;
    writeFileSync(target, previous);
    const script = join(d, 'write.mjs');
    const output = fileURLToPath(new URL('../src/output.ts', import.meta.url));
    writeFileSync(
      script,
      `const { emit } = await import(${JSON.stringify(output)});
try {
  emit({ stdout: process.stdout, stderr: process.stderr, env: {}, cwd: '/' }, 'x'.repeat(4096), ${JSON.stringify(target)}, 'report');
} catch (err) {
  process.stdout.write(err.message);
  process.exitCode = 2;
}
`,
    );
    const r = spawnSync(
      '/bin/sh',
      [
        '-c',
        'trap "" XFSZ; ulimit -f 1 && exec "$0" --conditions=toolscope-source "$1"',
        process.execPath,
        script,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(
      `--out: cannot write ${target} (the file is too large); choose another path`,
    );
    expect(readFileSync(target, 'utf8')).toBe(previous);
    expect(others(d, ['report.txt', 'write.mjs'])).toEqual([]);
  });
});
