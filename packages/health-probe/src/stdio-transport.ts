/**
 * The stdio transport of MCP checks: the server runs in a process group of its own, and closing
 * the transport reaps that whole group — the server and anything it started (a wrapper such as
 * `npx` starts the real server as its child) — before `close()` resolves.
 *
 * Teardown (`close()`): stdin is closed (the MCP way to ask a stdio server to leave); the group
 * gets `LIMITS.stdioExitGraceMs` to exit, then SIGTERM, then `LIMITS.stdioTermGraceMs`, then
 * SIGKILL; `close()` resolves once no process of the group runs. If the process exits first
 * (a second Ctrl-C, `process.exit`), every group still open is killed on the way out.
 *
 * Out of scope: a process that leaves the group on purpose (`setsid`, a daemonising server)
 * is no longer the probe's to reap. On Windows there are no process groups: the server
 * process itself is ended.
 *
 * Messages are newline-delimited JSON-RPC (the SDK's `ReadBuffer`); a line longer than
 * `LIMITS.mcpMessageBytes` ends the run as a protocol error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describeBytes, LIMITS } from '@toolscope/instrumentation/internal';
import { ErrorClass, ProbeFailure } from './classify.ts';

/** How a stdio server is started. */
export interface StdioServer {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string | undefined;
}

const GROUPS = process.platform !== 'win32';
/** How often a group is looked at while it is given time to end. */
const POLL_MS = 25;

/** Process groups started and not yet reaped: killed if the process exits first. */
const open = new Set<number>();
let exitHook = false;

function killOpenGroups(): void {
  for (const pgid of open) signalGroup(pgid, 'SIGKILL');
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Nobody left in the group.
  }
}

/**
 * Whether a process of the group still runs. A zombie (exited, not yet reaped by its parent:
 * a re-parented grandchild in a container whose init does not reap) runs nothing and does not
 * count; on Linux `/proc` tells them apart.
 */
function groupRuns(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of entries) {
    if (name.charCodeAt(0) > 57) continue; // not a pid
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

/** Waits until `done()` holds or `ms` pass; true when it held. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

/** An MCP stdio client transport whose server runs, and is reaped, as a process group. */
export class GroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Set when the server broke the protocol (a line too long): why the run failed. */
  failure: ProbeFailure | undefined;
  private readonly server: StdioServer;
  private readonly buffer = new ReadBuffer({ maxBufferSize: LIMITS.mcpMessageBytes });
  private child: ChildProcess | undefined;
  private exited = false;
  private closing: Promise<void> | undefined;

  constructor(server: StdioServer) {
    this.server = server;
  }

  start(): Promise<void> {
    if (this.child !== undefined) return Promise.reject(new Error('already started'));
    return new Promise((resolve, reject) => {
      const child = spawn(this.server.command, [...this.server.args], {
        env: { ...getDefaultEnvironment(), ...this.server.env },
        ...(this.server.cwd !== undefined ? { cwd: this.server.cwd } : {}),
        stdio: ['pipe', 'pipe', 'ignore'],
        shell: false,
        windowsHide: true,
        // Its own process group (and session): reaped as a whole, and a Ctrl-C meant for the
        // probe does not reach it mid-run.
        detached: GROUPS,
      });
      this.child = child;
      child.on('error', (err) => {
        this.exited = true;
        reject(err);
        this.onerror?.(err);
      });
      child.on('spawn', () => {
        if (GROUPS && child.pid !== undefined) {
          open.add(child.pid);
          if (!exitHook) {
            exitHook = true;
            process.on('exit', killOpenGroups);
          }
        }
        resolve();
      });
      child.on('exit', () => {
        this.exited = true;
      });
      child.on('close', () => {
        this.exited = true;
        this.onclose?.();
      });
      child.stdin?.on('error', (err) => this.onerror?.(err));
      child.stdout?.on('error', (err) => this.onerror?.(err));
      child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk));
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (stdin == null || this.closing !== undefined || this.exited || !stdin.writable) {
        reject(new Error('Not connected'));
        return;
      }
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends the server and everything in its group; resolves once none of it runs. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.reap();
    return this.closing;
  }

  private receive(chunk: Buffer): void {
    try {
      this.buffer.append(chunk);
    } catch {
      this.failure ??= new ProbeFailure(
        ErrorClass.protocolError,
        `server wrote a line longer than ${describeBytes(LIMITS.mcpMessageBytes)}`,
      );
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (err) {
        // A line that is not JSON-RPC: reported, skipped (as the SDK's transport does).
        this.onerror?.(err as Error);
        continue;
      }
      if (message === null) break;
      this.onmessage?.(message);
    }
  }

  private async reap(): Promise<void> {
    const child = this.child;
    this.buffer.clear();
    if (child === undefined || child.pid === undefined) return;
    const pgid = child.pid;
    const closed = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('close', () => resolve());
    });
    child.stdout?.removeAllListeners('data');
    child.stdout?.resume(); // drain: a server blocked on a full pipe can still exit
    try {
      child.stdin?.end();
    } catch {
      // already gone
    }
    const runs = GROUPS ? () => groupRuns(pgid) : () => !this.exited;
    try {
      if (await until(() => !runs(), LIMITS.stdioExitGraceMs)) return;
      if (GROUPS) signalGroup(pgid, 'SIGTERM');
      else child.kill('SIGTERM');
      if (await until(() => !runs(), LIMITS.stdioTermGraceMs)) return;
      if (GROUPS) signalGroup(pgid, 'SIGKILL');
      else child.kill('SIGKILL');
      // SIGKILL cannot be refused; the kernel takes a moment to end the processes.
      await until(() => !runs(), LIMITS.stdioTermGraceMs);
    } finally {
      // The server itself is this process's child: wait until it is reaped (its pipes close).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        closed,
        new Promise((resolve) => {
          timer = setTimeout(resolve, LIMITS.stdioTermGraceMs);
        }),
      ]);
      clearTimeout(timer);
      open.delete(pgid);
    }
  }
}
