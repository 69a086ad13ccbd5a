/**
 * Runs the real `toolscope` binary from source in a child process (Node 24,
 * `--conditions=toolscope-source`)
 * and collects its output and exit code, with a deadline.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
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
  readonly done: Promise<CliResult>;
}

export function startCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string } = {},
): RunningCli {
  const child = spawn(nodeBinary(), ['--conditions=toolscope-source', BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
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
    done,
  };
}

/** Runs the CLI to the end (killed after `timeoutMs`, 30 s by default). */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  return startCli(args, options).done;
}
