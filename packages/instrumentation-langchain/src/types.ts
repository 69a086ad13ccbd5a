import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/**
 * Configuration of `LangChainInstrumentation` (standard OpenTelemetry instrumentation options).
 * Spans and metrics go through `@toolscope/instrumentation`'s providers (the global ones, or
 * those given to `configureInstrumentation` / `startToolscope`). When several instances are
 * enabled in one process, a feature is on when any enabled instance has it on.
 */
export interface LangChainInstrumentationConfig extends InstrumentationConfig {
  /**
   * Patch LangChain when it is loaded (and the copy already loaded, if any). A disabled
   * instrumentation can be enabled later with `enable()`.
   * @default true
   */
  enabled?: boolean;
  /**
   * Record every LangGraph graph run (`createAgent`, `createReactAgent`, a compiled
   * `StateGraph`) as an `invoke_agent {name}` span and a `gen_ai.invoke_agent.duration` point.
   * Tool calls made during the run nest under it.
   * @default true
   */
  agentRuns?: boolean;
  /**
   * Inside a toolscope workflow (`withWorkflow`, `traceWorkflow`), report the steps of the
   * outermost `RunnableSequence` or LangGraph graph run as the workflow's steps (one per
   * sequence step, one per graph node run that finished), instead of counting tool calls.
   * @default true
   */
  workflowSteps?: boolean;
}
