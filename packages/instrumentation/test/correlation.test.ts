import { context, propagation } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag } from '../../../test/support/diag.ts';
import { setupTestOtel } from '../../../test/support/otel.ts';
import {
  configureInstrumentation,
  getCorrelationId,
  resetInstrumentation,
  traceTool,
  withCorrelationId,
  withWorkflow,
} from '../src/index.ts';

const otel = setupTestOtel();
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(() => otel.shutdown());

describe('correlation IDs', () => {
  it('are read back inside and absent outside', () => {
    expect(getCorrelationId()).toBeUndefined();
    withCorrelationId('abc', () => expect(getCorrelationId()).toBe('abc'));
    expect(getCorrelationId()).toBeUndefined();
  });

  it('survive await and go on every span started under them', async () => {
    const t = traceTool(async () => getCorrelationId(), { name: 'corr_tool' });
    const seen = await withCorrelationId('req-1', () =>
      withWorkflow({ name: 'corr_wf' }, async () => {
        await new Promise((r) => setTimeout(r, 1));
        return t();
      }),
    );
    expect(seen).toBe('req-1');
    for (const s of otel.spans()) expect(s.attributes['toolscope.correlation_id']).toBe('req-1');
  });

  it('never become metric attributes', async () => {
    const t = traceTool(async () => 1, { name: 'corr_metric_tool' });
    await withCorrelationId('never-on-metrics', () =>
      withWorkflow({ name: 'corr_metric_wf' }, () => t()),
    );
    const all = await otel.collectMetrics();
    expect(all.length).toBeGreaterThan(0);
    expect(JSON.stringify(all.map((m) => m.dataPoints.map((p) => p.attributes)))).not.toContain(
      'never-on-metrics',
    );
  });

  it('cross process boundaries in the W3C baggage header', () => {
    const headers: Record<string, string> = {};
    withCorrelationId('cross-1', () => propagation.inject(context.active(), headers));
    expect(headers.baggage).toBe('toolscope.correlation_id=cross-1');
    const extracted = propagation.extract(context.active(), { baggage: headers.baggage });
    expect(getCorrelationId(extracted)).toBe('cross-1');
  });

  it('copy only allow-listed other baggage keys', async () => {
    configureInstrumentation({ baggageAllowList: ['tenant'] });
    const bag = propagation.createBaggage({
      tenant: { value: 'acme' },
      secret: { value: 'no' },
    });
    await context.with(propagation.setBaggage(context.active(), bag), () =>
      traceTool(async () => 1, { name: 'bag_tool' })(),
    );
    const span = otel.spans()[0]!;
    expect(span.attributes.tenant).toBe('acme');
    expect(span.attributes.secret).toBeUndefined();
  });

  it('never throw on an empty id: the function runs, the id is not set, the log says why', () => {
    const logged = captureDiag();
    try {
      expect(withCorrelationId('', () => getCorrelationId() ?? 'none')).toBe('none');
      expect(logged.messages.join('\n')).toMatch(/correlationId must be a non-empty string/);
    } finally {
      logged.restore();
    }
  });
});
