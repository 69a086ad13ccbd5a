/** Which errors are the user's to fix (exit 2, one line, no stack) and how to say so. */
import { ToolscopeError } from '@toolscope/instrumentation';
import { EXIT_USAGE, UsageError } from './io.ts';

export interface DescribedError {
  readonly message: string;
  readonly exitCode: number;
  /** The command whose help to point at; undefined: the main help; null: no pointer. */
  readonly command: string | undefined | null;
}

/**
 * Describes `err` for the user, or returns undefined for a bug (which keeps its stack). Every
 * error a toolscope package throws on purpose is a `ToolscopeError` (whichever copy of the
 * core made it), so no list of names is kept here.
 */
export function describeError(err: unknown): DescribedError | undefined {
  if (err instanceof UsageError) {
    return { message: err.message, exitCode: EXIT_USAGE, command: err.command };
  }
  if (err instanceof ToolscopeError) {
    return { message: err.message, exitCode: EXIT_USAGE, command: null };
  }
  return undefined;
}
