/**
 * The `toolscope` launcher on a Node.js older than the CLI needs: one line that says which
 * Node it needs, and exit code 2, before anything that would fail with a stack trace (the
 * sources' type stripping, undici) is loaded. The version needed is the package's own
 * `engines.node`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, startCli, until } from './support/run-cli.ts';

const LAUNCHER = fileURLToPath(new URL('../bin/toolscope.js', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
};

/** A Node.js on this machine older than the CLI's engines (the system Node of CI images). */
function olderNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      const [major, minor] = version.slice(1).split('.').map(Number);
      if (major! < 22 || (major === 22 && minor! < 15)) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

const dir = mkdtempSync(join(tmpdir(), 'toolscope-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the toolscope launcher on an old Node.js', () => {
  it('says in one line which Node.js it needs and exits 2 (engines from package.json)', () => {
    // The launcher as published, in a package that needs a Node.js nobody has yet.
    mkdirSync(join(dir, 'bin'));
    copyFileSync(LAUNCHER, join(dir, 'bin', 'toolscope.js'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ type: 'module', engines: { node: '>=99.1' } }),
    );
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'toolscope.js'), '--version'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `toolscope: needs Node.js 99.1 or later (this is Node.js ${process.version}); install a newer Node.js from https://nodejs.org\n`,
    );
  });

  const old = olderNode();
  it.runIf(old !== undefined)(`the real launcher under ${old ?? 'an older Node.js'}`, () => {
    const r = spawnSync(old!, [LAUNCHER, 'report', '--prometheus', 'http://127.0.0.1:1'], {
      encoding: 'utf8',
    });
    const needed = PACKAGE.engines.node.replace(/^>=\s*/, '');
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`needs Node.js ${needed} or later`);
  });
});

/** The ids of the processes whose parent is `pid` (`ps`, on Linux and macOS). */
function childrenOf(pid: number): number[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, ppid]) => ppid === pid)
    .map(([child]) => child!);
}

describe('the toolscope launcher killed with SIGKILL', () => {
  it('the command it runs notices and stops (no orphan)', async () => {
    // A probe in continuous mode runs until it is told to stop.
    const config = join(dir, 'probe.yaml');
    writeFileSync(
      config,
      'checks:\n  - id: down\n    type: http\n    endpoint: http://127.0.0.1:1/\n    interval: 1s\n',
    );
    const cli = startCli(['probe', '--config', config], {
      launcher: true,
      timeoutMs: 60_000,
      env: { OTEL_SDK_DISABLED: 'true' },
    });
    let inner: number | undefined;
    try {
      expect(await until(() => cli.stdout().includes('running 1 checks'), 30_000)).toBe(true);
      const launcher = cli.pid!;
      const children = childrenOf(launcher);
      expect(children).toHaveLength(1);
      inner = children[0]!;
      cli.kill('SIGKILL');
      // Generous for a loaded machine: the probe's stop path has deadlines of a few seconds.
      expect(await until(() => !alive(inner!), 20_000)).toBe(true);
      const result = await cli.done;
      expect(result.signal).toBe('SIGKILL');
      expect(result.stderr).toContain('the toolscope launcher exited: stopping');
    } finally {
      if (inner !== undefined && alive(inner)) process.kill(inner, 'SIGKILL');
      cli.kill('SIGKILL');
      await cli.done.catch(() => undefined);
    }
  });
});
