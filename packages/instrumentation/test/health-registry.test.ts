/**
 * The health registry takes only what the report and the tool selector can show: a bad tool
 * name, state or error type fails at the call, naming the field, and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearToolHealth,
  getToolHealth,
  setToolHealth,
  ToolscopeConfigError,
} from '../src/index.ts';
import { HEALTH_STATES } from '../src/internal.ts';

afterEach(() => clearToolHealth());

function thrownBy(fn: () => unknown): ToolscopeConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ToolscopeConfigError);
    return err as ToolscopeConfigError;
  }
  throw new Error('did not throw');
}

describe('setToolHealth', () => {
  it.each(HEALTH_STATES)('records %s', (state) => {
    expect(setToolHealth('geo', state, { nowMs: 5 })).toMatchObject({ tool: 'geo', state });
    expect(getToolHealth('geo')?.state).toBe(state);
  });

  it.each([
    ['down', '"down"'],
    [42, '42'],
    [undefined, 'undefined'],
    [{ toString: () => 'healthy' }, 'an object'],
  ])('rejects the state %j, listing the allowed ones', (state, got) => {
    const err = thrownBy(() => setToolHealth('geo', state as never));
    expect(err.field).toBe('state');
    expect(err.message).toContain(
      "state: must be one of 'healthy', 'degraded', 'unhealthy', 'unknown', 'maintenance'",
    );
    expect(err.message).toContain(got);
    expect(getToolHealth('geo')).toBeUndefined();
  });

  it.each([[''], ['  '], [42], [undefined]])('rejects the tool name %j', (tool) => {
    const err = thrownBy(() => setToolHealth(tool as never, 'healthy'));
    expect(err.field).toBe('tool');
    expect(err.message).toMatch(/^tool: must be a non-empty string/);
  });

  it('rejects an error type that is not a string', () => {
    const err = thrownBy(() => setToolHealth('geo', 'unhealthy', { errorType: 7 as never }));
    expect(err.field).toBe('errorType');
    expect(getToolHealth('geo')).toBeUndefined();
  });
});
