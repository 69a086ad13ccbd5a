/**
 * The demo, start to finish: telemetry set-up, the MCP servers, health probes, the
 * orchestrator and its users, the planned outage, then an orderly stop that reaps every
 * child process. The caller builds and prints the report from what this returns.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type AlertEvent,
  getAlertCenter,
  type InvocationStore,
  listToolHealth,
  subscribeInvocations,
  subscribeToolHealth,
} from '@toolscope/instrumentation';
import { instrumentMcpClient } from '@toolscope/instrumentation-mcp';
import { startToolscope, type Toolscope } from '@toolscope/node';
import { HealthHistory } from '@toolscope/report';
import { type Fleet, startFleet } from './fleet.ts';
import { Ledger, type ToolLedger, type WorkflowLedger } from './ledger.ts';
import { Orchestrator, type ToolChooser } from './orchestrator.ts';
import { type Probes, startProbes } from './probes.ts';
import { startProgress } from './progress.ts';
import { SERVERS, TOOLS, type ToolBehaviour } from './scenario.ts';
import { createChooser } from './selection.ts';
import { demoServiceName, TELEMETRY_DEADLINE_MS, withinDeadline } from './telemetry.ts';
import type { ServerStats } from './tool-server.ts';
import type { OutputStream } from './types.ts';
import { runUsers } from './users.ts';

export interface DemoOptions {
  readonly durationMs: number;
  /** @default 42 */
  readonly seed?: number;
  /** Concurrent simulated users. @default 6 */
  readonly concurrency?: number;
  /** Where progress goes (stderr). */
  readonly progress: OutputStream;
  /** `live` on a terminal, `lines` otherwise, `off` for silence. */
  readonly progressMode: 'live' | 'lines' | 'off';
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** Print what was started (servers, ports, export) before the run. @default false */
  readonly banner?: boolean;
}

/** What the demo injected into one tool: its configuration and the actual counts. */
export interface InjectedTool {
  readonly server: string;
  readonly placement: 'child' | 'in-process';
  readonly configured: {
    readonly medianMs: number;
    readonly sigma: number;
    readonly failureRate: number;
    readonly failureKinds: readonly { errorType: string; mode: string; share: number }[];
    readonly expectedPerformanceMs: number;
  };
  /** The orchestrator's ledger of calls to this tool. */
  readonly calls: ToolLedger;
  /** What the tool's server counted (both lives of a restarted server). */
  readonly served: ServerStats[string];
}

/** The `demo` section of the output: the scenario and what was injected. */
export interface DemoScenario {
  readonly seed: number;
  readonly durationMs: number;
  readonly wallMs: number;
  readonly concurrency: number;
  readonly requests: number;
  readonly servers: readonly {
    id: string;
    placement: 'child' | 'in-process';
    url: string;
    tools: readonly string[];
    outage: { plannedFromMs: number; plannedToMs: number; downAtMs: number; upAtMs: number } | null;
  }[];
  readonly tools: Readonly<Record<string, InjectedTool>>;
  readonly workflows: Readonly<Record<string, WorkflowLedger>>;
  /** Alert events seen during the run, oldest first. */
  readonly alerts: readonly {
    atMs: number;
    type: string;
    severity: string;
    subject: string;
    message: string;
  }[];
}

export interface DemoRun {
  readonly toolscope: Toolscope;
  readonly store: InvocationStore;
  readonly scenario: DemoScenario;
  readonly probes: Probes;
  /** Health transitions seen from set-up on (for the report's health-over-time chart). */
  readonly history: HealthHistory;
  /** Epoch ms set-up began (servers starting). */
  readonly setupStartedMs: number;
  /** Epoch ms the travellers started. */
  readonly startedAtMs: number;
  readonly interrupted: boolean;
}

function configured(tool: ToolBehaviour): InjectedTool['configured'] {
  const total = tool.failures.reduce((s, f) => s + f.weight, 0);
  return {
    medianMs: tool.medianMs,
    sigma: tool.sigma,
    failureRate: tool.failureRate,
    failureKinds: tool.failures.map((f) => ({
      errorType: f.errorType,
      mode: f.mode,
      share: f.weight / total,
    })),
    expectedPerformanceMs: tool.expectedPerformanceMs,
  };
}

/**
 * Runs the demo. Every child process is reaped before this resolves or rejects; `cleanup`
 * of the returned run's toolscope (shutdown) is the caller's, after the report is built.
 */
export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const seed = options.seed ?? 42;
  const concurrency = options.concurrency ?? 6;
  const toolscope = startToolscope({
    export: Boolean(options.env.OTEL_EXPORTER_OTLP_ENDPOINT),
    serviceName: demoServiceName(options.env),
    // 1 s slots: the selector's short window and the report follow the run closely.
    inProcess: { slotSeconds: 1 },
  });
  const store = toolscope.store;
  if (store === undefined) throw new Error('startToolscope returned no in-process store');
  const ledger = new Ledger();
  const alerts: DemoScenario['alerts'][number][] = [];
  const setupStartedMs = Date.now();
  // The run's clock starts once everything is up; setup time does not eat the duration.
  let startedAtMs = setupStartedMs;
  const since = () => Date.now() - startedAtMs;
  const history = new HealthHistory().attach();

  let fleet: Fleet | undefined;
  const reap = () => fleet?.killAll();
  process.once('exit', reap);
  const clients: Client[] = [];
  let probes: Probes | undefined;
  const cleanups: (() => void)[] = [];
  try {
    fleet = await startFleet(SERVERS, seed);
    const toolClients = new Map<string, Client>();
    for (const server of fleet.servers) {
      // Trace context and baggage (the correlation ID) travel in `params._meta`.
      const client = instrumentMcpClient(
        new Client({ name: 'toolscope-demo-orchestrator', version: '0.1.0' }),
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      clients.push(client);
      for (const t of server.spec.tools) toolClients.set(t.name, client);
    }

    const runMs = options.durationMs;
    if (options.banner === true && options.progressMode !== 'off') {
      const out = options.progress;
      out.write(
        `toolscope demo: travel planner, ${runMs / 1000}s, ${concurrency} travellers, seed ${seed}\n`,
      );
      for (const s of fleet.servers) {
        const where = s.pid === undefined ? 'in-process' : `pid ${s.pid}`;
        const tools = s.spec.tools.map((t) => t.name).join(', ');
        out.write(`  ${s.spec.id.padEnd(14)} ${s.url.padEnd(28)} ${where.padEnd(11)} ${tools}\n`);
      }
      out.write(
        toolscope.exporting
          ? `  exporting traces and metrics over OTLP to ${toolscope.endpoint}\n`
          : '  telemetry stays in this process (set OTEL_EXPORTER_OTLP_ENDPOINT to export it)\n',
      );
    }
    probes = await startProbes(fleet.servers, runMs, seed);
    startedAtMs = Date.now();
    if (options.banner === true && options.progressMode !== 'off') {
      options.progress.write(`  ready in ${((startedAtMs - setupStartedMs) / 1000).toFixed(1)}s\n`);
    }
    const notes = new Set<string>();
    const progress =
      options.progressMode === 'off'
        ? undefined
        : startProgress(options.progress, options.progressMode, () => ({
            elapsedMs: since(),
            totalMs: runMs,
            ...ledger.counts(),
            notes: [...notes],
          }));
    cleanups.push(() => progress?.stop());
    const choose: ToolChooser = createChooser(store, (_task, from, to, reasons) => {
      if (from === undefined) return;
      progress?.event(`select  ${from} → ${to} (${from}: ${reasons.join('; ')})`);
    });
    const orchestrator = new Orchestrator({ clients: toolClients, ledger, choose });
    const last = new Map(listToolHealth().map((h) => [h.tool, h.state]));
    cleanups.push(
      subscribeToolHealth((h) => {
        const before = last.get(h.tool) ?? 'unknown';
        if (before === h.state) return;
        last.set(h.tool, h.state);
        if (h.state === 'healthy') notes.delete(`${h.tool} ${before}`);
        else notes.add(`${h.tool} ${h.state}`);
        for (const s of [...notes])
          if (s.startsWith(`${h.tool} `) && s !== `${h.tool} ${h.state}`) notes.delete(s);
        // Degraded flickers stay in the status line; what matters gets its own line.
        if (before === 'unhealthy' || h.state === 'unhealthy') {
          progress?.event(`health  ${h.tool}: ${before} → ${h.state}`);
        }
      }),
    );
    cleanups.push(
      subscribeInvocations((r) => {
        if (r.kind === 'tool') ledger.recordDuration(r.name, r.durationS * 1000);
      }),
    );
    cleanups.push(
      getAlertCenter().subscribe((e: AlertEvent) => {
        alerts.push({
          atMs: since(),
          type: e.type,
          severity: e.alert.severity,
          subject: e.alert.subject,
          message: e.alert.message,
        });
      }),
    );

    // The planned outage: the server process stops, then a new one starts on the same port.
    const outages: Map<string, { downAtMs: number; upAtMs: number }> = new Map();
    const outageTasks = fleet.servers
      .filter((s) => s.spec.outage !== undefined)
      .map(async (server) => {
        const o = server.spec.outage!;
        const record = { downAtMs: -1, upAtMs: -1 };
        outages.set(server.spec.id, record);
        const wait = (atMs: number) =>
          sleep(Math.max(0, atMs - since()), undefined, { signal: options.signal }).then(
            () => true,
            () => false,
          );
        // The replacement process loads now (that takes a while) and binds the port when the
        // outage ends, so the server comes back on time.
        const prepared = server.prepare();
        prepared.catch(() => {}); // awaited (and thrown) below, unless the run is cut short
        if (!(await wait(o.from * runMs))) return;
        await server.stop();
        // The port is closed now (the old process may still be flushing its telemetry).
        record.downAtMs = since();
        notes.add(`${server.spec.id} server down`);
        progress?.event(
          `outage  ${server.spec.id} server stopped (planned), port ${server.port} now refuses connections`,
        );
        await prepared;
        await wait(o.to * runMs);
        await server.start();
        record.upAtMs = since();
        notes.delete(`${server.spec.id} server down`);
        progress?.event(`outage  ${server.spec.id} server started again on port ${server.port}`);
      });

    const requests = await runUsers({
      orchestrator,
      concurrency,
      seed,
      deadlineMs: startedAtMs + runMs,
      signal: options.signal,
    });
    await Promise.all(outageTasks);
    // Let the probes confirm a recovery that happened just before the end (bounded), so the
    // health summary shows the state the servers are really in.
    if (options.signal?.aborted !== true) await probes.settle();
    progress?.stop();

    await probes.stop();
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    const serverStats = await fleet.stopAll();
    const wallMs = Date.now() - setupStartedMs;

    const ledgerTools = ledger.tools();
    const tools: Record<string, InjectedTool> = {};
    for (const spec of SERVERS) {
      for (const t of spec.tools) {
        const client = ledgerTools[t.name];
        if (client === undefined) continue;
        tools[t.name] = {
          server: spec.id,
          placement: spec.placement,
          configured: configured(TOOLS[t.name as keyof typeof TOOLS]),
          calls: client,
          served: serverStats[t.name] ?? { requests: 0, succeeded: 0, failures: {} },
        };
      }
    }
    return {
      toolscope,
      store,
      probes,
      history,
      setupStartedMs,
      startedAtMs,
      interrupted: options.signal?.aborted === true,
      scenario: {
        seed,
        durationMs: runMs,
        wallMs,
        concurrency,
        requests,
        servers: fleet.servers.map((s) => {
          const o = outages.get(s.spec.id);
          return {
            id: s.spec.id,
            placement: s.spec.placement,
            url: s.url,
            tools: s.spec.tools.map((t) => t.name),
            outage:
              s.spec.outage === undefined || o === undefined
                ? null
                : {
                    plannedFromMs: Math.round(s.spec.outage.from * runMs),
                    plannedToMs: Math.round(s.spec.outage.to * runMs),
                    downAtMs: o.downAtMs,
                    upAtMs: o.upAtMs,
                  },
          };
        }),
        tools,
        workflows: ledger.workflows(),
        alerts,
      },
    };
  } catch (err) {
    await probes?.stop().catch(() => {});
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await fleet?.stopAll().catch(() => fleet?.killAll());
    await withinDeadline(toolscope.shutdown(), TELEMETRY_DEADLINE_MS);
    history.close();
    throw err;
  } finally {
    for (const c of cleanups) c();
    process.off('exit', reap);
  }
}
