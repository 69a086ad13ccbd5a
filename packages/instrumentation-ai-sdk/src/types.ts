import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/**
 * Options of `AiSdkInstrumentation` and `instrumentAiSdk()`. Spans and metrics are recorded by
 * `@toolscope/instrumentation` and follow its providers (`configureInstrumentation`, which
 * `startToolscope` sets, else the global ones).
 */
export interface AiSdkInstrumentationConfig extends InstrumentationConfig {
  /**
   * Register with the AI SDK when constructed. A disabled instrumentation can be enabled later
   * with `enable()` (as `registerInstrumentations` does).
   * @default true
   */
  enabled?: boolean;
  /**
   * Record tool arguments and results (`gen_ai.tool.call.arguments` / `.result`) of AI SDK tool
   * calls. Overrides the process-wide setting for these calls only; it never removes what
   * `@ai-sdk/otel` records on its own spans (see the README to turn that off).
   * @default the process-wide setting: `configureInstrumentation({ captureContent })` or
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, off unless set
   */
  captureContent?: boolean;
  /**
   * Record each `generateText` / `streamText` run as an agent invocation: an
   * `invoke_agent {functionId ?? modelId}` span (or `@ai-sdk/otel`'s, adopted) that the run's
   * tool spans nest under, and the `gen_ai.invoke_agent.duration` histogram. When off, tool
   * spans nest directly under the caller's span.
   * @default true
   */
  agentRuns?: boolean;
}
