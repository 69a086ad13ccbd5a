export { instrumentLangChain } from './instrument.ts';
export { LangChainInstrumentation } from './instrumentation.ts';
export type { LangChainInstrumentationConfig } from './types.ts';
