import type { AlertSeverity } from '@toolscope/instrumentation';
import type { ObjectiveCheck, ObjectiveKind, SeverityPolicy } from './types.ts';

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

/** Where a value stands against its bound, and the severity it deserves when breached. */
export interface Judgement {
  readonly status: ObjectiveCheck['status'];
  /** Set when `status` is `breached`. */
  readonly severity: AlertSeverity | undefined;
}

/**
 * Judges one measured value. For the upper bounds (latency, retry and fallback rates):
 *
 * - breached when value > bound: WARNING, or ERROR when value >= errorFactor × bound;
 * - `ok` (clear) when value <= bound × (1 − hysteresis); `holding` in between.
 *
 * For the success rate the same rules apply to the error rate e = 1 − success against the
 * budget 1 − minSuccessRate, and a success rate below both `minSuccessRate` and
 * `criticalSuccessRate` is CRITICAL.
 *
 * Worked example, p95 <= 800 ms, errorFactor 1.5, hysteresis 0.1: 790 ms is `holding`
 * (an open alert stays open, none opens), 810 ms is a WARNING breach, 1200 ms an ERROR
 * breach, and only 720 ms or less is `ok`. minSuccessRate 0.99 (budget 1%), floor 0.5:
 * 98.9% success is WARNING, 98.5% (error rate 1.5%) ERROR, 49% CRITICAL; 99.1% (error rate
 * 0.9%) is `ok`, 99.05% is `holding`.
 */
export function judge(
  kind: ObjectiveKind,
  value: number,
  bound: number,
  criticalSuccessRate: number,
  policy: SeverityPolicy,
): Judgement {
  if (kind === 'error_rate_threshold') {
    const errorRate = 1 - value;
    const budget = 1 - bound;
    if (value < bound) {
      const severity: AlertSeverity =
        value < Math.min(criticalSuccessRate, bound)
          ? 'critical'
          : errorRate >= policy.errorFactor * budget
            ? 'error'
            : 'warning';
      return { status: 'breached', severity };
    }
    return {
      status: errorRate <= budget * (1 - policy.hysteresis) + 1e-12 ? 'ok' : 'holding',
      severity: undefined,
    };
  }
  if (value > bound) {
    return {
      status: 'breached',
      severity: value >= policy.errorFactor * bound ? 'error' : 'warning',
    };
  }
  return {
    status: value <= bound * (1 - policy.hysteresis) ? 'ok' : 'holding',
    severity: undefined,
  };
}

/** The life of one open alert as the monitor tracks it. */
export interface AlertTrack {
  readonly severity: AlertSeverity;
  /** Evaluations since it opened, this one included. */
  readonly evaluations: number;
  /** Consecutive clear evaluations (status `ok` or `insufficient_data`). */
  readonly clearStreak: number;
}

export type AlertChange = 'fire' | 'escalate' | 'resolve' | undefined;

/**
 * Moves an alert one evaluation on. Closed: a breach opens it at the judged severity.
 * Open: `resolveAfterEvaluations` consecutive clear evaluations (`ok`, or too few calls to
 * judge) resolve it; otherwise it stays open and may only escalate: to the severity of the
 * current breach if higher, and to ERROR once open for `errorAfterEvaluations` evaluations.
 * It never de-escalates: a severity that could fall back would flap at the ERROR margin.
 */
export function step(
  track: AlertTrack | undefined,
  judgement: Judgement,
  policy: SeverityPolicy,
): { track: AlertTrack | undefined; change: AlertChange } {
  const clear = judgement.status === 'ok' || judgement.status === 'insufficient_data';
  if (track === undefined) {
    if (judgement.status !== 'breached' || judgement.severity === undefined) {
      return { track: undefined, change: undefined };
    }
    const severity =
      policy.errorAfterEvaluations <= 1 ? max(judgement.severity, 'error') : judgement.severity;
    return { track: { severity, evaluations: 1, clearStreak: 0 }, change: 'fire' };
  }
  if (clear) {
    const clearStreak = track.clearStreak + 1;
    if (clearStreak >= policy.resolveAfterEvaluations)
      return { track: undefined, change: 'resolve' };
    return {
      track: { ...track, evaluations: track.evaluations + 1, clearStreak },
      change: undefined,
    };
  }
  const evaluations = track.evaluations + 1;
  let severity = track.severity;
  if (judgement.status === 'breached' && judgement.severity !== undefined) {
    severity = max(severity, judgement.severity);
  }
  if (evaluations >= policy.errorAfterEvaluations) severity = max(severity, 'error');
  return {
    track: { severity, evaluations, clearStreak: 0 },
    change: severity !== track.severity ? 'escalate' : undefined,
  };
}

function max(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return RANK[a] >= RANK[b] ? a : b;
}
