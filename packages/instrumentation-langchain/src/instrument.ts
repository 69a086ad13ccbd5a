import { LangChainInstrumentation } from './instrumentation.ts';
import type { LangChainInstrumentationConfig } from './types.ts';

/**
 * The one line: enables `LangChainInstrumentation` and returns it. Call it after importing
 * LangChain (or anywhere in a CommonJS application, or with the loader hook of
 * `@toolscope/instrumentation-langchain/register`). Calling it again, or together with
 * `startToolscope`'s instrumentation, still gives one span per tool call.
 *
 * @example
 * import { createAgent } from 'langchain';
 * import { instrumentLangChain } from '@toolscope/instrumentation-langchain';
 * instrumentLangChain();
 */
export function instrumentLangChain(
  config: LangChainInstrumentationConfig = {},
): LangChainInstrumentation {
  const instrumentation = new LangChainInstrumentation({ ...config, enabled: false });
  if (config.enabled !== false) instrumentation.enable();
  return instrumentation;
}
