/**
 * Runs the real `toolscope` binary from source in a child process (Node 24,
 * `--conditions=toolscope-source`)
 * and collects its output and exit code, with a deadline.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
/** The `toolscope` launcher (`bin/toolscope.js`), which re-runs Node on `src/bin.ts`. */
const LAUNCHER = fileURLToPath(new URL('../../bin/toolscope.js', import.meta.url));
const REPO_NODE = fileURLToPath(new URL('../../../../node_modules/.bin/node', import.meta.url));

/** Node 24 (type stripping): the test runner's own Node when it is new enough. */
export function nodeBinary(): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 24) return process.execPath;
  if (existsSync(REPO_NODE)) return REPO_NODE;
  throw new Error('Node 24 is needed to run the CLI from source; run npm install at the repo root');
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: number | undefined;
}

/** A CLI process still running: its output so far, and its end. */
export interface RunningCli {
  readonly pid: number | undefined;
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  /** Signals its whole process group, as a terminal's Ctrl-C does (needs `detached`). */
  killGroup(signal: NodeJS.Signals): void;
  readonly done: Promise<CliResult>;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL) and rejected after this long. @default 30000 */
  timeoutMs?: number;
  cwd?: string;
  /** Run through the `bin/toolscope.js` launcher instead of `src/bin.ts`. @default false */
  launcher?: boolean;
  /**
   * Start it as the leader of its own process group, so `killGroup` can signal it the way a
   * terminal's Ctrl-C does (every process of the group). @default false
   */
  detached?: boolean;
}

export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const argv =
    options.launcher === true
      ? [LAUNCHER, ...args]
      : ['--conditions=toolscope-source', BIN, ...args];
  const child = spawn(nodeBinary(), argv, {
    cwd: options.cwd,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached === true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (options.detached === true && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL'); // the launcher's child too
        } catch {}
      }
      child.kill('SIGKILL');
      reject(
        new Error(`toolscope ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stderr}`),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pid: child.pid });
    });
  });
  return {
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
    killGroup: (signal) => {
      if (options.detached !== true || child.pid === undefined) {
        throw new Error('killGroup needs startCli(..., { detached: true })');
      }
      process.kill(-child.pid, signal);
    },
    done,
  };
}

/** Whether a process with this id still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `condition` every 50 ms until it holds (true) or `timeoutMs` passes (false). */
export async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Runs the CLI to the end (killed after `timeoutMs`, 30 s by default). */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}
