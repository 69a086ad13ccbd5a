import { trace } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { points, setupTestOtel } from '../../../../test/support/otel.ts';
import { AlertCenter, type AlertEvent } from '../../src/index.ts';

const otel = setupTestOtel();
beforeEach(() => otel.reset());
afterAll(() => otel.shutdown());

describe('AlertCenter', () => {
  it('fires with a stable id, escalates in place, resolves with an INFO recovery', async () => {
    const center = new AlertCenter();
    const events: AlertEvent[] = [];
    center.subscribe((e) => {
      events.push(e);
    });
    const span = trace.getTracer('t').startSpan('health_check api');
    const a = center.fire({
      key: 'health:api',
      kind: 'tool_degraded',
      severity: 'warning',
      subject: 'api',
      message: 'slow',
      state: 'degraded',
      previousState: 'healthy',
      span,
    });
    const again = center.fire({
      key: 'health:api',
      kind: 'tool_degraded',
      severity: 'warning',
      subject: 'api',
      message: 'slow',
    });
    expect(again).toBe(a);
    const escalated = center.fire({
      key: 'health:api',
      kind: 'tool_unhealthy',
      severity: 'error',
      subject: 'api',
      message: 'down',
      state: 'unhealthy',
      previousState: 'degraded',
      span,
    });
    expect(escalated.id).toBe(a.id);
    expect(center.active()).toHaveLength(1);
    expect(points(await otel.metric('toolscope.alerts.active'))).toContainEqual({
      attributes: { 'toolscope.alert.severity': 'error' },
      value: 1,
    });
    const resolved = center.resolve('health:api', {
      message: 'back',
      state: 'healthy',
      previousState: 'unhealthy',
      span,
    });
    span.end();
    expect(resolved?.id).toBe(a.id);
    expect(resolved?.status).toBe('resolved');
    expect(center.active()).toHaveLength(0);
    expect(events.map((e) => [e.type, e.alert.severity, e.alert.kind])).toEqual([
      ['fired', 'warning', 'tool_degraded'],
      ['fired', 'error', 'tool_unhealthy'],
      ['resolved', 'error', 'tool_unhealthy'],
      ['recovered', 'info', 'tool_recovered'],
    ]);
    const spanEvents = otel.spans()[0]!.events;
    expect(spanEvents.map((e) => e.name)).toEqual([
      'toolscope.alert.fired',
      'toolscope.alert.fired',
      'toolscope.alert.resolved',
    ]);
    expect(spanEvents[2]!.attributes).toMatchObject({
      'toolscope.alert.id': a.id,
      'toolscope.alert.severity': 'info',
      'toolscope.alert.kind': 'tool_recovered',
      'toolscope.health.state': 'healthy',
      'toolscope.health.state.previous': 'unhealthy',
    });
    expect(points(await otel.metric('toolscope.alerts.active'))).toContainEqual({
      attributes: { 'toolscope.alert.severity': 'error' },
      value: 0,
    });
    center.dispose();
  });

  it('guards listeners that throw or reject', () => {
    const center = new AlertCenter();
    center.subscribe(() => {
      throw new Error('listener broke');
    });
    center.subscribe(async () => {
      throw new Error('async listener broke');
    });
    expect(() =>
      center.fire({
        key: 'k',
        kind: 'latency_threshold',
        severity: 'warning',
        subject: 's',
        message: 'm',
      }),
    ).not.toThrow();
    expect(center.resolve('missing', { message: 'x' })).toBeUndefined();
    center.dispose();
  });

  it('rejects a bad severity', () => {
    const center = new AlertCenter();
    expect(() =>
      center.fire({ key: 'k', kind: 'x', severity: 'fatal' as never, subject: 's', message: 'm' }),
    ).toThrow(/severity/);
    center.dispose();
  });
});
