import { resetConfig } from './config.ts';
import { resetCardinality } from './metrics/cardinality.ts';
import {
  DEFAULT_PEER_STRING_LIMITS,
  resetTruncationCounts,
  setPeerStringLimits,
} from './shared/bound.ts';

/** Restores the defaults (re-reading the environment) and forgets folded names. For tests. */
export function resetInstrumentation(): void {
  resetConfig();
  resetCardinality();
  setPeerStringLimits(DEFAULT_PEER_STRING_LIMITS);
  resetTruncationCounts();
}
