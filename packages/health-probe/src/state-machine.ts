import type { HealthState } from '@toolscope/instrumentation';

/** The state machine's memory of one check. */
export interface MachineState {
  readonly state: HealthState;
  /** Why the state is DEGRADED: a slow pass (`latency`) or failures below the threshold. */
  readonly degradedBy: 'latency' | 'failing' | undefined;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
}

export const INITIAL_STATE: MachineState = {
  state: 'unknown',
  degradedBy: undefined,
  consecutiveFailures: 0,
  consecutiveSuccesses: 0,
};

/** Thresholds the machine needs. */
export interface MachineThresholds {
  readonly failureThreshold: number;
  readonly recoveryThreshold: number;
  readonly degradedThresholdMs: number | undefined;
}

/**
 * The next state after one result.
 * - UNKNOWN until the first result.
 * - A pass: HEALTHY, or DEGRADED when slower than `degradedThresholdMs`. From UNHEALTHY it
 *   takes `recoveryThreshold` consecutive passes to leave (the state stays UNHEALTHY meanwhile).
 * - A failure: UNHEALTHY once `failureThreshold` consecutive failures are reached; below the
 *   threshold the check is DEGRADED (failing, not yet UNHEALTHY), and an UNHEALTHY check stays
 *   UNHEALTHY.
 *
 * @example with failureThreshold 3 and recoveryThreshold 2, the results
 * pass, fail, fail, fail, pass, pass give healthy, degraded, degraded, unhealthy, unhealthy, healthy.
 */
export function nextState(
  prev: MachineState,
  result: { ok: boolean; latencyMs: number },
  t: MachineThresholds,
): MachineState {
  if (result.ok) {
    const consecutiveSuccesses = prev.consecutiveSuccesses + 1;
    const slow = t.degradedThresholdMs !== undefined && result.latencyMs > t.degradedThresholdMs;
    if (prev.state === 'unhealthy' && consecutiveSuccesses < t.recoveryThreshold) {
      return {
        state: 'unhealthy',
        degradedBy: undefined,
        consecutiveFailures: 0,
        consecutiveSuccesses,
      };
    }
    return {
      state: slow ? 'degraded' : 'healthy',
      degradedBy: slow ? 'latency' : undefined,
      consecutiveFailures: 0,
      consecutiveSuccesses,
    };
  }
  const consecutiveFailures = prev.consecutiveFailures + 1;
  if (consecutiveFailures >= t.failureThreshold || prev.state === 'unhealthy') {
    return {
      state: 'unhealthy',
      degradedBy: undefined,
      consecutiveFailures,
      consecutiveSuccesses: 0,
    };
  }
  return { state: 'degraded', degradedBy: 'failing', consecutiveFailures, consecutiveSuccesses: 0 };
}
