/**
 * Global setup of the `e2e` project: builds (or reuses) and starts the real Collector,
 * Jaeger and Prometheus through `scripts/backends.sh`, provides their endpoints to the
 * tests as `inject('backends')`, and stops them afterwards.
 *
 * A backend that cannot be built or started makes the whole e2e project fail; it is
 * never skipped. Backends that were already running are reused and left running; set
 * TOOLSCOPE_KEEP_BACKENDS=1 to leave them running after the run in any case.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { parseBackendsEnv } from '../support/backend-clients.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/backends.sh', import.meta.url));

function status(): boolean {
  const r = spawnSync('bash', [SCRIPT, 'status'], { cwd: ROOT, stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

function run(step: string, capture = false): string {
  const started = Date.now();
  const r = spawnSync('bash', [SCRIPT, step], {
    cwd: ROOT,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
    // A cold install builds three Go programs (collector, Jaeger, Prometheus 3); CI allows 90
    // minutes in total.
    timeout: 60 * 60 * 1000,
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `e2e backends: 'scripts/backends.sh ${step}' failed ` +
        `(${r.error?.message ?? `exit ${r.status ?? r.signal}`}); see its output above. ` +
        'The e2e suite needs the real Collector, Jaeger and Prometheus and does not skip.',
    );
  }
  console.log(`[e2e] backends.sh ${step}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return capture ? r.stdout : '';
}

export default function setup(project: TestProject): () => void {
  run('install');
  // Backends that were already running (a developer's `backends.sh start`, another test
  // run) are reused and left running; only what this run started is stopped.
  const reused = status();
  try {
    run('start');
  } catch (err) {
    // Do not leave half a stack running (say Jaeger up, the collector's port taken).
    if (!reused) spawnSync('bash', [SCRIPT, 'stop'], { cwd: ROOT, stdio: 'inherit' });
    throw err;
  }
  const env = parseBackendsEnv(run('env', true));
  for (const key of [
    'TOOLSCOPE_OTLP_HTTP_ENDPOINT',
    'TOOLSCOPE_PROMETHEUS_URL',
    'TOOLSCOPE_JAEGER_URL',
  ]) {
    if (!(key in env)) throw new Error(`e2e backends: 'backends.sh env' did not print ${key}`);
  }
  project.provide('backends', env);
  return () => {
    if (reused || process.env.TOOLSCOPE_KEEP_BACKENDS === '1') {
      console.log(
        '[e2e] leaving the backends running (they were already up, or TOOLSCOPE_KEEP_BACKENDS=1)',
      );
      return;
    }
    run('stop');
  };
}
