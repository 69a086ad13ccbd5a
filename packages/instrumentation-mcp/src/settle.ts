import { logger } from './diag.ts';

function failedObserver(err: unknown): void {
  logger.error('recording an MCP response failed; ignored', err);
}

/**
 * Calls `onResult` or `onError` when `pending` settles and returns a promise of the same value
 * or error (or `pending` itself when it is not a promise). Observers never break the call: a
 * throw in them is logged.
 */
export function observe(
  pending: unknown,
  onResult: (result: unknown) => void,
  onError: (err: unknown) => void,
): unknown {
  if (!(pending instanceof Promise)) {
    try {
      onResult(pending);
    } catch (err) {
      failedObserver(err);
    }
    return pending;
  }
  return pending.then(
    (result: unknown) => {
      try {
        onResult(result);
      } catch (err) {
        failedObserver(err);
      }
      return result;
    },
    (err: unknown) => {
      try {
        onError(err);
      } catch (e) {
        failedObserver(e);
      }
      throw err;
    },
  );
}
