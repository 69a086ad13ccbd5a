/** Argument parsing shared by the commands: `node:util` parseArgs with usage errors. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { durationMs } from '@toolscope/instrumentation/internal';
import { UsageError } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` for `command` strictly: unknown options, missing values and stray
 * positionals become a `UsageError` that names the command, never a stack trace.
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({
      args: negativeValuesInline(argv, options),
      options,
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw err;
    // Node's messages are right but long; keep their first sentence.
    const first = String((err as Error).message)
      .split(/\.\s/)[0]!
      .replace(/\.$/, '');
    throw new UsageError(`${first} (toolscope ${command})`, command);
  }
}

/** A value that starts like a negative number: `-1`, `-2.5`, `-.5`, `-5m`. */
const NEGATIVE = /^-\.?\d/;

/**
 * Rewrites `--flag -1` (and `-f -1`) of a string option to `--flag=-1`, so a negative number
 * reaches the option's own check ("must be a positive number…") instead of `parseArgs`
 * calling it an ambiguous option.
 */
function negativeValuesInline(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    let name: string | undefined;
    if (arg.startsWith('--') && !arg.includes('=')) name = arg.slice(2);
    else if (/^-[^-]$/.test(arg)) {
      name = Object.keys(options).find((k) => options[k]!.short === arg[1]);
    }
    if (
      name !== undefined &&
      options[name]?.type === 'string' &&
      next !== undefined &&
      NEGATIVE.test(next)
    ) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** The formats every command that prints a report accepts. */
export const FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(command: string, value: string | undefined): Format {
  if (value === undefined) return 'text';
  const v = value === 'md' ? 'markdown' : value;
  if ((FORMATS as readonly string[]).includes(v)) return v as Format;
  throw new UsageError(
    `--format: unknown format ${JSON.stringify(value)}; use one of ${FORMATS.join(', ')}`,
    command,
  );
}

/**
 * Seconds for `--duration` and `--timeout`: a plain number is seconds (these flags have always
 * counted in seconds), anything else a duration of the one grammar (`500ms`, `30s`, `2m`,
 * `1m30s`; `DURATION_SYNTAX` of the core).
 * @example parseSeconds('demo', '--duration', '1m', 1, 600) === 60
 */
export function parseSeconds(
  command: string,
  flag: string,
  value: string,
  min: number,
  max: number,
): number {
  if (/^\s*-\.?\d/.test(value)) {
    throw new UsageError(
      `${flag}: must be a positive number of seconds, for example ${flag} 30 (got ${value.trim()})`,
      command,
    );
  }
  const bare = /^\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  const ms = bare === null ? durationMs(value) : Number(bare[1]) * 1000;
  if (ms === undefined) {
    throw new UsageError(
      `${flag}: ${JSON.stringify(value)} is not a duration; give seconds, for example ${flag} 30 (or 30s, 2m)`,
      command,
    );
  }
  const seconds = ms / 1000;
  if (!(seconds >= min && seconds <= max)) {
    throw new UsageError(
      `${flag}: must be between ${min} and ${max} seconds (got ${value})`,
      command,
    );
  }
  return seconds;
}

export function parsePositiveInt(
  command: string,
  flag: string,
  value: string,
  max: number,
): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(
      `${flag}: must be a whole number from 1 to ${max} (got ${JSON.stringify(value)})`,
      command,
    );
  }
  return n;
}
