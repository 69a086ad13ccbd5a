import { diag } from '@opentelemetry/api';

/** The component logger every toolscope instrumentation file logs through. */
export const logger = diag.createComponentLogger({ namespace: '@toolscope/instrumentation' });

/**
 * Runs a user-supplied hook so that it can never break the host call: a throw is logged
 * through the diag logger and `fallback` is returned instead.
 */
export function safeExecute<T>(what: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    logger.warn(`${what} threw; ignored`, err);
    return fallback;
  }
}
