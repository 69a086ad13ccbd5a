import { ToolscopeError } from '@toolscope/instrumentation';

/**
 * What a command may touch of the outside world, so tests can run `main()` in-process with
 * captured output, and `bin.ts` wires the real process.
 */

/** A text sink: `process.stdout`/`process.stderr` or a test buffer. */
export interface OutputStream {
  write(text: string): unknown;
  /** True on a terminal: the demo then draws a live progress line. */
  readonly isTTY?: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative `--out` paths. */
  readonly cwd: string;
  /** Aborted on Ctrl-C: long commands stop early and clean up. */
  readonly signal?: AbortSignal;
}

/** Exit codes of every command. */
export const EXIT_OK = 0;
/** The command ran, and found something unhealthy. */
export const EXIT_FINDINGS = 1;
/** Bad usage or configuration; the message says what to fix. */
export const EXIT_USAGE = 2;
/** Interrupted (Ctrl-C), as shells report SIGINT. */
export const EXIT_INTERRUPTED = 130;

/**
 * A mistake in a command's arguments the user can fix: printed without a stack trace, exit
 * code 2, with a pointer to the command's help. One of the core's `ToolscopeError`s.
 */
export class UsageError extends ToolscopeError {
  override readonly name: string = 'UsageError';
  /** The command whose `--help` to point at. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}
