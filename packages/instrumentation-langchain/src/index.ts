export { instrumentLangChain } from './instrument.ts';
export { LangChainInstrumentation } from './instrumentation.ts';
export { LOADER_HOOK_INCLUDE } from './targets.ts';
export type { LangChainInstrumentationConfig } from './types.ts';
