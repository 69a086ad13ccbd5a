import { AiSdkInstrumentation } from './instrumentation.ts';
import type { AiSdkInstrumentationConfig } from './types.ts';

/**
 * The one-line setup: enables toolscope for the AI SDK and returns the instrumentation
 * (`disable()` undoes it). Calling it again adds no second registration.
 *
 * @example
 * import { instrumentAiSdk } from '@toolscope/instrumentation-ai-sdk';
 * instrumentAiSdk();
 */
export function instrumentAiSdk(
  options: Omit<AiSdkInstrumentationConfig, 'enabled'> = {},
): AiSdkInstrumentation {
  return new AiSdkInstrumentation({ ...options, enabled: true });
}
