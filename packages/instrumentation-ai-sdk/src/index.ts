export { instrumentAiSdk } from './instrument.ts';
export { AiSdkInstrumentation } from './instrumentation.ts';
export { toolscopeTelemetry } from './registry.ts';
export type { AiSdkInstrumentationConfig } from './types.ts';
