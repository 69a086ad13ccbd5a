export { CorrelationSpanProcessor } from './correlation-processor.ts';
export { type DiagOutput, installDiagLogger, stderrDiagLogger } from './diag-logger.ts';
export { ToolscopeSetupError } from './errors.ts';
export { ToolscopeMetricProducer } from './metric-producer.ts';
export { startToolscope } from './start.ts';
export type {
  BatchOptions,
  FrameworkOptions,
  OtlpProtocol,
  Toolscope,
  ToolscopeOptions,
  ToolscopeStats,
} from './types.ts';
