import { OpenAIAgentsInstrumentation } from './instrumentation.ts';
import type { OpenAIAgentsInstrumentationConfig } from './types.ts';

/**
 * One line: toolscope for every OpenAI Agents run in this process, before or after
 * `@openai/agents` is imported. Returns the enabled instrumentation (call `disable()` to stop).
 * Calling it again adds nothing: still one span per tool call.
 *
 * @example
 * import { instrumentOpenAIAgents } from '@toolscope/instrumentation-openai-agents';
 * instrumentOpenAIAgents();
 */
export function instrumentOpenAIAgents(
  options: Omit<OpenAIAgentsInstrumentationConfig, 'enabled'> = {},
): OpenAIAgentsInstrumentation {
  const instrumentation = new OpenAIAgentsInstrumentation({ ...options, enabled: true });
  return instrumentation;
}
