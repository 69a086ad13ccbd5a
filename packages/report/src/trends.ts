import { significant } from '@toolscope/instrumentation/internal';
import type { Thresholds, Trend, TrendPoint } from './types.ts';

/**
 * Compares a subject's window with the previous window.
 *
 * - `p95Pct` = (p95 − previous p95) / previous p95 × 100
 * - `errorRatePts` = (error rate − previous error rate) × 100 (percentage points)
 * - `volumePct` = (calls − previous calls) / previous calls × 100
 *
 * p95 and error-rate changes need `minCalls` in both windows (null otherwise: too little data
 * to compare); volume needs previous calls. Degraded when p95 rose by `p95RegressionPct` or
 * more, or the error rate rose by `errorRateSpikePts` points or more and at least doubled.
 *
 * Worked example (defaults: minCalls 20, p95RegressionPct 25, errorRateSpikePts 5): previous
 * window 120 calls, p95 200 ms, error rate 0.02; this window 150 calls, p95 260 ms, error rate
 * 0.09 → p95Pct +30, errorRatePts +7 (and 0.09 ≥ 2 × 0.02), volumePct +25 → degraded, reasons
 * "p95 +30% (200 → 260 ms)" and "error rate +7 pts (2% → 9%)".
 */
export function computeTrend(
  kind: 'tool' | 'workflow',
  subject: string,
  current: TrendPoint,
  previous: TrendPoint | null,
  t: Thresholds,
): Trend {
  const comparable =
    previous !== null && current.calls >= t.minCalls && previous.calls >= t.minCalls;
  const p95Pct =
    comparable && current.p95Ms !== null && previous.p95Ms !== null && previous.p95Ms > 0
      ? round1(((current.p95Ms - previous.p95Ms) / previous.p95Ms) * 100)
      : null;
  const errorRatePts =
    comparable && current.errorRate !== null && previous.errorRate !== null
      ? round1((current.errorRate - previous.errorRate) * 100)
      : null;
  const volumePct =
    previous !== null && previous.calls > 0
      ? round1(((current.calls - previous.calls) / previous.calls) * 100)
      : null;
  const reasons: string[] = [];
  if (p95Pct !== null && p95Pct >= t.p95RegressionPct) {
    reasons.push(`p95 +${p95Pct}% (${fmtMs(previous!.p95Ms!)} → ${fmtMs(current.p95Ms!)})`);
  }
  if (
    errorRatePts !== null &&
    errorRatePts >= t.errorRateSpikePts &&
    current.errorRate! >= 2 * previous!.errorRate!
  ) {
    reasons.push(
      `error rate +${errorRatePts} pts (${fmtPct(previous!.errorRate!)} → ${fmtPct(current.errorRate!)})`,
    );
  }
  return {
    kind,
    subject,
    current,
    previous,
    change: { p95Pct, errorRatePts, volumePct },
    degraded: reasons.length > 0,
    reasons,
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function fmtMs(v: number): string {
  return `${significant(v)} ms`;
}

function fmtPct(v: number): string {
  return `${significant(v * 100)}%`;
}
