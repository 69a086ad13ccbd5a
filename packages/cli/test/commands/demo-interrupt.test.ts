/**
 * Ctrl-C or SIGTERM during the demo: it stops early, reaps every server process, and exits 130
 * (run directly, and through the `toolscope` launcher, which forwards the signals).
 */
import { describe, expect, it } from 'vitest';
import { alive, type CliOptions, type RunningCli, startCli, until } from '../support/run-cli.ts';

/** Starts a long demo and waits until its servers are up; returns their process ids. */
async function startDemo(options: CliOptions = {}): Promise<{ cli: RunningCli; pids: number[] }> {
  const cli = startCli(['demo', '--duration', '120', '--format', 'json'], {
    timeoutMs: 90_000,
    ...options,
  });
  const ready = await until(() => cli.stderr().includes('ready in'), 60_000);
  expect(ready, cli.stderr()).toBe(true);
  const pids = [...cli.stderr().matchAll(/ pid (\d+) /g)].map((m) => Number(m[1]));
  expect(pids.length).toBeGreaterThanOrEqual(1);
  for (const pid of pids) expect(alive(pid)).toBe(true);
  return { cli, pids };
}

/** Stopped gracefully: no report, exit 130, and no server process left behind. */
async function expectStoppedEarly(cli: RunningCli, pids: number[]): Promise<void> {
  const result = await cli.done;
  expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({
    code: 130,
    signal: null,
  });
  // The graceful path (not "quit at once"): the demo stopped its servers itself.
  expect(result.stderr).toContain('interrupted: servers stopped, no report');
  expect(result.stdout).toBe('');
  // Children are reaped before the parent exits; allow the kernel a moment to clear them.
  expect(await until(() => pids.every((pid) => !alive(pid)), 5_000)).toBe(true);
}

describe('toolscope demo, interrupted', () => {
  it('exits 130 on SIGINT and leaves no server process behind', async () => {
    const { cli, pids } = await startDemo();
    cli.kill('SIGINT');
    await expectStoppedEarly(cli, pids);
  }, 120_000);

  it('treats SIGTERM like a first Ctrl-C: stops gracefully and reaps its servers', async () => {
    const { cli, pids } = await startDemo();
    cli.kill('SIGTERM');
    await expectStoppedEarly(cli, pids);
  }, 120_000);

  it('through the launcher: SIGTERM sent to the launcher alone reaches the demo', async () => {
    const { cli, pids } = await startDemo({ launcher: true, detached: true });
    cli.kill('SIGTERM');
    await expectStoppedEarly(cli, pids);
  }, 120_000);

  it('through the launcher: a Ctrl-C to the process group counts once, not as "again"', async () => {
    const { cli, pids } = await startDemo({ launcher: true, detached: true });
    // The terminal sends SIGINT to every process of the group; the launcher forwards its own.
    cli.killGroup('SIGINT');
    await expectStoppedEarly(cli, pids);
  }, 120_000);
});
