/** `toolscope demo`: the travel-planner scenario on real local MCP servers, then its report. */
import { parseCommandArgs, parseFormat, parsePositiveInt, parseSeconds } from '../args.ts';
import { DEMO_HELP } from '../help.ts';
import { type CliIo, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK } from '../io.ts';
import { checkOutPath, emit } from '../output.ts';
import { finishTelemetry } from '../telemetry.ts';

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

  // Loaded only now: parsing and --help stay fast.
  const { runDemo } = await import('../demo/run-demo.ts');
  const { renderDemo } = await import('../demo/render.ts');
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
