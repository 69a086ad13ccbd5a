import type { TracerProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Options of the explicit entry points `instrumentMcpClient` and `instrumentMcpServer`. */
export interface InstrumentMcpOptions {
  /**
   * Tracer provider for the MCP spans this package starts itself (every request except a
   * standalone `tools/call`, whose span is made by `@toolscope/instrumentation` and follows its
   * `configureInstrumentation({ tracerProvider })`).
   * @default the global tracer provider, looked up on each call
   */
  tracerProvider?: TracerProvider;
}

/**
 * Configuration of the zero-code `McpInstrumentation` (standard OpenTelemetry instrumentation
 * options; `setTracerProvider` / `registerInstrumentations({ tracerProvider })` apply).
 */
export interface McpInstrumentationConfig extends InstrumentationConfig {
  /**
   * Patch the SDK when it is loaded. A disabled instrumentation can be enabled later with
   * `enable()`.
   * @default true
   */
  enabled?: boolean;
}
