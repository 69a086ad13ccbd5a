/**
 * The test set-up every file shares: real OpenTelemetry providers (in-memory exporter, metric
 * reader), the real LangChain packages, and `LangChainInstrumentation` enabled after they were
 * imported (the already-loaded path an ESM application takes without the loader hook).
 */
import { type Attributes, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { resetInstrumentation } from '@toolscope/instrumentation';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { histogramCount, setupTestOtel, type TestOtel } from '../../../../test/support/otel.ts';
import { instrumentLangChain, type LangChainInstrumentation } from '../../src/index.ts';

export interface Harness {
  otel: TestOtel;
  instrumentation: LangChainInstrumentation;
}

/** Sets up providers and the instrumentation for the calling test file; spans reset per test. */
export function useHarness(): Harness {
  const harness = {} as Harness;
  beforeAll(() => {
    harness.otel = setupTestOtel();
    harness.instrumentation = instrumentLangChain();
  });
  afterAll(async () => {
    harness.instrumentation.disable();
    await harness.otel.shutdown();
  });
  beforeEach(() => {
    resetInstrumentation();
    harness.otel.reset();
  });
  return harness;
}

/** Runs `fn` inside a plain user span (`name`), as application code would. */
export async function inUserSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return trace.getTracer('test-app').startActiveSpan(name, async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

/** The finished spans called `name`. */
export function named(otel: TestOtel, name: string): ReadableSpan[] {
  return otel.spans().filter((s) => s.name === name);
}

/** The one finished span called `name` (fails otherwise). */
export function one(otel: TestOtel, name: string): ReadableSpan {
  const found = named(otel, name);
  if (found.length !== 1) {
    throw new Error(
      `expected one span "${name}", got ${found.length}: ${otel
        .spans()
        .map((s) => s.name)
        .join(', ')}`,
    );
  }
  return found[0]!;
}

/** The finished parent span of `span`, if it is among the exported ones. */
export function parentOf(otel: TestOtel, span: ReadableSpan): ReadableSpan | undefined {
  const id = span.parentSpanContext?.spanId;
  return otel.spans().find((s) => s.spanContext().spanId === id);
}

/** The tool spans (`gen_ai.operation.name=execute_tool`). */
export function toolSpans(otel: TestOtel): ReadableSpan[] {
  return otel.spans().filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
}

/**
 * A counter of new histogram points of `metric` with matching attributes (metrics are
 * cumulative over the file): call it before the calls, await the function it returns after.
 */
export async function newPoints(
  otel: TestOtel,
  metric: string,
  filter: (attributes: Attributes) => boolean = () => true,
): Promise<() => Promise<number>> {
  const before = histogramCount(await otel.metric(metric), filter);
  return async () => histogramCount(await otel.metric(metric), filter) - before;
}
