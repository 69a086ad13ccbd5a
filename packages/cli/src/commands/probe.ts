/** `toolscope probe`: the health-probe command of `@toolscope/health-probe`. */
import { PROBE_USAGE, runProbeCommand } from '@toolscope/health-probe';
import { startToolscope } from '@toolscope/node';
import type { CliIo } from '../io.ts';

export const PROBE_HELP = PROBE_USAGE;

export function probeCommand(argv: string[], io: CliIo): Promise<number> {
  return runProbeCommand(
    argv,
    { stdout: (s) => io.stdout.write(s), stderr: (s) => io.stderr.write(s) },
    { startToolscope, signal: io.signal },
  );
}
