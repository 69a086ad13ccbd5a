/**
 * Processes a test starts itself (collectors, Jaeger, Prometheus, workload scripts): each in
 * its own process group with its output in a log file, readiness polled with a deadline,
 * stopped with SIGTERM, then SIGKILL after a bounded wait — and every group still alive is
 * SIGKILLed when the test process exits, whatever happened to the test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { pollUntil } from '../../support/backend-clients.ts';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

/** `count` distinct free TCP ports on 127.0.0.1 (held together while chosen, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

export interface StartOptions {
  /** Shown in messages and used for the log file name. */
  name: string;
  command: string;
  args: readonly string[];
  env?: Record<string, string>;
  /** Directory of the log file `<name>.log`. */
  logDir: string;
  /** Resolves true when the process is ready (polled). */
  ready?: () => Promise<boolean>;
  /** @default 60_000 */
  readyTimeoutMs?: number;
}

/** A process started by `startProcess`. */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  private readonly child: ChildProcess;
  private readonly exit: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(name: string, logFile: string, child: ChildProcess) {
    this.name = name;
    this.logFile = logFile;
    this.child = child;
    this.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.exitCode = code ?? (signal ? null : 0);
        resolve(this.exitCode);
      });
      child.once('error', () => {
        live.delete(child);
        this.exitCode = null;
        resolve(null);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last `lines` lines of its log. */
  tail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Resolves with the exit code (null when killed by a signal) within `timeoutMs`, else throws. */
  async exited(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name} did not exit within ${timeoutMs}ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    killGroup(this.child, 'SIGTERM');
    try {
      await this.exited(graceMs);
    } catch {
      killGroup(this.child, 'SIGKILL');
      await this.exited(10_000);
    }
  }

  /** SIGKILL to the group (a crash); resolves once it has exited. */
  async kill(): Promise<void> {
    if (!this.running) return;
    killGroup(this.child, 'SIGKILL');
    await this.exited(10_000);
  }
}

/** Starts a process in its own group and waits (bounded) until `ready` says so. */
export async function startProcess(options: StartOptions): Promise<ManagedProcess> {
  installExitHook();
  const logFile = join(options.logDir, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...options.args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...options.env },
    });
  } finally {
    closeSync(fd);
  }
  live.add(child);
  const managed = new ManagedProcess(options.name, logFile, child);
  if (options.ready !== undefined) {
    const ready = options.ready;
    try {
      const state = await pollUntil(
        async () => (managed.running ? (await ready()) && 'ready' : 'exited'),
        {
          timeoutMs: options.readyTimeoutMs ?? 60_000,
          intervalMs: 200,
          description: `${options.name} to be ready (log ${logFile})`,
        },
      );
      if (state === 'exited') throw new Error(`${options.name} exited during startup`);
    } catch (err) {
      await managed.stop(5_000);
      throw new Error(`${(err as Error).message}\n--- ${options.name} log ---\n${managed.tail()}`);
    }
  }
  return managed;
}

/** Whether `url` answers 2xx within a second. */
export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
