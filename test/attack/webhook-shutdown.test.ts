/**
 * Attack class: hanging and failing alert webhooks at shutdown (defect 6 of issue 14).
 *
 * Bounds: `close()` of a webhook takes at most its deadline (`LIMITS.webhookCloseDeadlineMs`
 * by default) whatever the queue size × retries × attempt timeout, and counts every event it
 * could not deliver; `toolscope probe` stopped by SIGTERM exits with
 * `LIMITS.probeStopExitCode` within `LIMITS.probeStopDeadlineMs` (checked against that plus
 * the CLI's start-up allowance), saying in one line on stderr how many alert events were not
 * delivered.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../packages/cli/test/support/run-cli.ts';
import { createAlertWebhook } from '../../packages/health-probe/src/index.ts';
import {
  freePort,
  startHttpServer,
  type TestServer,
} from '../../packages/health-probe/test/support/servers.ts';
import { AlertCenter } from '../../packages/instrumentation/src/index.ts';
import { LIMITS } from '../../packages/instrumentation/src/internal.ts';

/** What starting the CLI (Node, TypeScript stripping, imports) may take on a loaded machine. */
const CLI_START_ALLOWANCE_MS = 15_000;

let hanging: TestServer;
let failing: TestServer;
beforeAll(async () => {
  hanging = await startHttpServer(() => undefined); // reads the request, never answers
  failing = await startHttpServer((_req, res) => {
    res.writeHead(500).end();
  });
});
afterAll(async () => {
  await hanging.close();
  await failing.close();
});

function fireMany(center: AlertCenter, n: number): void {
  for (let i = 0; i < n; i++) {
    center.fire({
      key: `k${i}`,
      kind: 'tool_unhealthy',
      severity: 'error',
      subject: `t${i}`,
      message: 'down',
    });
  }
}

describe('webhook close() is bounded (defect 6)', () => {
  it('50 queued events, 5 retries of 10 s each, a hanging receiver: close() keeps its deadline', async () => {
    const center = new AlertCenter();
    const webhook = createAlertWebhook({
      url: `${hanging.url}/hook`,
      retries: 5,
      timeoutMs: 10_000,
    });
    center.subscribe(webhook);
    fireMany(center, 50);
    await expect.poll(() => hanging.load.total, { timeout: 5000 }).toBeGreaterThan(0);
    const started = performance.now();
    await webhook.close({ deadlineMs: 300 });
    const took = performance.now() - started;
    center.dispose();
    expect(took).toBeLessThan(300 + 2000);
    expect(webhook.stats()).toMatchObject({ delivered: 0, undelivered: 50, pending: 0 });
    await expect.poll(() => hanging.load.current, { timeout: 5000 }).toBe(0);
  });

  it('the default deadline is LIMITS.webhookCloseDeadlineMs', async () => {
    const center = new AlertCenter();
    const webhook = createAlertWebhook({ url: `${hanging.url}/hook`, timeoutMs: 60_000 });
    center.subscribe(webhook);
    fireMany(center, 3);
    const started = performance.now();
    await webhook.close();
    center.dispose();
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(LIMITS.webhookCloseDeadlineMs - 50);
    expect(took).toBeLessThan(LIMITS.webhookCloseDeadlineMs + 2000);
    expect(webhook.stats().undelivered).toBe(3);
  });

  it('a failing receiver: events given up on are counted as failed, close() does not wait for retries', async () => {
    const center = new AlertCenter();
    const webhook = createAlertWebhook({ url: `${failing.url}/hook`, retries: 1, backoffMs: 10 });
    center.subscribe(webhook);
    fireMany(center, 2);
    await webhook.flush();
    await webhook.close();
    center.dispose();
    expect(webhook.stats()).toMatchObject({ delivered: 0, failed: 2, undelivered: 0 });
  });
});

describe('toolscope probe stopped by SIGTERM with a hanging webhook (defect 6)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'toolscope-attack-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(`exits ${LIMITS.probeStopExitCode} within the stop deadline and counts what it could not deliver`, async () => {
    const port = await freePort();
    const checks = [1, 2, 3]
      .map(
        (i) =>
          `  - id: down-${i}\n    type: http\n    endpoint: http://127.0.0.1:${port}/\n    interval: 200ms\n    timeout: 100ms\n    jitter: 10ms\n    failure_threshold: 1\n`,
      )
      .join('');
    const file = join(dir, 'probe.yaml');
    await writeFile(
      file,
      `alerts:\n  webhook:\n    url: ${hanging.url}/hook\n    timeout: 30s\n    retries: 5\nchecks:\n${checks}`,
    );
    const before = hanging.load.total;
    const cli = startCli(['probe', '--config', file], {
      timeoutMs: CLI_START_ALLOWANCE_MS + 3 * LIMITS.probeStopDeadlineMs,
    });
    // The first alert reached the webhook, which holds it: the queue has the other two.
    await expect
      .poll(() => hanging.load.total > before, { timeout: CLI_START_ALLOWANCE_MS })
      .toBe(true);
    const stopped = performance.now();
    cli.kill('SIGTERM');
    const r = await cli.done;
    const took = performance.now() - stopped;
    expect(r.code, r.stderr).toBe(LIMITS.probeStopExitCode);
    expect(took).toBeLessThan(LIMITS.probeStopDeadlineMs + 2000);
    expect(r.stderr).not.toMatch(/Warning|unsettled|at .*\.ts:\d+/);
    const lines = r.stderr.split('\n').filter((l) => /alert events? not delivered/.test(l));
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^toolscope probe: 3 alert events not delivered to the webhook/);
  }, 60_000);
});
