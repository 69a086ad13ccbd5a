import { clearToolHealth, setToolHealth } from '@toolscope/instrumentation';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthHistory } from '../src/health-history.ts';

afterEach(() => clearToolHealth());

describe('HealthHistory', () => {
  it('keeps changes only, and the state before the window', () => {
    const h = new HealthHistory();
    h.record('a', 'healthy', 1000);
    h.record('a', 'healthy', 2000);
    h.record('a', 'unhealthy', 3000);
    h.record('b', 'degraded', 3500);
    h.record('a', 'healthy', 5000);
    expect(h.transitions().map((t) => [t.tool, t.state, t.atMs])).toEqual([
      ['a', 'healthy', 1000],
      ['a', 'unhealthy', 3000],
      ['b', 'degraded', 3500],
      ['a', 'healthy', 5000],
    ]);
    expect(h.transitions({ fromMs: 4000, toMs: 6000 }).map((t) => [t.tool, t.state])).toEqual([
      ['a', 'unhealthy'],
      ['b', 'degraded'],
      ['a', 'healthy'],
    ]);
  });

  it('follows the core health registry once attached, and stops when closed', () => {
    setToolHealth('x', 'healthy', { nowMs: 100 });
    const h = new HealthHistory().attach();
    setToolHealth('x', 'healthy', { nowMs: 200 });
    setToolHealth('x', 'unhealthy', { nowMs: 300 });
    h.close();
    setToolHealth('x', 'healthy', { nowMs: 400 });
    expect(h.transitions().map((t) => [t.state, t.atMs])).toEqual([
      ['healthy', 100],
      ['unhealthy', 300],
    ]);
  });

  it('is bounded', () => {
    const h = new HealthHistory({ limit: 3 });
    for (let i = 0; i < 10; i++) h.record('a', i % 2 === 0 ? 'healthy' : 'degraded', i);
    expect(h.transitions().map((t) => t.atMs)).toEqual([7, 8, 9]);
    expect(() => new HealthHistory({ limit: 0 })).toThrow(/limit: must be a positive integer/);
  });
});
