import { logger } from './diag.ts';

/** What is told when a call settles: an object, so the hot paths allocate no closures for it. */
export interface Settlement {
  /** The call returned, or its promise resolved, with `result`. */
  settled(result: unknown): void;
  /** The call's promise rejected with `err`. */
  failed(err: unknown): void;
}

function failedObserver(err: unknown): void {
  logger.error('recording an MCP response failed; ignored', err);
}

function settledOk(settlement: Settlement, result: unknown): void {
  try {
    settlement.settled(result);
  } catch (err) {
    failedObserver(err);
  }
}

/**
 * Tells `settlement` when `pending` settles, and returns `pending` itself: the caller gets the
 * very promise (or value) the SDK made, with no extra promise or turn of the microtask queue.
 * The observer is attached before the caller can attach its own, so it runs first (a span ends
 * before the caller sees the result). It never breaks the call: a throw in it is logged, and
 * the observing branch never rejects.
 */
export function observe(pending: unknown, settlement: Settlement): unknown {
  if (!(pending instanceof Promise)) {
    settledOk(settlement, pending);
    return pending;
  }
  pending.then(
    (result: unknown) => settledOk(settlement, result),
    (err: unknown) => {
      try {
        settlement.failed(err);
      } catch (e) {
        failedObserver(e);
      }
    },
  );
  return pending;
}
