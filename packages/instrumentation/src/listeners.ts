import { logger } from './diag.ts';
import type { InvocationListener, InvocationRecord } from './types.ts';

let listeners: readonly InvocationListener[] = [];

/**
 * Registers a listener for every finished tool invocation and workflow run (wrapped or
 * tracked manually). Returns the function that unsubscribes it. Listeners run synchronously
 * on the hot path: keep them O(1). A listener that throws is logged and ignored.
 */
export function subscribeInvocations(listener: InvocationListener): () => void {
  listeners = [...listeners, listener];
  return () => {
    listeners = listeners.filter((l) => l !== listener);
  };
}

/** Delivers a record to every listener; never throws. */
export function emitInvocation(record: InvocationRecord): void {
  const current = listeners;
  for (let i = 0; i < current.length; i++) {
    try {
      current[i]!(record);
    } catch (err) {
      logger.warn('invocation listener threw; ignored', err);
    }
  }
}

/** Whether anybody listens (lets the hot path skip building records). */
export function hasInvocationListeners(): boolean {
  return listeners.length > 0;
}
