/** Ctrl-C during the demo: it stops early, reaps every server process, and exits 130. */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/run-cli.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `condition` every 50 ms until it holds or `timeoutMs` passes. */
async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

describe('toolscope demo, interrupted', () => {
  it('exits 130 on SIGINT and leaves no server process behind', async () => {
    const cli = startCli(['demo', '--duration', '120', '--format', 'json'], { timeoutMs: 90_000 });
    const ready = await until(() => cli.stderr().includes('ready in'), 60_000);
    expect(ready, cli.stderr()).toBe(true);
    const pids = [...cli.stderr().matchAll(/ pid (\d+) /g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThanOrEqual(1);
    for (const pid of pids) expect(alive(pid)).toBe(true);

    cli.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('interrupted');
    expect(result.stdout).toBe('');
    // Children are reaped before the parent exits; allow the kernel a moment to clear them.
    expect(await until(() => pids.every((pid) => !alive(pid)), 5_000)).toBe(true);
  }, 120_000);
});
