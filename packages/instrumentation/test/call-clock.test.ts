/**
 * A call's duration ("one duration"): its span's own once ended; a call whose span cannot give
 * one (sampled out, not an SDK span) keeps its own clock, so metrics never lose a duration to
 * sampling.
 */
import { type Span, trace } from '@opentelemetry/api';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { AlwaysOffSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestOtel } from '../../../test/support/otel.ts';
import { configureInstrumentation, resetInstrumentation, traceTool } from '../src/index.ts';
import { callSeconds, clockFor, METRIC_GEN_AI_EXECUTE_TOOL_DURATION } from '../src/internal.ts';

const otel = setupTestOtel();
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(() => otel.shutdown());

/** Busy for `ms` milliseconds of wall time (the work a call measures). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe('clockFor / callSeconds', () => {
  it('reads no clock for a recording SDK span, and gives its duration once ended', () => {
    const span = otel.tracerProvider.getTracer('t').startSpan('s');
    const clock = clockFor(span);
    expect(Number.isNaN(clock)).toBe(true);
    busy(3);
    span.end();
    const seconds = callSeconds(span, clock);
    expect(seconds).toBeGreaterThanOrEqual(0.003);
    const duration = (span as unknown as { duration: [number, number] }).duration;
    expect(seconds).toBe(duration[0] + duration[1] / 1e9);
  });

  it('keeps its own clock for a span that does not record (sampled out, or only a context)', () => {
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 0,
    });
    const clock = clockFor(span);
    expect(Number.isNaN(clock)).toBe(false);
    busy(3);
    span.end();
    expect(callSeconds(span, clock)).toBeGreaterThanOrEqual(0.003);
  });

  it('measures from the start time a span that promised a duration and gives none', () => {
    const startMs = Date.now() - 250;
    const liar = {
      ended: false,
      startTime: [Math.floor(startMs / 1000), (startMs % 1000) * 1e6],
      duration: undefined,
      isRecording: () => true,
    } as unknown as Span;
    const clock = clockFor(liar);
    expect(Number.isNaN(clock)).toBe(true);
    const seconds = callSeconds(liar, clock);
    expect(seconds).toBeGreaterThanOrEqual(0.24);
    expect(seconds).toBeLessThan(60);
  });

  it('a hostile span that throws from isRecording gets a clock of its own', () => {
    const hostile = {
      ended: false,
      startTime: [0, 0],
      duration: undefined,
      isRecording: () => {
        throw new Error('no');
      },
    } as unknown as Span;
    expect(Number.isNaN(clockFor(hostile))).toBe(false);
  });
});

describe('a sampled-out tool call', () => {
  it('still records its duration on gen_ai.execute_tool.duration', async () => {
    const dropping = new TracerProvider({ sampler: new AlwaysOffSampler() });
    configureInstrumentation({ tracerProvider: dropping });
    const slow = traceTool(
      async () => {
        busy(5);
        return 'ok';
      },
      { name: 'sampled_out_tool' },
    );
    await slow();
    const metric = await otel.metric(METRIC_GEN_AI_EXECUTE_TOOL_DURATION);
    const point = (metric?.dataPoints as DataPoint<Histogram>[] | undefined)?.find(
      (p) => p.attributes['gen_ai.tool.name'] === 'sampled_out_tool',
    );
    expect(point?.value.count).toBe(1);
    expect(point?.value.sum).toBeGreaterThanOrEqual(0.005);
    expect(otel.spans().filter((s) => s.name === 'execute_tool sampled_out_tool')).toHaveLength(0);
    await dropping.shutdown();
  });
});
