/**
 * Finds `promtool` for tests that check Prometheus rule files, installing it when missing:
 * `$PROMTOOL`, else the copy `scripts/backends.sh install prometheus-v2` extracts from Debian's
 * `prometheus` package into `${TOOLSCOPE_CACHE:-~/.cache/toolscope}/prometheus`, running that
 * install when absent, else `apt-get download prometheus` + `dpkg-deb -x` into a temporary
 * directory. Throws (the test fails, never skips) when none works.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
let found: string | undefined;

export function findPromtool(): string {
  found ??= locate();
  return found;
}

function locate(): string {
  const fromEnv = process.env.PROMTOOL;
  if (fromEnv !== undefined && fromEnv !== '' && works(fromEnv)) return fromEnv;
  const cache = process.env.TOOLSCOPE_CACHE || join(homedir(), '.cache', 'toolscope');
  const cached = join(cache, 'prometheus', 'usr', 'bin', 'promtool');
  if (works(cached)) return cached;
  const errors: string[] = [];
  const script = join(ROOT, 'scripts', 'backends.sh');
  if (existsSync(script)) {
    const r = spawnSync('bash', [script, 'install', 'prometheus-v2'], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (works(cached)) return cached;
    errors.push(`backends.sh install prometheus-v2: exit ${r.status} ${r.stderr?.slice(-2000)}`);
  }
  try {
    const dir = mkdtempSync(join(tmpdir(), 'toolscope-promtool-'));
    execFileSync('apt-get', ['download', 'prometheus'], {
      cwd: dir,
      timeout: 300_000,
      stdio: 'pipe',
    });
    const deb = readdirSync(dir).find((f) => f.startsWith('prometheus_') && f.endsWith('.deb'));
    if (deb === undefined) throw new Error('no prometheus_*.deb downloaded');
    execFileSync('dpkg-deb', ['-x', join(dir, deb), join(dir, 'x')], { timeout: 120_000 });
    const bin = join(dir, 'x', 'usr', 'bin', 'promtool');
    if (works(bin)) return bin;
    errors.push(`${deb} has no working usr/bin/promtool`);
  } catch (err) {
    errors.push(`apt-get download prometheus: ${(err as Error).message}`);
  }
  throw new Error(`promtool is not available and could not be installed:\n${errors.join('\n')}`);
}

function works(bin: string): boolean {
  if (!existsSync(bin)) return false;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0;
}
