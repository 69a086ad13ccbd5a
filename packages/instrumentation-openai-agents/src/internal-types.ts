/**
 * What this package touches of the Agents SDK (`@openai/agents-core` 0.20), typed by its own
 * declarations where they are public, structurally where they are not. Never exported.
 */
import type { Span as SdkSpan, SpanData, TracingProcessor } from '@openai/agents-core';

export type { SpanData, TracingProcessor };

/** An Agents SDK span, as processors receive it. */
export type AgentsSpan = SdkSpan<SpanData>;

/** The SDK's error of a span: text and details, never an exception object. */
export interface AgentsSpanError {
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/**
 * The SDK's trace provider as far as this package uses it (`TraceProvider`: the process-wide
 * one lives at `globalThis[PROVIDER_KEY]`, shared by every copy of the SDK).
 */
export interface AgentsTraceProvider {
  registerProcessor(processor: TracingProcessor): void;
  setProcessors(processors: TracingProcessor[]): void;
  createTrace(options: { name?: string }): { readonly traceId: string };
}

/**
 * The SDK's tracing context storage (`TracingContextStorage`: an `AsyncLocalStorage` by
 * default, replaceable with `setTracingContextStorage`, found at `globalThis[ALS_KEY]`).
 */
export interface AgentsContextStorage {
  run<R>(store: unknown, callback: () => R): R;
  getStore(): unknown;
  enterWith(store: unknown): void;
}

/**
 * What the SDK keeps in that storage for one scope (internal shape, read defensively): the
 * current span, mutated in place as spans start and end.
 */
export interface AgentsScopeStore {
  span?: AgentsSpan | null;
}

/** The settings the process-wide state applies (from the most recently enabled instance). */
export interface Settings {
  readonly captureContent: boolean | undefined;
}
