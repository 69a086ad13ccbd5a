/**
 * Flush on exit: a short-lived process that ends on its own, or is stopped by SIGTERM or
 * SIGINT, still exports what it recorded. Node's own behaviour is kept:
 *
 * - natural exit (`beforeExit`, the event loop ran empty): toolscope flushes once, within the
 *   deadline, and the process then exits as it would have;
 * - SIGTERM / SIGINT: toolscope flushes within the deadline; if the application has no handler
 *   of its own for that signal, the process then ends the way Node ends it for that signal
 *   (the handler is removed and the signal raised again, so the exit status is the signal's);
 *   if the application handles the signal itself, toolscope only flushes and lets it decide.
 *
 * `process.exit()` called by the application cannot be waited for (Node runs no asynchronous
 * work after it): call `await toolscope.shutdown()` before it.
 */
import { diag } from '@opentelemetry/api';

const logger = diag.createComponentLogger({ namespace: '@toolscope/node' });

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Installs the hooks; returns the function that removes them. */
export function installExitFlush(flush: () => Promise<void>, deadlineMs: number): () => void {
  let flushing: Promise<void> | undefined;
  const bounded = (): Promise<void> => {
    flushing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        logger.warn(`flush on exit did not finish within ${deadlineMs} ms; exiting anyway`);
        resolve();
      }, deadlineMs);
      timer.unref();
      flush().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err) => {
          clearTimeout(timer);
          logger.warn('flush on exit failed', err);
          resolve();
        },
      );
    });
    return flushing;
  };

  // beforeExit fires again after the flush's own work ends: flush only the first time.
  let exited = false;
  const onBeforeExit = () => {
    if (exited) return;
    exited = true;
    void bounded();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // Whether the application handles this signal itself (besides toolscope).
    const others = process.listeners(signal).filter((l) => l !== handlers[signal]);
    void bounded().then(() => {
      if (others.length > 0) return;
      remove();
      // Node's default for the signal: the process ends with the signal's exit status.
      process.kill(process.pid, signal);
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
