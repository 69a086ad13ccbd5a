/**
 * Ending a command's telemetry without letting an unreachable collector hold the command up:
 * every flush and shutdown gets a deadline, and what was exported or lost is said on stderr.
 */
import { envServiceName } from '@toolscope/instrumentation/internal';
import type { Toolscope, ToolscopeStats } from '@toolscope/node';
import type { OutputStream } from './types.ts';

/**
 * How long a flush plus shutdown of the telemetry may take at the end of a command (and of a
 * demo server process). OTLP exporters retry an unreachable endpoint for up to their export
 * timeout (10 s by default); past this deadline the command goes on and the rest is lost.
 */
export const TELEMETRY_DEADLINE_MS = 3_000;

/** The demo's service name when OTEL_SERVICE_NAME does not give one. */
export const DEFAULT_DEMO_SERVICE = 'toolscope-demo';

/**
 * The service name of the demo's orchestrator (`server` undefined) or of one of its server
 * processes (`<name>-<server id>`): OTEL_SERVICE_NAME when set, else `toolscope-demo`.
 *
 * @example demoServiceName({ OTEL_SERVICE_NAME: 'agent' }, 'reasoning') === 'agent-reasoning'
 */
export function demoServiceName(
  env: Readonly<Record<string, string | undefined>>,
  server?: string,
): string {
  const base = envServiceName(env) ?? DEFAULT_DEMO_SERVICE;
  return server === undefined ? base : `${base}-${server}`;
}

/** Resolves true when `work` settles within `ms`, false when the deadline passes first. */
export function withinDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    work.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/** One line about what the OTLP export delivered and lost. */
export function describeExport(
  endpoint: string,
  stats: ToolscopeStats,
  finished: boolean,
  deadlineMs: number,
): string {
  const parts = [
    `telemetry to ${endpoint}: ${stats.spansExported} spans exported, ${stats.spansFailed} failed, ${stats.spansDropped} dropped`,
    `${stats.metricExports} metric exports, ${stats.metricExportsFailed} failed`,
  ];
  let line = parts.join('; ');
  if (!finished) {
    line += `; the final export did not finish within ${deadlineMs / 1000}s and was abandoned`;
  }
  if (!finished || stats.spansFailed > 0 || stats.metricExportsFailed > 0) {
    line += ` (is a collector listening at ${endpoint}?)`;
  }
  return `${line}\n`;
}

/**
 * Flushes and shuts down `toolscope` within `deadlineMs` in all. When it exports, writes to
 * `out` how many spans were exported, failed and dropped, and how many metric exports
 * succeeded and failed, so export failures are never silent. Never rejects.
 */
export async function finishTelemetry(
  toolscope: Pick<Toolscope, 'exporting' | 'endpoint' | 'forceFlush' | 'stats' | 'shutdown'>,
  out: OutputStream,
  deadlineMs: number = TELEMETRY_DEADLINE_MS,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  if (toolscope.exporting) {
    const flushed = await withinDeadline(toolscope.forceFlush(), deadlineMs);
    // Read before shutdown: the drop counter is only readable while the SDK runs. Local only.
    const stats = await toolscope.stats();
    out.write(describeExport(toolscope.endpoint, stats, flushed, deadlineMs));
  }
  await withinDeadline(toolscope.shutdown(), deadline - Date.now());
}
