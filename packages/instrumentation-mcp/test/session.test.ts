/**
 * `mcp.client.session.duration` and `mcp.server.session.duration` on both SDK lines: a session
 * from `connect` to close, a connection that fails as a session with `error.type`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { histogramCount, setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { instrumentMcpClient } from '../src/index.ts';
import { connectedPair, LINES } from './helpers/lines.ts';

describe.each(LINES)('MCP $label session durations', (line) => {
  let otel: TestOtel;
  beforeEach(() => {
    otel = setupTestOtel();
  });
  afterEach(async () => otel.shutdown());

  it('records one session per side from connect to close (in-memory: no network attributes)', async () => {
    const { client } = await connectedPair(line);
    await client.close();
    for (const side of ['client', 'server']) {
      const metric = await otel.metric(`mcp.${side}.session.duration`);
      expect(histogramCount(metric), side).toBe(1);
      expect(metric?.dataPoints[0]?.attributes).toEqual({
        'mcp.protocol.version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
    }
  });

  it('records a connection that fails as a session with its error.type', async () => {
    const client = instrumentMcpClient(line.client('c'));
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const transport = {
      start: () => Promise.reject(refused),
      send: async () => {},
      close: async () => {},
    };
    await expect(client.connect(transport)).rejects.toBe(refused);
    const metric = await otel.metric('mcp.client.session.duration');
    expect(metric?.dataPoints.map((p) => p.attributes)).toEqual([{ 'error.type': 'ECONNREFUSED' }]);
  });
});
