/**
 * Attack class: misbehaving stdio MCP servers and hostile MCP peers of the probe (defects 1, 3
 * and 10 of issue 14).
 *
 * Every stdio server runs in a process group of its own, and that group is reaped before
 * `runOnce()`, `close()` and `toolscope probe --once` return: stdin closed, then
 * `LIMITS.stdioExitGraceMs` to exit, SIGTERM to the group, `LIMITS.stdioTermGraceMs`, SIGKILL
 * to the group. So no process a server started — silent, deaf to SIGTERM, behind a wrapper
 * (as `npx` is), spewing garbage, gone at once — is running when they return.
 *
 * Bounds: a run ends within its timeout plus both graces (checked against 3 × that); no pid a
 * server recorded is running on return (not polled: at once); a peer's text is at most
 * `LIMITS.peerTextLength` characters in the result, span, alert, webhook body and output.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CheckDefinition,
  createAlertWebhook,
  HealthMonitor,
} from '../../packages/health-probe/src/index.ts';
import { startHttpServer } from '../../packages/health-probe/test/support/servers.ts';
import { AlertCenter, type AlertEvent } from '../../packages/instrumentation/src/index.ts';
import { LIMITS } from '../../packages/instrumentation/src/internal.ts';
import { setupTestOtel } from '../support/otel.ts';
import {
  HOSTILE_STDIO_SERVER,
  pidDir,
  probeWithConfig,
  running,
  TERMINAL_UNSAFE,
} from './support.ts';

const otel = setupTestOtel();
afterAll(() => otel.shutdown());

const TIMEOUT_MS = 3000;
/** The longest a stdio run may take: its timeout, then both graces of the teardown. */
const RUN_BOUND_MS = TIMEOUT_MS + LIMITS.stdioExitGraceMs + LIMITS.stdioTermGraceMs;

let pids: ReturnType<typeof pidDir>;
let center: AlertCenter;
beforeEach(() => {
  pids = pidDir();
  center = new AlertCenter();
  otel.reset();
});
afterEach(() => {
  center.dispose();
  pids.remove();
});

function stdioCheck(
  id: string,
  mode: string,
  extra: Partial<CheckDefinition> = {},
): CheckDefinition {
  return {
    id,
    type: 'mcp',
    transport: 'stdio',
    command: process.execPath,
    args: [HOSTILE_STDIO_SERVER, mode],
    env: { ATTACK_PID_DIR: pids.dir },
    timeoutMs: TIMEOUT_MS,
    intervalMs: 60_000,
    failureThreshold: 1,
    ...extra,
  } as CheckDefinition;
}

const MODES: [mode: string, errorTypes: string[]][] = [
  ['silent', ['timeout']],
  ['ignore-term', ['timeout']],
  ['wrapper:silent', ['timeout']],
  ['wrapper:ignore-term', ['timeout']],
  ['garbage', ['timeout', 'protocol_error']],
  ['huge-line', ['protocol_error']],
  ['exit', ['connection_closed']],
];

describe('misbehaving stdio servers are reaped before the probe returns (defect 1)', () => {
  it('runOnce(): every process of every server is gone when it resolves', async () => {
    const monitor = new HealthMonitor({
      alertCenter: center,
      publishToolHealth: false,
      checks: MODES.map(([mode], i) => stdioCheck(`s${i}`, mode)),
    });
    const started = performance.now();
    const results = await monitor.runOnce();
    const elapsed = performance.now() - started;
    const alive = pids.pids().filter(running);
    await monitor.close();
    expect(alive).toEqual([]);
    // Servers and the wrappers' children all recorded themselves.
    expect(pids.pids().length).toBeGreaterThanOrEqual(MODES.length + 2);
    results.forEach((r, i) => {
      expect(r.ok, MODES[i]![0]).toBe(false);
      expect(MODES[i]![1], `${MODES[i]![0]}: ${r.errorType}`).toContain(r.errorType);
    });
    expect(elapsed).toBeLessThan(3 * RUN_BOUND_MS);
  });

  it('close() with a run in flight: the run ends and its servers are gone when it resolves', async () => {
    const monitor = new HealthMonitor({
      alertCenter: center,
      publishToolHealth: false,
      checks: [stdioCheck('deaf', 'wrapper:ignore-term', { timeoutMs: 5000, intervalMs: 10_000 })],
    });
    const run = monitor.runCheck('deaf');
    await expect.poll(() => pids.pids().length, { timeout: 10_000 }).toBe(2);
    await monitor.close();
    expect(pids.pids().filter(running)).toEqual([]);
    await run;
  });

  it('toolscope probe --once: three deaf checks leave no process behind', async () => {
    const check = (id: string, mode: string) =>
      `  - id: ${id}\n    type: mcp\n    transport: stdio\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(HOSTILE_STDIO_SERVER)}, ${JSON.stringify(mode)}]\n    env:\n      ATTACK_PID_DIR: ${JSON.stringify(pids.dir)}\n    timeout: 3s\n`;
    const r = await probeWithConfig(
      `checks:\n${check('a', 'wrapper:ignore-term')}${check('b', 'ignore-term')}${check('c', 'wrapper:silent')}`,
    );
    expect(r.code).toBe(1);
    expect(pids.pids()).toHaveLength(5);
    expect(pids.pids().filter(running)).toEqual([]);
    expect(r.stdout).toContain('timeout');
  });
});

describe('a hostile stdio server controls no unbounded text (defect 3)', () => {
  it('a 200 KB version list with escapes: bounded in the result, span, exception, alert, webhook body', async () => {
    const events: AlertEvent[] = [];
    center.subscribe((e) => {
      events.push(e);
    });
    const bodies: string[] = [];
    const receiver = await startHttpServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      bodies.push(body);
      res.end();
    });
    const webhook = createAlertWebhook({ url: `${receiver.url}/hook` });
    center.subscribe(webhook);
    const monitor = new HealthMonitor({
      alertCenter: center,
      publishToolHealth: false,
      checks: [
        stdioCheck('discover', 'hostile-discover', { protocol: 'modern', timeoutMs: 10_000 }),
      ],
    });
    const r = await monitor.runCheck('discover');
    await monitor.close();
    expect(r).toMatchObject({ ok: false, errorType: 'unsupported_protocol_version' });
    expect(r.error!.length).toBeLessThanOrEqual(LIMITS.peerTextLength);
    const span = otel.spans().find((s) => s.name === 'health_check discover')!;
    expect(span.status.message!.length).toBeLessThanOrEqual(LIMITS.peerTextLength);
    for (const e of span.events) {
      for (const v of Object.values(e.attributes ?? {})) {
        expect(String(v).length).toBeLessThanOrEqual(LIMITS.peerTextLength);
      }
    }
    expect(events.map((e) => e.type)).toEqual(['fired']);
    expect(events[0]!.alert.message.length).toBeLessThanOrEqual(LIMITS.peerTextLength);
    await webhook.close();
    await receiver.close();
    expect(bodies).toHaveLength(1);
    // The body is the alert as JSON: its one peer-controlled field is the bounded message.
    expect(bodies[0]!.length).toBeLessThan(LIMITS.peerTextLength + 1024);
    expect(pids.pids().filter(running)).toEqual([]);
  });

  it('the same through toolscope probe --once: one bounded, safe line', async () => {
    const r = await probeWithConfig(
      `checks:\n  - id: discover\n    type: mcp\n    transport: stdio\n    protocol: modern\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(HOSTILE_STDIO_SERVER)}, hostile-discover]\n    timeout: 10s\n`,
    );
    const lines = (r.stdout + r.stderr).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toMatch(TERMINAL_UNSAFE);
    // Escapes are shown as text (a few characters each): still within a small multiple.
    expect(lines[1]!.length).toBeLessThan(2 * LIMITS.peerTextLength);
  });

  it('tools/list without a list of tools: protocol_error, not a TypeError (defect 10)', async () => {
    const monitor = new HealthMonitor({
      alertCenter: center,
      publishToolHealth: false,
      checks: [
        stdioCheck('tools', 'hostile-tools', {
          protocol: 'modern',
          expectTools: ['echo'],
          timeoutMs: 10_000,
        }),
      ],
    });
    const r = await monitor.runCheck('tools');
    await monitor.close();
    expect(r).toMatchObject({ ok: false, errorType: 'protocol_error' });
  });
});
