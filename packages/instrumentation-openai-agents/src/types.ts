import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/**
 * Options of `OpenAIAgentsInstrumentation` and `instrumentOpenAIAgents()`. Spans and metrics are
 * recorded by `@toolscope/instrumentation` and follow its providers (`configureInstrumentation`,
 * which `startToolscope` sets, else the global ones).
 */
export interface OpenAIAgentsInstrumentationConfig extends InstrumentationConfig {
  /**
   * Register with the Agents SDK when constructed. A disabled instrumentation can be enabled
   * later with `enable()` (as `registerInstrumentations` does).
   * @default true
   */
  enabled?: boolean;
  /**
   * Record tool arguments and results (`gen_ai.tool.call.arguments` / `.result`) of Agents
   * tool calls. Overrides the process-wide setting for these calls only. Whatever the Agents
   * SDK's own `traceIncludeSensitiveData` says, toolscope records content only when this (or
   * the process-wide setting) is on; see the README for the SDK's own exporter.
   * @default the process-wide setting: `configureInstrumentation({ captureContent })` or
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, off unless set
   */
  captureContent?: boolean;
}
