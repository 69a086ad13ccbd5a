import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlertCenter, type AlertEvent, getToolHealth } from '@toolscope/instrumentation';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestOtel } from '../../../test/support/otel.ts';
import { type CheckDefinition, HealthMonitor, MODERN_PROTOCOL_VERSION } from '../src/index.ts';
import {
  childProcesses,
  startMcpHttpServer,
  startModernMcpHttpServer,
  waitFor,
} from './support/servers.ts';

const otel = setupTestOtel();
const centers: AlertCenter[] = [];
beforeEach(() => otel.reset());
afterAll(async () => {
  for (const c of centers) c.dispose();
  await otel.shutdown();
});

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function monitorFor(def: CheckDefinition) {
  const alertCenter = new AlertCenter();
  centers.push(alertCenter);
  const events: AlertEvent[] = [];
  alertCenter.subscribe((e) => {
    events.push(e);
  });
  const monitor = new HealthMonitor({ alertCenter, checks: [def] });
  return { monitor, alertCenter, events };
}

/** healthy → stopped: UNHEALTHY after the threshold with an ERROR alert → restarted: HEALTHY. */
async function lifecycle(
  def: CheckDefinition,
  stop: () => Promise<void>,
  restart: () => Promise<void>,
  afterEachRun: () => void = () => undefined,
) {
  const { monitor, alertCenter, events } = monitorFor(def);
  const id = def.id;
  try {
    const first = await monitor.runCheck(id);
    afterEachRun();
    expect(first.error).toBeUndefined();
    expect(first).toMatchObject({ ok: true, protocolVersion: '2025-11-25' });
    expect(monitor.status(id)!.status).toBe('healthy');
    expect(getToolHealth(def.tool ?? id)?.state).toBe('healthy');

    await stop();
    const down1 = await monitor.runCheck(id);
    expect(down1.ok).toBe(false);
    expect(monitor.status(id)!.status).toBe('degraded'); // failing, below the threshold
    expect(alertCenter.active()).toEqual([]);
    const down2 = await monitor.runCheck(id);
    expect(down2.ok).toBe(false);
    expect(monitor.status(id)!.status).toBe('unhealthy');
    expect(getToolHealth(def.tool ?? id)?.state).toBe('unhealthy');
    const [open] = alertCenter.active();
    expect(open).toMatchObject({ severity: 'error', kind: 'tool_unhealthy', state: 'unhealthy' });
    expect(events.map((e) => e.type)).toEqual(['fired']);

    await restart();
    const up1 = await monitor.runCheck(id);
    afterEachRun();
    expect(up1.ok).toBe(true);
    expect(monitor.status(id)!.status).toBe('unhealthy'); // recovery threshold 2
    const up2 = await monitor.runCheck(id);
    afterEachRun();
    expect(up2.ok).toBe(true);
    expect(monitor.status(id)!.status).toBe('healthy');
    expect(alertCenter.active()).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['fired', 'resolved', 'recovered']);
    const recovered = events[2]!.alert;
    expect(recovered).toMatchObject({
      id: open!.id,
      severity: 'info',
      kind: 'tool_recovered',
      state: 'healthy',
    });
    expect(events[1]!.alert.id).toBe(open!.id);

    // Span events on the health_check spans, with the contract's names.
    const spans = otel.spans().filter((s) => s.name === `health_check ${id}`);
    expect(spans).toHaveLength(5);
    const fired = spans.flatMap((s) => s.events).find((e) => e.name === 'toolscope.alert.fired');
    expect(fired?.attributes).toMatchObject({
      'toolscope.alert.id': open!.id,
      'toolscope.alert.severity': 'error',
      'toolscope.alert.kind': 'tool_unhealthy',
      'toolscope.health.state': 'unhealthy',
      'toolscope.health.state.previous': 'degraded',
    });
    const resolved = spans
      .flatMap((s) => s.events)
      .find((e) => e.name === 'toolscope.alert.resolved');
    expect(resolved?.attributes).toMatchObject({
      'toolscope.alert.id': open!.id,
      'toolscope.alert.severity': 'info',
      'toolscope.health.state': 'healthy',
    });
    return { down: down2 };
  } finally {
    await monitor.close();
  }
}

describe('MCP over Streamable HTTP (SDK McpServer)', () => {
  it('healthy → stopped → UNHEALTHY with an ERROR alert → restarted → HEALTHY, INFO recovery', async () => {
    let server = await startMcpHttpServer();
    const port = server.port;
    const def: CheckDefinition = {
      id: 'mcp-http',
      type: 'mcp',
      endpoint: `${server.url}/mcp`,
      intervalMs: 5_000,
      timeoutMs: 2_000,
      failureThreshold: 2,
      recoveryThreshold: 2,
      expectTools: ['echo'],
    };
    try {
      const { down } = await lifecycle(
        def,
        () => server.close(),
        async () => {
          server = await startMcpHttpServer(port);
        },
        // Sessions are closed after every run (DELETE accepted by the SDK server).
        () => expect(server.sessions()).toBe(0),
      );
      expect(down.errorType).toBe('connection_refused');
    } finally {
      await server.close();
    }
  });

  it('fails with missing_tools when an expected tool is not listed', async () => {
    const server = await startMcpHttpServer();
    const { monitor } = monitorFor({
      id: 'tools',
      type: 'mcp',
      endpoint: `${server.url}/mcp`,
      expectTools: ['echo', 'search'],
    });
    try {
      const r = await monitor.runCheck('tools');
      expect(r).toMatchObject({ ok: false, errorType: 'missing_tools' });
      expect(r.error).toContain('search');
    } finally {
      await monitor.close();
      await server.close();
    }
  });

  it('times out a server that accepts the connection but never answers', async () => {
    const { startHttpServer } = await import('./support/servers.ts');
    const hang = await startHttpServer(() => undefined);
    const { monitor } = monitorFor({
      id: 'hang',
      type: 'mcp',
      endpoint: `${hang.url}/mcp`,
      timeoutMs: 300,
      intervalMs: 1_000,
    });
    try {
      const r = await monitor.runCheck('hang');
      expect(r).toMatchObject({ ok: false, errorType: 'timeout' });
      expect(r.latencyMs).toBeLessThan(2_300);
    } finally {
      await monitor.close();
      await hang.close();
    }
  });
});

describe('MCP over stdio (SDK McpServer, spawned per run)', () => {
  it('healthy → stopped → UNHEALTHY with an ERROR alert → restarted → HEALTHY, children reaped', async () => {
    const downFile = join(tmpdir(), `toolscope-probe-down-${process.pid}-${Date.now()}`);
    const def: CheckDefinition = {
      id: 'mcp-stdio',
      type: 'mcp',
      transport: 'stdio',
      command: process.execPath,
      args: [fixture('legacy-stdio-server.ts')],
      env: { FIXTURE_DOWN_FILE: downFile },
      intervalMs: 10_000,
      timeoutMs: 5_000,
      failureThreshold: 2,
      recoveryThreshold: 2,
      expectTools: ['echo'],
    };
    try {
      const { down } = await lifecycle(
        def,
        async () => writeFileSync(downFile, 'down'),
        async () => rmSync(downFile, { force: true }),
        () => expect(childProcesses()).toEqual([]),
      );
      expect(down.errorType).toBe('connection_closed');
      expect(childProcesses()).toEqual([]);
    } finally {
      rmSync(downFile, { force: true });
    }
  });

  it('fails with spawn_failed when the command does not exist', async () => {
    const { monitor } = monitorFor({
      id: 'nocmd',
      type: 'mcp',
      command: join(tmpdir(), 'no-such-mcp-server-binary'),
    });
    try {
      const r = await monitor.runCheck('nocmd');
      expect(r).toMatchObject({ ok: false, errorType: 'spawn_failed' });
    } finally {
      await monitor.close();
    }
  });
});

describe('servers on the 2026-07-28 revision (server/discover, no initialize or ping)', () => {
  it('HTTP: auto mode recognises a modern server as healthy, checks its tools', async () => {
    const server = await startModernMcpHttpServer(['echo']);
    const { monitor } = monitorFor({
      id: 'modern-http',
      type: 'mcp',
      endpoint: `${server.url}/mcp`,
      expectTools: ['echo'],
    });
    try {
      const r = await monitor.runCheck('modern-http');
      expect(r).toMatchObject({ ok: true, protocolVersion: MODERN_PROTOCOL_VERSION });
      const again = await monitor.runCheck('modern-http'); // era remembered
      expect(again.ok).toBe(true);
      const span = otel.spans().find((s) => s.name === 'health_check modern-http');
      expect(span?.attributes['mcp.protocol.version']).toBe('2026-07-28');
    } finally {
      await monitor.close();
      await server.close();
    }
  });

  it('HTTP: a legacy-only handshake would misreport it; modern mode and missing tools are judged', async () => {
    const server = await startModernMcpHttpServer(['echo']);
    const legacy = monitorFor({
      id: 'legacy-only',
      type: 'mcp',
      endpoint: `${server.url}/mcp`,
      protocol: 'legacy',
    });
    const modern = monitorFor({
      id: 'modern-tools',
      type: 'mcp',
      endpoint: `${server.url}/mcp`,
      protocol: 'modern',
      expectTools: ['nope'],
    });
    try {
      const r = await legacy.monitor.runCheck('legacy-only');
      expect(r.ok).toBe(false); // the handshake is rejected: why `auto` is the default
      const m = await modern.monitor.runCheck('modern-tools');
      expect(m).toMatchObject({ ok: false, errorType: 'missing_tools' });
    } finally {
      await legacy.monitor.close();
      await modern.monitor.close();
      await server.close();
    }
  });

  it('stdio: auto mode recognises a modern server; a legacy server falls back to initialize', async () => {
    const modern = monitorFor({
      id: 'modern-stdio',
      type: 'mcp',
      command: process.execPath,
      args: [fixture('modern-stdio-server.ts')],
      expectTools: ['echo'],
    });
    const legacy = monitorFor({
      id: 'legacy-auto',
      type: 'mcp',
      command: process.execPath,
      args: [fixture('legacy-stdio-server.ts')],
    });
    try {
      expect(await modern.monitor.runCheck('modern-stdio')).toMatchObject({
        ok: true,
        protocolVersion: '2026-07-28',
      });
      expect(await legacy.monitor.runCheck('legacy-auto')).toMatchObject({
        ok: true,
        protocolVersion: '2025-11-25',
      });
      await waitFor(() => childProcesses().length === 0, 5_000, 'children reaped');
    } finally {
      await modern.monitor.close();
      await legacy.monitor.close();
    }
  });
});
