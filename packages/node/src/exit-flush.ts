/**
 * Flush on exit: a short-lived process that ends on its own, or is stopped by SIGTERM or
 * SIGINT, still exports what it recorded. Node's own behaviour is kept:
 *
 * - natural exit (`beforeExit`, the event loop ran empty): toolscope flushes once and the
 *   process then exits as it would have. If the flush does not finish within the deadline
 *   (a collector that accepts and never answers), toolscope ends the process then, with the
 *   exit code it would have had (`process.exitCode`, else 0): the exporters' requests in
 *   flight would otherwise hold it until their own timeouts. What was still being sent is
 *   lost, and counted in a diag warning;
 * - SIGTERM / SIGINT: toolscope flushes within the deadline; if the application has no handler
 *   of its own for that signal, the process then ends the way Node ends it for that signal
 *   (the handler is removed and the signal raised again, so the exit status is the signal's);
 *   if the application handles the signal itself, toolscope only flushes and lets it decide.
 *   A second SIGTERM / SIGINT during that flush (clearly after the first: the same Ctrl-C
 *   delivered twice, by a launcher that forwards it, counts once) ends the process at once
 *   the same way, without waiting for the flush; what was still being sent is counted in a
 *   diag warning. An application with its own handler decides again.
 *
 * Not covered, because Node runs no asynchronous work after them: `process.exit()` called by
 * the application (call `await toolscope.shutdown()` before it), and a crash by an uncaught
 * exception or unhandled rejection: what was recorded since the last export (the batch in
 * the queue, the metrics since the last interval) is lost. An application that wants it
 * handles the error itself, awaits `toolscope.shutdown()`, then exits.
 */
import { diag } from '@opentelemetry/api';
import { REPEATED_SIGNAL_WINDOW_MS } from '@toolscope/instrumentation/internal';

const logger = diag.createComponentLogger({ namespace: '@toolscope/node' });

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** What the exporters were given and have not answered for yet. */
export interface InFlight {
  spans: number;
  metricExports: number;
}

const NOTHING_IN_FLIGHT = (): InFlight => ({ spans: 0, metricExports: 0 });

/**
 * Installs the hooks; returns the function that removes them. `inFlight` says what is lost
 * when the flush is cut short.
 */
export function installExitFlush(
  flush: () => Promise<void>,
  deadlineMs: number,
  inFlight: () => InFlight = NOTHING_IN_FLIGHT,
): () => void {
  /** Whether the flush finished (false: the deadline passed first). */
  let flushing: Promise<boolean> | undefined;
  const bounded = (): Promise<boolean> => {
    flushing ??= new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        logger.warn(
          `flush on exit did not finish within ${deadlineMs} ms; exiting without it (${lost()})`,
        );
        resolve(false);
      }, deadlineMs);
      timer.unref();
      flush().then(
        () => {
          clearTimeout(timer);
          resolve(true);
        },
        (err) => {
          clearTimeout(timer);
          logger.warn('flush on exit failed', err);
          resolve(true);
        },
      );
    });
    return flushing;
  };
  const lost = (): string => {
    const { spans, metricExports } = inFlight();
    return `lost: ${spans} spans and ${metricExports} metric exports still in flight`;
  };

  // beforeExit fires again after the flush's own work ends: flush only the first time.
  let exited = false;
  const onBeforeExit = () => {
    if (exited) return;
    exited = true;
    void bounded().then((finished) => {
      // Requests still in flight would keep the event loop alive until their own timeouts.
      if (!finished) process.exit(process.exitCode ?? 0);
    });
  };
  // Node's default for the signal: the process ends with the signal's exit status.
  const endBy = (signal: NodeJS.Signals) => {
    remove();
    process.kill(process.pid, signal);
  };
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // Whether the application handles this signal itself (besides toolscope).
    const others = process.listeners(signal).filter((l) => l !== handlers[signal]);
    const now = Date.now();
    if (firstSignalAt !== undefined) {
      // Again while flushing: quit at once, unless it is the first one delivered twice.
      if (now - firstSignalAt <= REPEATED_SIGNAL_WINDOW_MS || others.length > 0) return;
      logger.warn(`${signal} again: exiting without waiting for the flush on exit (${lost()})`);
      endBy(signal);
      return;
    }
    firstSignalAt = now;
    void bounded().then(() => {
      if (others.length === 0) endBy(signal);
    });
  };
  const handlers: Record<string, (signal: NodeJS.Signals) => void> = {};
  for (const signal of SIGNALS) {
    handlers[signal] = onSignal;
    process.on(signal, onSignal);
  }
  process.on('beforeExit', onBeforeExit);
  const remove = () => {
    for (const signal of SIGNALS) process.removeListener(signal, handlers[signal]!);
    process.removeListener('beforeExit', onBeforeExit);
  };
  return remove;
}
