import { ReportConfigError } from '../errors.ts';
import type { Thresholds } from '../types.ts';

/** The default thresholds (see `Thresholds` for each field's meaning). */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  minCalls: 20,
  p95RegressionPct: 25,
  p95RegressionSeverePct: 100,
  errorRateSpikePts: 5,
  errorRateSpikeSeverePts: 15,
  highErrorRate: 0.05,
  highErrorRateSevere: 0.25,
  expectedFactor: 1,
  heavyFallbackRate: 0.1,
  heavyFallbackRateSevere: 0.3,
  heavyRetryRate: 0.1,
  heavyRetryRateSevere: 0.5,
  flapChanges: 4,
  workflowCompletion: 0.9,
  workflowCompletionSevere: 0.5,
});

/** Defaults merged with `overrides`; throws a `ReportConfigError` naming a bad field. */
export function resolveThresholds(overrides: Partial<Thresholds> | undefined): Thresholds {
  const out: Thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if (!(k in DEFAULT_THRESHOLDS)) {
      throw new ReportConfigError(
        `thresholds.${k}`,
        `unknown threshold; known: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}`,
      );
    }
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ReportConfigError(`thresholds.${k}`, `must be a finite number >= 0 (got ${v})`);
    }
    out[k as keyof Thresholds] = v;
  }
  return out;
}
