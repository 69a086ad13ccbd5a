/**
 * Entry point of a demo MCP server running in its own process. The parent passes
 * `{ id, seed, generation, port, standby }` as JSON in argv[2] and talks over the IPC channel:
 * - child → `{ type: 'ready' }` once loaded, when started in standby (a restart prepared in
 *   advance); parent → `{ type: 'listen' }` to bind the port;
 * - child → `{ type: 'listening', port }`;
 * - parent → `{ type: 'shutdown' }`; child closes its port, → `{ type: 'stats', stats }`,
 *   flushes its telemetry (at most TELEMETRY_DEADLINE_MS: an unreachable collector must not
 *   hold the demo up), then exits.
 * If the parent goes away, the child exits too.
 */

import { SERVERS } from './scenario.ts';
import { demoServiceName, TELEMETRY_DEADLINE_MS, withinDeadline } from './telemetry.ts';
import { createToolServer } from './tool-server.ts';

interface ChildConfig {
  id: string;
  seed: number;
  generation: number;
  port: number;
  standby?: boolean;
}

function send(message: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function run(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  const spec = SERVERS.find((s) => s.id === config.id);
  if (spec === undefined) throw new Error(`unknown demo server id ${config.id}`);
  // Server spans go where the parent's go (OTEL_EXPORTER_OTLP_ENDPOINT is inherited), under
  // this server's own service name, so a trace of the demo crosses this process. Without an
  // endpoint there is nothing to export, and the SDK is not even loaded.
  let shutdownTelemetry = async () => {};
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const { startToolscope } = await import('@toolscope/node');
    const toolscope = startToolscope({
      serviceName: demoServiceName(process.env, spec.id),
      inProcess: false,
    });
    shutdownTelemetry = () => toolscope.shutdown();
  }
  const server = createToolServer(spec, config.seed, config.generation);
  // Orphaned (parent crashed or was killed): leave at once, nothing to report to.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => {}); // the parent decides when we stop (Ctrl-C reaches the group)
  let listen: () => void = () => {};
  const listenRequested = new Promise<void>((resolve) => {
    listen = resolve;
  });
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'listen') listen();
    if (message?.type !== 'shutdown') return;
    void server
      .close()
      .then(() => send({ type: 'stats', stats: server.stats() }))
      .then(() => withinDeadline(shutdownTelemetry(), TELEMETRY_DEADLINE_MS))
      // Exits even with exports still retrying (their timers would hold the process).
      .finally(() => process.exit(0));
  });
  if (config.standby === true) {
    await send({ type: 'ready' });
    await listenRequested;
  }
  const port = await server.listen(config.port);
  await send({ type: 'listening', port });
}

run().catch(async (err: unknown) => {
  await send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
