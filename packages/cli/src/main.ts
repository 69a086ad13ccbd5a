/**
 * `toolscope <command>`: dispatch, help and exit codes. Every mistake the user can fix ends
 * with a one-line message and exit code 2; stack traces are for bugs only.
 */
import { readFileSync } from 'node:fs';
import { terminalText } from '@toolscope/instrumentation/internal';
import { describeError } from './errors.ts';
import { DEMO_HELP, MAIN_HELP, REPORT_HELP } from './help.ts';
import { type CliIo, EXIT_OK, EXIT_USAGE, UsageError } from './io.ts';

interface Command {
  help(): Promise<string>;
  run(argv: string[], io: CliIo): Promise<number>;
}

// Commands load on use: `toolscope report` never loads the demo's MCP servers.
const COMMANDS: Readonly<Record<string, Command>> = {
  demo: {
    help: async () => DEMO_HELP,
    run: async (argv, io) => (await import('./commands/demo.ts')).demoCommand(argv, io),
  },
  report: {
    help: async () => REPORT_HELP,
    run: async (argv, io) => (await import('./commands/report.ts')).reportCommand(argv, io),
  },
  probe: {
    help: async () => (await import('./commands/probe.ts')).PROBE_HELP,
    run: async (argv, io) => (await import('./commands/probe.ts')).probeCommand(argv, io),
  },
};

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return String(pkg.version);
  } catch {
    return 'unknown';
  }
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      io.stderr.write(MAIN_HELP);
      return EXIT_USAGE;
    }
    if (first === '-h' || first === '--help') {
      io.stdout.write(MAIN_HELP);
      return EXIT_OK;
    }
    if (first === '-v' || first === '--version') {
      io.stdout.write(`${version()}\n`);
      return EXIT_OK;
    }
    if (first === 'help') {
      const topic = rest[0];
      const cmd = topic === undefined ? undefined : COMMANDS[topic];
      if (topic !== undefined && cmd === undefined) throw new UsageError(unknownCommand(topic));
      io.stdout.write(cmd === undefined ? MAIN_HELP : await cmd.help());
      return EXIT_OK;
    }
    const command = COMMANDS[first];
    if (command === undefined) throw new UsageError(unknownCommand(first));
    return await command.run(rest, io);
  } catch (err) {
    const described = describeError(err);
    if (described === undefined) throw err;
    // A message may quote outside text (a Prometheus error, a config value): shown safely.
    io.stderr.write(`toolscope: ${terminalText(described.message)}\n`);
    if (described.command !== null) {
      io.stderr.write(
        described.command === undefined
          ? "Run 'toolscope --help' for usage.\n"
          : `Run 'toolscope ${described.command} --help' for usage.\n`,
      );
    }
    return described.exitCode;
  }
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length]!;
}

function unknownCommand(name: string): string {
  const known = Object.keys(COMMANDS);
  const near = known.find((k) => distance(k, name) <= 2);
  return `unknown command ${JSON.stringify(name)}${near ? ` (did you mean '${near}'?)` : ''}; commands: ${known.join(', ')}`;
}
