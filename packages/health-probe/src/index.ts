export { ErrorClass } from './classify.ts';
export {
  PROBE_USAGE,
  type ProbeCommandDeps,
  type ProbeCommandIo,
  runProbeCommand,
} from './command.ts';
export { loadProbeConfig, type ProbeConfig, parseProbeConfig } from './config.ts';
export { ProbeConfigError } from './errors.ts';
export { MODERN_PROTOCOL_VERSION } from './mcp-check.ts';
export { HealthMonitor, type ResultListener } from './monitor.ts';
export { checksOfShard, parseShard, type Shard, shardOf } from './shard.ts';
export type {
  AlertWebhook,
  AlertWebhookOptions,
  BodyAssertion,
  CheckDefinition,
  CheckResult,
  CheckStatus,
  CheckSummary,
  CheckTrend,
  CheckType,
  HealthMonitorOptions,
  HealthState,
  HealthSummary,
  HttpCheckDefinition,
  MaintenanceWindow,
  McpCheckDefinition,
  McpProtocolMode,
  McpTransportKind,
} from './types.ts';
export { createAlertWebhook } from './webhook.ts';
