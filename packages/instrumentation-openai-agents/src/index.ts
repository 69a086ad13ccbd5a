export { instrumentOpenAIAgents } from './instrument.ts';
export { OpenAIAgentsInstrumentation, SUPPORTED_SDK_VERSIONS } from './instrumentation.ts';
export type { OpenAIAgentsInstrumentationConfig } from './types.ts';
