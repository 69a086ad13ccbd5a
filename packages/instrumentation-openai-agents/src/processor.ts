/**
 * toolscope's `TracingProcessor`, registered with the Agents SDK's trace provider. It only
 * observes: spans and metrics go to OpenTelemetry through the core, never to the SDK's
 * exporters, and nothing it does can fail the run (the SDK would only log it). Returning an
 * already-settled promise keeps the SDK's sequential `await` of its processors cheap.
 */
import type { AgentsSpan, TracingProcessor } from './internal-types.ts';

const DONE: Promise<void> = Promise.resolve();

/** What the processor reports to (the process-wide hub). */
export interface SpanSink {
  spanStarted(span: AgentsSpan): void;
  spanEnded(span: AgentsSpan): void;
}

export class ToolscopeTracingProcessor implements TracingProcessor {
  private readonly sink: SpanSink;

  constructor(sink: SpanSink) {
    this.sink = sink;
  }

  onTraceStart(): Promise<void> {
    return DONE;
  }

  onTraceEnd(): Promise<void> {
    return DONE;
  }

  onSpanStart(span: AgentsSpan): Promise<void> {
    try {
      this.sink.spanStarted(span);
    } catch {
      // Observing never fails the run.
    }
    return DONE;
  }

  onSpanEnd(span: AgentsSpan): Promise<void> {
    try {
      this.sink.spanEnded(span);
    } catch {
      // Observing never fails the run.
    }
    return DONE;
  }

  /**
   * Nothing to flush or stop: spans and metrics belong to the OpenTelemetry providers. (The SDK
   * also calls this when its processor list is replaced; toolscope re-registers then.)
   */
  shutdown(): Promise<void> {
    return DONE;
  }

  forceFlush(): Promise<void> {
    return DONE;
  }
}
