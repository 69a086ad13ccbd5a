import type { TracerProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Options of the explicit entry points `instrumentMcpClient` and `instrumentMcpServer`. */
export interface InstrumentMcpOptions {
  /**
   * Tracer provider for the MCP spans this package starts itself (every request and
   * notification except a client's `tools/call`, whose span is made by
   * `@toolscope/instrumentation` and follows its `configureInstrumentation({ tracerProvider })`).
   * @default the process-wide provider of `configureInstrumentation`, else the global one, looked up on each call
   */
  tracerProvider?: TracerProvider;
}

/**
 * Configuration of the zero-code `McpInstrumentation` (standard OpenTelemetry instrumentation
 * options; `setTracerProvider` / `registerInstrumentations({ tracerProvider })` apply to its
 * spans; its metrics, like the tool metrics, follow `configureInstrumentation({ meterProvider })`,
 * else the global meter provider).
 */
export interface McpInstrumentationConfig extends InstrumentationConfig {
  /**
   * Patch the SDK when it is loaded. A disabled instrumentation can be enabled later with
   * `enable()`.
   * @default true
   */
  enabled?: boolean;
}
