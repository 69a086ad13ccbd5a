import { metrics } from '@opentelemetry/api';
import { AlertCenter, type HealthState, ToolscopeConfigError } from '@toolscope/instrumentation';
import {
  envServiceName,
  LIMITS,
  SCOPE_NAMES,
  terminalText,
} from '@toolscope/instrumentation/internal';
import { loadProbeConfig, type ProbeConfig, singleRunCheck } from './config.ts';
import { ProbeConfigError } from './errors.ts';
import { HealthMonitor } from './monitor.ts';
import {
  ALL_CHECKS,
  checksOfShard,
  parseShard,
  reportShard,
  type Shard,
  shardLabel,
} from './shard.ts';
import type { CheckResult, CheckStatus } from './types.ts';
import { createAlertWebhook } from './webhook.ts';

/** The probe's service name when OTEL_SERVICE_NAME does not give one. */
const PROBE_SERVICE_NAME = 'toolscope-probe';

/** Where the command writes. */
export interface ProbeCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** The part of `@toolscope/node`'s handle the command uses. */
interface ToolscopeHandle {
  shutdown(): Promise<void>;
}

/** Optional collaborators (the CLI and tests pass them; defaults are the real ones). */
export interface ProbeCommandDeps {
  /** `startToolscope` of `@toolscope/node`. @default imported dynamically from `@toolscope/node` */
  startToolscope?: (options?: {
    serviceName?: string;
    resourceAttributes?: Record<string, string>;
  }) => ToolscopeHandle | Promise<ToolscopeHandle>;
  /** Ends continuous mode when aborted. @default SIGINT or SIGTERM */
  signal?: AbortSignal;
}

export const PROBE_USAGE = `Usage: toolscope probe --config <file> [--shard i/n] [--once] [--format text|json]

Runs the health checks of a YAML or JSON config file.

Options:
  --config <file>        checks to run (YAML or JSON): required
  --shard i/n            run only shard i of n (1 <= i <= n): n instances with the same file
                           split the checks, each run by one of them (a stable hash of the
                           check id); each instance reports toolscope.probe.* gauges so a
                           stopped shard raises ProbeShardAbsent
  --once                 run every check once, print the results and exit:
                           0 no check UNHEALTHY, 1 some check UNHEALTHY, 2 bad config
                         (a single failing run counts as UNHEALTHY)
  --format text|json     output format (default: text); json prints
                           { "checks": [ { "id", "status", "latencyMs", "error" } ] }
  -h, --help             show this help

Without --once the checks run continuously until SIGINT or SIGTERM and their spans and
metrics are exported through @toolscope/node (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME
(default toolscope-probe), …).
Stopping takes at most ${LIMITS.probeStopDeadlineMs / 1000} s and exits ${LIMITS.probeStopExitCode}; alert events the webhook could not
deliver by then are counted in one line on stderr.
`;

/** What a usage error ends with: a pointer to the help, not the whole help. */
const PROBE_HELP_HINT = "Run 'toolscope probe --help' for usage.\n";

/**
 * Prints a usage error as the CLI prints every one (`toolscope: <message>` and a pointer to
 * the command's help) and returns its exit code, 2.
 */
function usageError(io: ProbeCommandIo, message: string): number {
  io.stderr(`toolscope: ${terminalText(message)}\n${PROBE_HELP_HINT}`);
  return 2;
}

interface Args {
  config: string;
  once: boolean;
  format: 'text' | 'json';
  shard: Shard | undefined;
}

/**
 * `toolscope probe --config <file> [--once] [--format text|json]`. Returns the exit code:
 * 0 (no check UNHEALTHY, or continuous mode stopped cleanly), 1 (a check UNHEALTHY under
 * `--once`), 2 (bad arguments or config: nothing is started).
 */
export async function runProbeCommand(
  argv: string[],
  io: ProbeCommandIo,
  deps: ProbeCommandDeps = {},
): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof ToolscopeConfigError)) throw err;
    return usageError(io, err.message);
  }
  if (args === 'help') {
    io.stdout(PROBE_USAGE);
    return 0;
  }
  let config: ProbeConfig;
  let monitor: HealthMonitor;
  const once = args.once;
  const alertCenter = once ? new AlertCenter() : undefined;
  try {
    config = await loadProbeConfig(args.config);
    const checks =
      args.shard === undefined ? config.checks : checksOfShard(config.checks, args.shard);
    if (args.shard !== undefined && checks.length === 0) {
      io.stderr(
        `toolscope probe: shard ${shardLabel(args.shard)} owns none of the ${config.checks.length} checks of ${args.config}; it only reports that it is alive\n`,
      );
    }
    config = { ...config, checks };
    monitor = new HealthMonitor({
      // A single failing round counts as UNHEALTHY under --once.
      checks: once ? checks.map(singleRunCheck) : checks,
      maintenance: config.maintenance,
      ...(config.concurrency !== undefined ? { concurrency: config.concurrency } : {}),
      ...(alertCenter !== undefined ? { alertCenter } : {}),
      publishToolHealth: !once,
    });
  } catch (err) {
    if (err instanceof ProbeConfigError) {
      // A file that cannot be read is a mistake in --config; one that can, a mistake in it.
      if (err.file !== undefined && err.cause !== undefined) {
        return usageError(
          io,
          ToolscopeConfigError.format(
            '--config',
            `${JSON.stringify(args.config)} ${err.problem}`,
            err.fix,
          ),
        );
      }
      const where = err.file === undefined ? `${args.config}: ` : '';
      io.stderr(`${terminalText(`toolscope probe: invalid config ${where}${err.message}`)}\n`);
      return 2;
    }
    throw err;
  }
  if (once) {
    try {
      const results = await monitor.runOnce();
      const rows = results.map((r) => row(r, monitor.status(r.id)!));
      if (args.format === 'json') io.stdout(`${JSON.stringify({ checks: rows }, null, 2)}\n`);
      else io.stdout(textTable(rows));
      return rows.some((r) => r.status === 'unhealthy') ? 1 : 0;
    } finally {
      await monitor.close();
      alertCenter?.dispose();
    }
  }
  return runContinuously(monitor, config, args, io, deps);
}

async function runContinuously(
  monitor: HealthMonitor,
  config: ProbeConfig,
  args: Args,
  io: ProbeCommandIo,
  deps: ProbeCommandDeps,
): Promise<number> {
  const start = deps.startToolscope ?? (await importStartToolscope(io));
  if (start === undefined) {
    await monitor.close();
    return 2;
  }
  const shard = args.shard ?? ALL_CHECKS;
  // Each shard is its own instance (its series stay apart, and keep their identity across
  // restarts), unless OTEL_RESOURCE_ATTRIBUTES names the instance.
  const named = /(^|,)\s*service\.instance\.id\s*=/.test(
    process.env.OTEL_RESOURCE_ATTRIBUTES ?? '',
  );
  let toolscope: Awaited<ReturnType<typeof start>>;
  try {
    toolscope = await start({
      // OTEL_SERVICE_NAME when set (validated by startToolscope, which names it), else ours.
      ...(envServiceName(process.env) === undefined ? { serviceName: PROBE_SERVICE_NAME } : {}),
      ...(args.shard !== undefined && !named
        ? {
            resourceAttributes: {
              'service.instance.id': `toolscope-probe-${shard.index}-of-${shard.count}`,
            },
          }
        : {}),
    });
  } catch (err) {
    // A bad OTEL_* variable: nothing was started but the monitor, which is released.
    await monitor.close();
    throw err;
  }
  let lastCheckMs: number | undefined;
  const offDone = monitor.onResult((result) => {
    lastCheckMs = Math.max(lastCheckMs ?? 0, result.timestampMs);
  });
  const stopReporting = reportShard(
    metrics.getMeter(SCOPE_NAMES.healthProbe),
    shard,
    config.checks,
    () => lastCheckMs,
  );
  // Validated with the file: creating it cannot fail.
  const webhook = config.webhook === undefined ? undefined : createAlertWebhook(config.webhook);
  let unsubscribe: (() => void) | undefined;
  if (webhook !== undefined) {
    const { getAlertCenter } = await import('@toolscope/instrumentation');
    unsubscribe = getAlertCenter().subscribe(webhook);
  }
  const last = new Map<string, HealthState>();
  const off = monitor.onResult((result, status) => {
    if (last.get(result.id) === status.status) return;
    last.set(result.id, status.status);
    const r = row(result, status);
    io.stdout(
      args.format === 'json'
        ? `${JSON.stringify({ ...r, at: new Date(result.timestampMs).toISOString() })}\n`
        : `${terminalText(`${new Date(result.timestampMs).toISOString()} ${r.id} ${r.status}${r.error ? ` (${r.error})` : ''}`)}\n`,
    );
  });
  monitor.start();
  if (args.format === 'text') {
    const of = args.shard === undefined ? '' : ` (shard ${shardLabel(args.shard)})`;
    io.stdout(
      `toolscope probe: running ${monitor.statuses().length} checks${of}; Ctrl-C to stop\n`,
    );
  }
  await waitForStop(deps.signal);
  // Everything below shares one deadline (LIMITS.probeStopDeadlineMs): a check that hangs, a
  // collector that does not answer or a webhook that holds every request cannot keep the
  // process from stopping. Stdio servers of runs still in flight are killed on exit.
  const stopBy = performance.now() + LIMITS.probeStopDeadlineMs;
  const left = () => Math.max(0, stopBy - performance.now());
  off();
  offDone();
  await withDeadline(monitor.stop(), left());
  // Shut the SDK down while the monitor still reports, so the final export has the gauges
  // (one export, not two; close() below then flushes nothing: the SDK is unregistered).
  // Bounded: an unreachable collector must not hold the stop up (exporters retry for 10 s).
  await withDeadline(toolscope.shutdown(), Math.min(SHUTDOWN_DEADLINE_MS, left()));
  stopReporting();
  await withDeadline(monitor.close(), left());
  unsubscribe?.();
  if (webhook !== undefined) {
    await webhook.close({ deadlineMs: Math.min(LIMITS.webhookCloseDeadlineMs, left()) });
    const lost = undeliveredAlerts(webhook.stats());
    if (lost !== undefined) io.stderr(`toolscope probe: ${lost}\n`);
  }
  return LIMITS.probeStopExitCode;
}

/** How long stopping may wait for the SDK's final export. */
const SHUTDOWN_DEADLINE_MS = 5_000;

/**
 * What the webhook lost, in one line, or undefined when it lost nothing.
 * @example undeliveredAlerts({ failed: 1, dropped: 0, undelivered: 2 })
 *   === '3 alert events not delivered to the webhook (1 failed after retries, 2 still queued at shutdown)'
 */
function undeliveredAlerts(s: { failed: number; dropped: number; undelivered: number }) {
  const lost = s.failed + s.dropped + s.undelivered;
  if (lost === 0) return undefined;
  const parts = [
    s.failed > 0 ? `${s.failed} failed after retries` : '',
    s.dropped > 0 ? `${s.dropped} dropped` : '',
    s.undelivered > 0 ? `${s.undelivered} still queued at shutdown` : '',
  ].filter((p) => p !== '');
  return `${lost} alert event${lost === 1 ? '' : 's'} not delivered to the webhook (${parts.join(', ')})`;
}

/**
 * Waits for `work` at most `ms`; never rejects. The timer is ref'd on purpose: the command
 * owns the process, and must not let it end with the stop half done.
 */
function withDeadline(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}

async function importStartToolscope(
  io: ProbeCommandIo,
): Promise<ProbeCommandDeps['startToolscope']> {
  // A variable specifier: the library does not depend on @toolscope/node at build time.
  const specifier = '@toolscope/node';
  try {
    const mod = (await import(specifier)) as {
      startToolscope?: ProbeCommandDeps['startToolscope'];
    };
    if (typeof mod.startToolscope === 'function') return mod.startToolscope;
    io.stderr('toolscope probe: @toolscope/node does not export startToolscope\n');
  } catch {
    io.stderr(
      'toolscope probe: continuous mode exports through @toolscope/node; install it (or use --once)\n',
    );
  }
  return undefined;
}

/**
 * Resolves when `signal` aborts (or, without one, on SIGINT or SIGTERM). Holds the process
 * open meanwhile: the checks' timers are unref'd (a library must never keep an application
 * alive), so in the command nothing else would, and Node would exit after the first round.
 */
function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => {}, 2 ** 30);
    const done = () => {
      clearInterval(keepAlive);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    if (signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
    if (signal === undefined) {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    }
  });
}

interface Row {
  id: string;
  status: HealthState;
  latencyMs: number;
  error: string | null;
}

function row(result: CheckResult, status: CheckStatus): Row {
  return {
    id: result.id,
    status: status.status,
    latencyMs: Math.round(result.latencyMs * 10) / 10,
    error: result.ok ? null : `${result.errorType ?? 'error'}: ${result.error ?? ''}`.trim(),
  };
}

function textTable(rows: readonly Row[]): string {
  const header = ['CHECK', 'STATUS', 'LATENCY', 'ERROR'];
  // Check ids and error text come from config files and probed servers: shown safely.
  const cells = rows.map((r) =>
    [r.id, r.status.toUpperCase(), `${r.latencyMs.toFixed(1)} ms`, r.error ?? ''].map(terminalText),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...cells.map(line)].join('\n')}\n`;
}

/** The options of `toolscope probe`, with an example value for those that take one. */
const OPTIONS: Readonly<Record<string, string | null>> = {
  '--config': 'checks.yaml',
  '--shard': '2/3',
  '--once': null,
  '--format': 'json',
  '--help': null,
};
const FORMATS = ['text', 'json'] as const;

/**
 * A mistake in the arguments: a `ToolscopeConfigError` naming the flag, with the message shape
 * of every CLI usage error (`--format: unknown format "xml"; use one of text, json`).
 */
function usage(flag: string, problem: string, fix?: string): ToolscopeConfigError {
  return new ToolscopeConfigError(flag, problem, fix === undefined ? undefined : { fix });
}

/** `--config` for `-c` or `--conf`: the option `arg` was probably meant to be. */
function nearestOption(arg: string): string | undefined {
  const bare = arg.replace(/^-+/, '').split('=')[0]!.toLowerCase();
  if (bare === '') return undefined;
  return Object.keys(OPTIONS).find((o) => o.slice(2).startsWith(bare));
}

/** Parses the arguments; throws a `ToolscopeConfigError` naming the flag at the first mistake. */
function parseArgs(argv: readonly string[]): Args | 'help' {
  let config: string | undefined;
  let once = false;
  let format: 'text' | 'json' = 'text';
  let shard: Shard | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) {
        throw usage(flag, 'needs a value', `for example ${flag} ${OPTIONS[flag]}`);
      }
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--config':
        config = value();
        break;
      case '--once':
        once = true;
        break;
      case '--shard':
        shard = parseShard(value());
        break;
      case '--format': {
        const f = value();
        if (!(FORMATS as readonly string[]).includes(f)) {
          throw usage(
            '--format',
            `unknown format ${JSON.stringify(f)}`,
            `use one of ${FORMATS.join(', ')}`,
          );
        }
        format = f as (typeof FORMATS)[number];
        break;
      }
      default: {
        if (!arg.startsWith('-')) {
          throw usage(
            JSON.stringify(arg),
            'unexpected argument',
            `give the config file with --config ${JSON.stringify(arg)}`,
          );
        }
        const near = nearestOption(arg);
        throw usage(
          flag,
          'unknown option',
          `${near === undefined ? '' : `did you mean ${near}? `}options: ${Object.keys(OPTIONS).join(', ')}`,
        );
      }
    }
  }
  if (config === undefined) {
    throw usage(
      '--config',
      'is required',
      `give the probe config file (YAML or JSON), for example --config ${OPTIONS['--config']}`,
    );
  }
  return { config, once, format, shard };
}
