/** Runs a program the e2e tests check configuration files with (the collector, Jaeger, promtool). */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../../support/backend-clients.ts';

export interface ExecResult {
  status: number | null;
  /** stdout, stderr and any spawn error, together. */
  output: string;
}

/** Runs `bin args` from the repository root with a 60 s deadline. */
export function exec(bin: string, args: string[], env: Record<string, string> = {}): ExecResult {
  const r = spawnSync(bin, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return {
    status: r.status,
    output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}`,
  };
}

/** Throws with the output unless the run exited 0. */
export function expectOk(r: ExecResult): void {
  if (r.status !== 0) throw new Error(`exit ${r.status}:\n${r.output}`);
}
