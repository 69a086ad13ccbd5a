/**
 * Starts and stops the demo's MCP servers: in-process ones directly, the others as child
 * Node processes (so a trace crosses a process boundary). A server can be stopped and started
 * again on the same port (the outage). Every child is reaped: on stop, on `killAll()`, and by
 * the child itself when the IPC channel to its parent closes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ToolscopeError } from '@toolscope/instrumentation';
import type { ServerSpec } from './scenario.ts';
import { createToolServer, type ServerStats, type ToolServer } from './tool-server.ts';

const START_DEADLINE_MS = 15_000;
const STOP_DEADLINE_MS = 10_000;

/**
 * A demo server could not start (port, spawn, or the server itself): a `ToolscopeError`, so
 * the CLI prints its message and exits 2, without a stack.
 */
export class DemoSetupError extends ToolscopeError {
  override readonly name: string = 'DemoSetupError';
}

/** One demo server, up or down. */
export interface ServerHandle {
  readonly spec: ServerSpec;
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  readonly port: number;
  readonly up: boolean;
  /** Process id of a child server while it runs. */
  readonly pid: number | undefined;
  /**
   * Stops it gracefully (requests in flight finish) and keeps its counts. Resolves once the
   * port is closed; a child process may still be flushing its telemetry (bounded), and
   * `Fleet.stopAll()` waits for it.
   */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /**
   * Loads a child server's next process without binding the port, so `start()` is quick.
   * May run while the server is up: `stop()` leaves the prepared process alone.
   */
  prepare(): Promise<void>;
}

/** All demo servers. */
export interface Fleet {
  readonly servers: readonly ServerHandle[];
  /**
   * Stops every server still up, waits until every child process has exited, and returns
   * what each tool's server injected, by tool.
   */
  stopAll(): Promise<ServerStats>;
  /** Synchronous last resort for exit paths: SIGKILL every child still running. */
  killAll(): void;
}

function merge(into: ServerStats, from: ServerStats): void {
  for (const [tool, s] of Object.entries(from)) {
    const t = into[tool] ?? { requests: 0, succeeded: 0, failures: {} };
    into[tool] = t;
    t.requests += s.requests;
    t.succeeded += s.succeeded;
    for (const [type, n] of Object.entries(s.failures))
      t.failures[type] = (t.failures[type] ?? 0) + n;
  }
}

const SERVER_ENTRY = fileURLToPath(
  new URL(
    import.meta.url.endsWith('.ts') ? './server-process.ts' : './server-process.js',
    import.meta.url,
  ),
);

/** Node flags the child needs too (`--conditions=toolscope-source` when running from source). */
function childExecArgv(): string[] {
  return process.execArgv.filter((a) => !a.startsWith('--inspect'));
}

interface ChildMessage {
  type?: string;
  port?: number;
  message?: string;
}

/** Waits for the child's message of `type`; rejects on its error message, exit or deadline. */
function waitFor(child: ChildProcess, spec: ServerSpec, type: string): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onMessage);
    };
    const timer = setTimeout(() => {
      done();
      child.kill('SIGKILL');
      reject(
        new DemoSetupError(`demo server ${spec.id} did not start within ${START_DEADLINE_MS} ms`),
      );
    }, START_DEADLINE_MS);
    const onExit = (code: number | null) => {
      done();
      reject(new DemoSetupError(`demo server ${spec.id} exited during start-up (code ${code})`));
    };
    const onMessage = (m: ChildMessage) => {
      if (m.type === type) {
        done();
        resolve(m);
      } else if (m.type === 'error') {
        done();
        child.kill('SIGKILL');
        reject(new DemoSetupError(`demo server ${spec.id} failed to start: ${m.message}`));
      }
    };
    child.once('exit', onExit);
    child.on('message', onMessage);
  });
}

/**
 * Starts a child server. With `standby`, it loads everything and waits for `listen` (so a
 * restart can be prepared while the old process is still down, and come up on time).
 */
async function launchChild(
  spec: ServerSpec,
  seed: number,
  generation: number,
  port: number,
  standby: boolean,
): Promise<ChildProcess> {
  const config = JSON.stringify({ id: spec.id, seed, generation, port, standby });
  const child = spawn(process.execPath, [...childExecArgv(), SERVER_ENTRY, config], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: process.env,
  });
  await waitFor(child, spec, standby ? 'ready' : 'listening').catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return child;
}

async function listenChild(child: ChildProcess, spec: ServerSpec): Promise<number> {
  const listening = waitFor(child, spec, 'listening');
  child.send({ type: 'listen' });
  return (await listening).port!;
}

async function spawnChild(
  spec: ServerSpec,
  seed: number,
  generation: number,
  port: number,
): Promise<{ child: ChildProcess; port: number }> {
  const child = await launchChild(spec, seed, generation, port, true);
  return { child, port: await listenChild(child, spec) };
}

/** A child server asked to stop. */
interface Stopping {
  /**
   * What it served; resolves once its port is closed and its requests in flight finished
   * (the child's `stats` message), or when it exits without one.
   */
  readonly stats: Promise<ServerStats>;
  /** Resolves once the process has exited (SIGKILL after STOP_DEADLINE_MS). */
  readonly exited: Promise<void>;
}

/**
 * Asks a child server to stop. Its port closes first and its stats arrive then; the process
 * itself exits a little later, after flushing its telemetry (bounded in the child), so the
 * caller can note the moment the server went down without waiting for the flush.
 */
function stopChild(child: ChildProcess): Stopping {
  let stats: ServerStats = {};
  let gotStats: (s: ServerStats) => void = () => {};
  const statsPromise = new Promise<ServerStats>((resolve) => {
    gotStats = resolve;
  });
  const onMessage = (m: { type?: string; stats?: ServerStats }) => {
    if (m.type === 'stats' && m.stats !== undefined) {
      stats = m.stats;
      gotStats(stats);
    }
  };
  const exited = new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      gotStats(stats);
      resolve();
    };
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
    child.on('message', onMessage);
    if (child.exitCode !== null || child.signalCode !== null) {
      finish();
      return;
    }
    child.once('exit', finish);
    if (child.connected) child.send({ type: 'shutdown' });
    else child.kill('SIGTERM');
  });
  return { stats: statsPromise, exited };
}

/** Binding the port a stopped server just released can race the kernel; retry briefly. */
async function withPortRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 20 || !String(err).includes('EADDRINUSE')) throw err;
      await sleep(50);
    }
  }
}

class Handle implements ServerHandle {
  readonly spec: ServerSpec;
  port = 0;
  up = false;
  private readonly seed: number;
  private generation = 0;
  private child: ChildProcess | undefined;
  private standby: Promise<ChildProcess> | undefined;
  private local: ToolServer | undefined;
  /** Child processes stopped (port closed) but maybe still flushing their telemetry. */
  private readonly exiting = new Map<ChildProcess, Promise<void>>();
  readonly retired: ServerStats = {};

  constructor(spec: ServerSpec, seed: number) {
    this.spec = spec;
    this.seed = seed;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async prepare(): Promise<void> {
    if (this.spec.placement !== 'child' || this.standby !== undefined) return;
    const standby = launchChild(this.spec, this.seed, this.generation++, this.port, true);
    this.standby = standby;
    standby.catch(() => {}); // surfaced by start()
    await standby;
  }

  async start(): Promise<void> {
    if (this.up) return;
    if (this.spec.placement === 'child' && this.standby !== undefined) {
      const child = await this.standby;
      this.standby = undefined;
      this.child = child;
      try {
        this.port = await listenChild(child, this.spec);
      } catch (err) {
        this.child = undefined;
        throw err;
      }
    } else if (this.spec.placement === 'child') {
      const generation = this.generation++;
      const { child, port } = await withPortRetry(() =>
        spawnChild(this.spec, this.seed, generation, this.port),
      );
      this.child = child;
      this.port = port;
    } else {
      const generation = this.generation++;
      const local = createToolServer(this.spec, this.seed, generation);
      this.port = await withPortRetry(() => local.listen(this.port));
      this.local = local;
    }
    this.up = true;
  }

  /** Stops a child and remembers it until it has exited; resolves with its stats. */
  private retire(child: ChildProcess): Promise<ServerStats> {
    const stopping = stopChild(child);
    this.exiting.set(
      child,
      stopping.exited.then(() => {
        this.exiting.delete(child);
      }),
    );
    return stopping.stats;
  }

  /** Resolves once every child process this handle started has exited. */
  async reaped(): Promise<void> {
    while (this.exiting.size > 0) await Promise.all(this.exiting.values());
  }

  /** Stops the server and a replacement prepared for it. */
  async stopAll(): Promise<void> {
    if (this.standby !== undefined) {
      const standby = this.standby;
      this.standby = undefined;
      await standby.then(
        (child) => this.retire(child),
        () => undefined,
      );
    }
    await this.stop();
  }

  async stop(): Promise<void> {
    if (!this.up) return;
    this.up = false;
    if (this.child !== undefined) {
      const child = this.child;
      this.child = undefined;
      // Resolves when the port is closed: the process may still be flushing telemetry.
      merge(this.retired, await this.retire(child));
    } else if (this.local !== undefined) {
      const local = this.local;
      this.local = undefined;
      await local.close();
      merge(this.retired, local.stats());
    }
  }

  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
    for (const child of this.exiting.keys()) child.kill('SIGKILL');
    void this.standby?.then((c) => c.kill('SIGKILL'));
    this.standby = undefined;
    void this.local?.close();
    this.local = undefined;
    this.up = false;
  }
}

/** Starts every server of `specs` (children in parallel) with the given seed. */
export async function startFleet(specs: readonly ServerSpec[], seed: number): Promise<Fleet> {
  const handles = specs.map((s) => new Handle(s, seed));
  const started = await Promise.allSettled(handles.map((h) => h.start()));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    for (const h of handles) h.kill();
    throw failed.reason;
  }
  return {
    servers: handles,
    async stopAll() {
      await Promise.all(handles.map((h) => h.stopAll()));
      // Every process gone (its telemetry flushed, or killed at the deadline) before returning.
      await Promise.all(handles.map((h) => h.reaped()));
      const totals: ServerStats = {};
      for (const h of handles) merge(totals, h.retired);
      return totals;
    },
    killAll() {
      for (const h of handles) h.kill();
    },
  };
}
