import {
  failedAttributes,
  fallbackAttributes,
  toolMetricAttributes,
} from './metrics/cardinality.ts';
import { getRecorders } from './metrics/instruments.ts';
import type { ToolType } from './types.ts';

/**
 * Records one finished tool call on the contract's metrics: the duration histogram (with
 * `error.type` on failures), payload sizes and the fallback counter. Only low-cardinality,
 * pre-computed attribute sets are used: no correlation, call or session IDs.
 */
export function recordToolMetrics(
  name: string,
  type: ToolType,
  durationS: number,
  errorType: string | undefined,
  inputSize: number | undefined,
  outputSize: number | undefined,
  fallbackFor: string | undefined,
): void {
  const instruments = getRecorders();
  const attrs = toolMetricAttributes(name, type);
  instruments.toolDuration.record(
    durationS,
    errorType === undefined ? attrs.ok : failedAttributes(attrs, errorType),
  );
  if (inputSize !== undefined) instruments.payloadSize.record(inputSize, attrs.input);
  if (outputSize !== undefined) instruments.payloadSize.record(outputSize, attrs.output);
  if (fallbackFor !== undefined) {
    instruments.toolFallbacks.add(1, fallbackAttributes(attrs, fallbackFor));
  }
}

/** Adds `count` retries of the tool to `toolscope.tool.retries`. */
export function recordToolRetries(name: string, type: ToolType, count: number): void {
  if (count <= 0) return;
  getRecorders().toolRetries.add(count, toolMetricAttributes(name, type).retry);
}
