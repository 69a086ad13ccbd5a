/** Helpers of the fault-and-attack suite. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ProbeCommandDeps, runProbeCommand } from '../../packages/health-probe/src/index.ts';

/** The misbehaving stdio MCP server (see the fixture for its modes). */
export const HOSTILE_STDIO_SERVER = fileURLToPath(
  new URL('./fixtures/hostile-stdio-server.mjs', import.meta.url),
);

/**
 * Whether `pid` is a running process: it exists and is not a zombie (an exited process its
 * parent has not reaped yet, which runs nothing; in a container whose init does not reap
 * orphans, zombies of re-parented grandchildren stay).
 */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** A directory the hostile servers record their pids in, and the pids recorded so far. */
export function pidDir(): { dir: string; pids(): number[]; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'toolscope-attack-pids-'));
  return {
    dir,
    pids: () => readdirSync(dir).map(Number),
    remove: () => {
      // Whatever a failed test left running is killed here, never left behind.
      for (const name of readdirSync(dir)) {
        try {
          process.kill(Number(name), 'SIGKILL');
        } catch {}
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Characters no terminal output may contain (besides the newline that ends a line). */
export const TERMINAL_UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/**
 * What the server side of a loopback connection can write that the client never read: socket
 * buffers of both ends (Linux autotunes them to a few MiB). A body cap is checked as "the server
 * wrote at most the cap plus this".
 */
export const SOCKET_SLACK_BYTES = 8 * 1024 * 1024;

/** What `probeWithConfig` saw. */
export interface ProbeRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** How long the command took, in ms. */
  readonly ms: number;
}

/**
 * Runs `toolscope probe --config <file> …args` in process on a config file holding `text`
 * (written to a temporary directory, removed afterwards; `name` sets its extension).
 */
export async function probeWithConfig(
  text: string,
  args: readonly string[] = ['--once'],
  options: { name?: string; deps?: ProbeCommandDeps; onStdout?: (s: string) => void } = {},
): Promise<ProbeRun> {
  const dir = mkdtempSync(join(tmpdir(), 'toolscope-attack-'));
  try {
    const file = join(dir, options.name ?? 'checks.yaml');
    writeFileSync(file, text);
    let stdout = '';
    let stderr = '';
    const started = performance.now();
    const code = await runProbeCommand(
      ['--config', file, ...args],
      {
        stdout: (s) => {
          stdout += s;
          options.onStdout?.(s);
        },
        stderr: (s) => {
          stderr += s;
        },
      },
      options.deps,
    );
    return { code, stdout, stderr, ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
