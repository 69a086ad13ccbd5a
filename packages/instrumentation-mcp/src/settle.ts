import { logger } from './diag.ts';

/**
 * Calls `onResult` or `onError` when `pending` settles and returns a promise of the same value
 * or error. Observers never break the call: a throw in them is logged.
 */
export function observe(
  pending: unknown,
  onResult: (result: unknown) => void,
  onError: (err: unknown) => void,
): unknown {
  if (!(pending instanceof Promise)) {
    safely(() => onResult(pending));
    return pending;
  }
  return pending.then(
    (result: unknown) => {
      safely(() => onResult(result));
      return result;
    },
    (err: unknown) => {
      safely(() => onError(err));
      throw err;
    },
  );
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    logger.error('recording an MCP response failed; ignored', err);
  }
}
