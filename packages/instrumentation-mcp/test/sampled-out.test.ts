/**
 * Metrics are never sampled: with a tracer that drops every span, each side of a `tools/call`
 * still records its duration (the operation keeps its own clock when its span gives none).
 */
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { AlwaysOffSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { configureInstrumentation, resetInstrumentation } from '../../instrumentation/src/index.ts';
import { connectedPair, LINES } from './helpers/lines.ts';

/** Busy for `ms` milliseconds of wall time (the tool's work). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe.each(LINES)('MCP $label with every span sampled out', (line) => {
  let otel: TestOtel;
  const dropping = new TracerProvider({ sampler: new AlwaysOffSampler() });
  beforeAll(() => {
    otel = setupTestOtel();
    resetInstrumentation();
    configureInstrumentation({ tracerProvider: dropping });
  });
  afterAll(async () => {
    await dropping.shutdown();
    await otel.shutdown();
  });

  it('records both sides’ operation durations and the tool duration, with no span', async () => {
    const { client } = await connectedPair(
      line,
      (server) =>
        server.registerTool('slow', {}, async () => {
          busy(5);
          return { content: [] };
        }),
      { tracerProvider: dropping },
    );
    await client.callTool({ name: 'slow', arguments: {} });
    await client.close();
    const sumOf = async (name: string) => {
      const metric = await otel.metric(name);
      const points = (metric?.dataPoints ?? []) as DataPoint<Histogram>[];
      const point = points.find((p) => p.attributes['gen_ai.tool.name'] === 'slow');
      return { count: point?.value.count, sum: point?.value.sum ?? 0 };
    };
    for (const name of [
      'mcp.client.operation.duration',
      'mcp.server.operation.duration',
      'gen_ai.execute_tool.duration',
    ]) {
      const { count, sum } = await sumOf(name);
      expect(count, name).toBe(1);
      expect(sum, name).toBeGreaterThanOrEqual(0.005);
    }
    expect(otel.spans()).toHaveLength(0);
  });
});
