/**
 * `toolscope demo`: the travel-planner scenario on real local MCP servers, then its report.
 * The scenario is the example package `@toolscope/example-travel-planner` (with its MCP
 * servers and their dependencies), loaded only when the command runs; a CLI installed without
 * it says how to get it.
 */
import { ToolscopeError } from '@toolscope/instrumentation';
import { parseCommandArgs, parseFormat, parsePositiveInt, parseSeconds } from '../args.ts';
import { DEMO_HELP } from '../help.ts';
import { type CliIo, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK } from '../io.ts';
import { checkOutPath, emit } from '../output.ts';

/** The example package the demo is. */
export const DEMO_PACKAGE = '@toolscope/example-travel-planner';

type DemoModule = typeof import('@toolscope/example-travel-planner');

/** The demo is not installed (a published CLI ships without it): exit code 2, one line. */
export class DemoNotInstalledError extends ToolscopeError {
  override readonly name: string = 'DemoNotInstalledError';
  constructor(options?: { cause?: unknown }) {
    super(
      `the demo is not installed: it is the example package ${DEMO_PACKAGE} (examples/travel-planner in the toolscope repository), which the published CLI leaves out; clone the repository, run npm install, then npm start`,
      options,
    );
  }
}

/**
 * Loads the demo. Only the example package itself missing means "not installed"; a module
 * missing inside it (a broken install) stays the error it is.
 */
export async function loadDemo(
  load: () => Promise<DemoModule> = () => import('@toolscope/example-travel-planner'),
): Promise<DemoModule> {
  try {
    return await load();
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    if (
      e?.code === 'ERR_MODULE_NOT_FOUND' &&
      typeof e.message === 'string' &&
      e.message.includes(`'${DEMO_PACKAGE}'`)
    ) {
      throw new DemoNotInstalledError({ cause: err });
    }
    throw err;
  }
}

export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('demo', argv, {
    duration: { type: 'string' },
    format: { type: 'string', short: 'f' },
    out: { type: 'string', short: 'o' },
    seed: { type: 'string' },
    concurrency: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(DEMO_HELP);
    return EXIT_OK;
  }
  const durationS =
    values.duration === undefined
      ? 15
      : parseSeconds('demo', '--duration', values.duration, 1, 600);
  const format = parseFormat('demo', values.format);
  const outPath = checkOutPath('demo', io, values.out);
  const seed =
    values.seed === undefined ? 42 : parsePositiveInt('demo', '--seed', values.seed, 2 ** 31);
  const concurrency =
    values.concurrency === undefined
      ? 6
      : parsePositiveInt('demo', '--concurrency', values.concurrency, 64);

  // Loaded only now: parsing and --help stay fast, and need no demo installed.
  const { finishTelemetry, renderDemo, runDemo } = await loadDemo();
  const tty = io.stderr.isTTY === true && format !== 'json';
  const run = await runDemo({
    durationMs: Math.round(durationS * 1000),
    seed,
    concurrency,
    progress: io.stderr,
    progressMode: tty ? 'live' : 'lines',
    env: io.env,
    signal: io.signal,
    banner: true,
  });
  try {
    if (run.interrupted) {
      io.stderr.write('interrupted: servers stopped, no report\n');
      return EXIT_INTERRUPTED;
    }
    const { text, unhealthy } = await renderDemo(run, format);
    emit(io, text, outPath, `${format} report`);
    return unhealthy ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    // Bounded: an unreachable collector must not hold the command up; losses are reported.
    await finishTelemetry(run.toolscope, io.stderr);
  }
}
