import { describe, expect, it } from 'vitest';
import { formatProgress, startProgress } from '../src/progress.ts';

const state = {
  elapsedMs: 7_250,
  totalMs: 15_000,
  workflows: { completed: 20, partial: 2, failed: 1 },
  calls: 140,
  failedCalls: 9,
  notes: ['dining server down'],
};

describe('formatProgress', () => {
  it('shows time, workflows, calls and notes on one line', () => {
    expect(formatProgress(state)).toBe(
      '7.3s/15.0s  ·  workflows 23 (20 ok, 2 partial, 1 failed)  ·  tool calls 140 (9 failed)  ·  dining server down',
    );
  });
});

describe('formatProgress after the deadline', () => {
  it('says the run is finishing', () => {
    expect(formatProgress({ ...state, elapsedMs: 15_400, notes: [] })).toBe(
      '15.0s/15.0s  ·  workflows 23 (20 ok, 2 partial, 1 failed)  ·  tool calls 140 (9 failed)  ·  finishing the requests in flight',
    );
  });
});

describe('startProgress', () => {
  it('prints events as their own stamped lines', () => {
    let out = '';
    const progress = startProgress(
      { write: (t: string) => (out += t) },
      'lines',
      () => state,
      60_000,
    );
    progress.event('outage  dining server stopped');
    progress.stop();
    expect(out).toBe('    7.3s  outage  dining server stopped\n');
  });

  it('in live mode, clears the line before an event and redraws after it', () => {
    let out = '';
    const progress = startProgress(
      { write: (t: string) => (out += t), isTTY: true, columns: 200 },
      'live',
      () => state,
    );
    progress.event('health  restaurant_search: healthy → unhealthy');
    progress.stop();
    expect(out).toContain('  health  restaurant_search: healthy → unhealthy\n');
    expect(out).toContain('workflows 23');
    expect(out.endsWith('\r\x1b[2K')).toBe(true);
  });
});
