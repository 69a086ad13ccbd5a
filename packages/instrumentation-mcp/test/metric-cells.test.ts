/**
 * The MCP histograms on the pre-aggregated path (as `@toolscope/node` sets it up): cells are
 * found by attribute-object identity, so the same labels from many sessions, or many raw
 * names folded into `_OTHER`, must reach one cell — one exported point per label set, and
 * memory that follows the label sets, not the sessions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { configureInstrumentation, resetInstrumentation } from '../../instrumentation/src/index.ts';
import {
  disablePreAggregatedMetrics,
  enablePreAggregatedMetrics,
  type PreAggregatedMetrics,
} from '../../instrumentation/src/internal.ts';
import { connectedPair, LINES } from './helpers/lines.ts';

const MCP_HISTOGRAMS = [
  'mcp.client.operation.duration',
  'mcp.server.operation.duration',
  'mcp.client.session.duration',
  'mcp.server.session.duration',
];

/** Every cell of `name`: asserts no two cells carry the same labels; returns them. */
function cellsOf(pre: PreAggregatedMetrics, name: string) {
  const metric = pre.snapshot().find((m) => m.name === name);
  expect(metric, name).toBeDefined();
  const cells = (metric?.cells ?? []) as unknown as readonly {
    attributes: object;
    count?: number;
  }[];
  const labels = cells.map((c) => JSON.stringify(Object.entries(c.attributes).sort()));
  expect(new Set(labels).size, `${name}: one cell per distinct attribute set`).toBe(labels.length);
  return cells;
}

describe.each(LINES)('MCP $label histograms, pre-aggregated', (line) => {
  let otel: TestOtel;
  let pre: PreAggregatedMetrics;
  beforeEach(() => {
    otel = setupTestOtel();
    resetInstrumentation();
    pre = enablePreAggregatedMetrics();
  });
  afterEach(async () => {
    disablePreAggregatedMetrics();
    await otel.shutdown();
  });

  it('records the same labels from 30 sessions into one cell each', async () => {
    const sessions = 30;
    for (let i = 0; i < sessions; i++) {
      const { client } = await connectedPair(line, (server) =>
        server.registerTool('echo', {}, async () => ({ content: [] })),
      );
      await client.callTool({ name: 'echo', arguments: {} });
      await client.close();
    }
    for (const name of MCP_HISTOGRAMS) {
      const cells = cellsOf(pre, name);
      expect(cells.length, name).toBeLessThanOrEqual(5);
    }
    const calls = cellsOf(pre, 'mcp.client.operation.duration').find(
      (c) => (c.attributes as Record<string, unknown>)['gen_ai.tool.name'] === 'echo',
    );
    expect(calls?.count).toBe(sessions);
    const [session] = cellsOf(pre, 'mcp.client.session.duration');
    expect(session?.count).toBe(sessions);
  });

  it('keeps one cell for the unknown names a client sends once they fold into _OTHER', async () => {
    configureInstrumentation({ maxToolNames: 3 });
    const { client } = await connectedPair(line, (server) =>
      server.registerTool('echo', {}, async () => ({ content: [] })),
    );
    for (let i = 0; i < 60; i++) {
      await client.callTool({ name: `unknown_${i}`, arguments: {} }).catch(() => undefined);
    }
    await client.close();
    for (const side of ['client', 'server']) {
      const cells = cellsOf(pre, `mcp.${side}.operation.duration`);
      // initialize, tools/call under 3 admitted names and _OTHER (each possibly per error type).
      expect(cells.length, side).toBeLessThanOrEqual(12);
    }
  });
});
