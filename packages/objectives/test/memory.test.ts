import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const LOCAL_NODE = join(ROOT, 'node_modules', '.bin', 'node');

it('keeps memory flat over 1M calls (child process with --expose-gc)', () => {
  const node = existsSync(LOCAL_NODE) ? LOCAL_NODE : process.execPath;
  const r = spawnSync(
    node,
    [
      '--expose-gc',
      '--conditions=toolscope-source',
      join(import.meta.dirname, 'fixtures', 'memory-run.ts'),
      '1000000',
    ],
    { encoding: 'utf8', timeout: 25_000, cwd: ROOT },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const result = JSON.parse(r.stdout) as {
    calls: number;
    growth: number;
    slots: number;
    evaluations: number;
  };
  expect(result.calls).toBe(1_000_000);
  expect(result.evaluations).toBe(100);
  // 800k calls after the warm-up: a per-call copy would cost tens of MB; aggregates stay put.
  expect(result.growth).toBeLessThan(2 * 1024 * 1024);
  // Retention 120 s in 10 s slots.
  expect(result.slots).toBeLessThanOrEqual(13);
});
