/**
 * toolscope's OpenTelemetry diag logger for a process it sets up (the `toolscope` CLI and
 * `node --import @toolscope/node/register`): what the libraries log (deprecated config keys,
 * export failures, a flush on exit cut short and what it lost) reaches the user as one line
 * per message on stderr, shown safely for a terminal. Warnings and errors by default;
 * `OTEL_LOG_LEVEL` chooses. An application that sets its own logger replaces it.
 */
import { inspect } from 'node:util';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { terminalText } from '@toolscope/instrumentation/internal';

/** Where the lines go: `process.stderr`, or anything with its `write`. */
export interface DiagOutput {
  write(text: string): unknown;
}

/** `OTEL_LOG_LEVEL` values (OpenTelemetry specification, case-insensitive). */
const LEVELS: Readonly<Record<string, DiagLogLevel>> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

const DEFAULT_LEVEL = 'warn';

function text(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg instanceof Error) return arg.message;
  return inspect(arg, { breakLength: Number.POSITIVE_INFINITY, depth: 2 });
}

/** A diag logger writing `toolscope: <level>: <message>` lines to `stream`. */
export function stderrDiagLogger(stream: DiagOutput): DiagLogger {
  const write =
    (level: string) =>
    (...args: unknown[]): void => {
      stream.write(`toolscope: ${level}: ${terminalText(args.map(text).join(' '))}\n`);
    };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    verbose: write('verbose'),
  };
}

/**
 * Installs the CLI's diag logger on `stream` at the level `OTEL_LOG_LEVEL` in `env` names
 * (warn when unset or empty). An unknown level is reported in one line and warn is used.
 */
export function installDiagLogger(
  stream: DiagOutput,
  env: Readonly<Record<string, string | undefined>>,
): void {
  const raw = env.OTEL_LOG_LEVEL?.trim().toLowerCase() || DEFAULT_LEVEL;
  const level = LEVELS[raw];
  const logger = stderrDiagLogger(stream);
  diag.setLogger(logger, {
    logLevel: level ?? LEVELS[DEFAULT_LEVEL]!,
    suppressOverrideMessage: true,
  });
  if (level === undefined) {
    diag.warn(
      `OTEL_LOG_LEVEL: unknown level ${JSON.stringify(env.OTEL_LOG_LEVEL)} (use ${Object.keys(LEVELS).join(', ')}); using ${DEFAULT_LEVEL}`,
    );
  }
}
