import type { HealthState } from '@toolscope/instrumentation';
import type { CheckTrend } from './types.ts';

/** One remembered run. */
export interface HistoryEntry {
  readonly timestampMs: number;
  readonly ok: boolean;
  readonly latencyMs: number;
}

/** A fixed-size ring buffer of runs. */
export class History {
  private readonly entries: HistoryEntry[] = [];
  private next = 0;
  private readonly capacity: number;
  constructor(capacity: number) {
    this.capacity = capacity;
  }
  push(entry: HistoryEntry): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }
  /** Runs at or after `sinceMs`, oldest first. */
  since(sinceMs: number): HistoryEntry[] {
    const ordered =
      this.entries.length < this.capacity
        ? this.entries
        : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    return ordered.filter((e) => e.timestampMs >= sinceMs);
  }
}

/** Passing runs over all runs, or undefined without runs. @example 3 passes of 4 runs gives 0.75 */
export function availability(runs: readonly HistoryEntry[]): number | undefined {
  if (runs.length === 0) return undefined;
  return runs.filter((r) => r.ok).length / runs.length;
}

const STATE_WEIGHT: Partial<Record<HealthState, number>> = {
  healthy: 1,
  degraded: 0.5,
  unhealthy: 0,
};

/**
 * A check's score 0..100: `100 × (0.5 × w + 0.5 × a)`, `w` the state weight (healthy 1,
 * degraded 0.5, unhealthy 0), `a` the availability (`w` without runs). UNKNOWN and MAINTENANCE
 * are not scored (undefined).
 *
 * @example degraded with availability 0.9 gives 100 × (0.25 + 0.45) = 70
 */
export function checkScore(status: HealthState, avail: number | undefined): number | undefined {
  const w = STATE_WEIGHT[status];
  if (w === undefined) return undefined;
  return Math.round(100 * (0.5 * w + 0.5 * (avail ?? w)) * 10) / 10;
}

/**
 * The trend of a check over a window of runs (oldest first).
 * - Failure rates of the older and newer halves (split at the window's mid time); the signal is
 *   `failures_rising` when the newer rate is higher.
 * - Latency slope: least squares over passing runs, ms per minute. The signal is
 *   `latency_rising` when the fitted latency at the end is >= 1.2 × the fitted start and,
 *   with a degraded threshold, the line would reach it within one more window.
 *
 * @example latencies 100, 120, 140, 160 ms one minute apart give a slope of 20 ms/min, fitted
 * 100 → 160 (+60%): `latency_rising` (with no threshold, or a threshold <= 220 ms).
 */
export function trend(
  runs: readonly HistoryEntry[],
  windowStartMs: number,
  windowEndMs: number,
  degradedThresholdMs: number | undefined,
): CheckTrend {
  if (runs.length < 4) {
    return {
      signal: 'insufficient_data',
      latencySlopeMsPerMin: undefined,
      previousFailureRate: undefined,
      recentFailureRate: undefined,
    };
  }
  const mid =
    runs[0]!.timestampMs + (runs[runs.length - 1]!.timestampMs - runs[0]!.timestampMs) / 2;
  const older = runs.filter((r) => r.timestampMs <= mid);
  const newer = runs.filter((r) => r.timestampMs > mid);
  const rate = (rs: readonly HistoryEntry[]) =>
    rs.length === 0 ? undefined : rs.filter((r) => !r.ok).length / rs.length;
  const previousFailureRate = rate(older);
  const recentFailureRate = rate(newer);

  const passing = runs.filter((r) => r.ok);
  let slope: number | undefined;
  let latencyRising = false;
  if (passing.length >= 3) {
    const t0 = passing[0]!.timestampMs;
    const xs = passing.map((r) => (r.timestampMs - t0) / 60_000);
    const ys = passing.map((r) => r.latencyMs);
    const n = xs.length;
    const mx = xs.reduce((a, b) => a + b, 0) / n;
    const my = ys.reduce((a, b) => a + b, 0) / n;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < n; i++) {
      sxy += (xs[i]! - mx) * (ys[i]! - my);
      sxx += (xs[i]! - mx) ** 2;
    }
    if (sxx > 0) {
      slope = sxy / sxx;
      const start = my - slope * mx;
      const end = my + slope * (xs[n - 1]! - mx);
      const windowMin = Math.max((windowEndMs - windowStartMs) / 60_000, xs[n - 1]!);
      const projected = end + slope * windowMin;
      latencyRising =
        slope > 0 &&
        end >= 1.2 * Math.max(start, 1e-9) &&
        (degradedThresholdMs === undefined || projected >= degradedThresholdMs);
    }
  }
  const failuresRising =
    previousFailureRate !== undefined &&
    recentFailureRate !== undefined &&
    recentFailureRate > previousFailureRate;
  return {
    signal: failuresRising ? 'failures_rising' : latencyRising ? 'latency_rising' : 'stable',
    latencySlopeMsPerMin: slope,
    previousFailureRate,
    recentFailureRate,
  };
}

const SEVERITY_ORDER: HealthState[] = ['unhealthy', 'degraded', 'unknown', 'healthy'];

/** The overall status: the worst non-maintenance status; `maintenance` if all are. */
export function overallStatus(statuses: readonly HealthState[]): HealthState {
  if (statuses.length === 0) return 'unknown';
  for (const s of SEVERITY_ORDER) if (statuses.includes(s)) return s;
  return 'maintenance';
}
