import { describe, expect, it } from 'vitest';
import { type AlertTrack, judge, step } from '../src/severity.ts';
import type { SeverityPolicy } from '../src/types.ts';

const policy: SeverityPolicy = {
  errorFactor: 1.5,
  errorAfterEvaluations: 10,
  hysteresis: 0.1,
  resolveAfterEvaluations: 1,
};

describe('judge', () => {
  it('grades latency against the bound, the margin and the resolve threshold', () => {
    const j = (ms: number) => judge('latency_threshold', ms, 800, 0.5, policy);
    expect(j(790)).toEqual({ status: 'holding', severity: undefined });
    expect(j(800)).toEqual({ status: 'holding', severity: undefined });
    expect(j(810)).toEqual({ status: 'breached', severity: 'warning' });
    expect(j(1200)).toEqual({ status: 'breached', severity: 'error' });
    expect(j(720)).toEqual({ status: 'ok', severity: undefined });
  });

  it('grades success rates on the error budget, with the critical floor', () => {
    const j = (rate: number) => judge('error_rate_threshold', rate, 0.99, 0.5, policy);
    expect(j(0.989).severity).toBe('warning');
    expect(j(0.98).severity).toBe('error');
    expect(j(0.49).severity).toBe('critical');
    expect(j(0.99).status).toBe('holding');
    expect(j(0.9905).status).toBe('holding');
    expect(j(0.991).status).toBe('ok');
  });
});

describe('step: the README worked example', () => {
  it('fires, holds, escalates with no way back down, and resolves', () => {
    let track: AlertTrack | undefined;
    const changes: [string | undefined, string | undefined][] = [];
    for (const ms of [790, 810, 790, 1250, 805, 700]) {
      const r = step(track, judge('latency_threshold', ms, 800, 0.5, policy), policy);
      track = r.track;
      changes.push([r.change, track?.severity]);
    }
    expect(changes).toEqual([
      [undefined, undefined],
      ['fire', 'warning'],
      [undefined, 'warning'],
      ['escalate', 'error'],
      [undefined, 'error'],
      ['resolve', undefined],
    ]);
  });

  it('needs resolveAfterEvaluations consecutive clear evaluations to resolve', () => {
    const p = { ...policy, resolveAfterEvaluations: 2 };
    const breach = judge('latency_threshold', 900, 800, 0.5, p);
    const clear = judge('latency_threshold', 100, 800, 0.5, p);
    let r = step(undefined, breach, p);
    r = step(r.track, clear, p);
    expect(r.change).toBeUndefined();
    r = step(r.track, breach, p);
    r = step(r.track, clear, p);
    expect(r.track).toBeDefined();
    r = step(r.track, { status: 'insufficient_data', severity: undefined }, p);
    expect(r).toEqual({ track: undefined, change: 'resolve' });
  });
});
