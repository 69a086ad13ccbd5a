import { SpanKind } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetInstrumentation } from '../src/index.ts';
import { frameworkToolSpec, truncationCounts } from '../src/internal.ts';

beforeEach(() => resetInstrumentation());

describe('frameworkToolSpec: the one cache of framework tool specs', () => {
  it('makes one spec per tool and options, reused for every call', () => {
    const a = frameworkToolSpec('get_weather');
    expect(frameworkToolSpec('get_weather')).toBe(a);
    expect(a.spanName).toBe('execute_tool get_weather');
    expect(a.type).toBe('function');
    const mcp = frameworkToolSpec('get_weather', {
      type: 'extension',
      kind: SpanKind.CLIENT,
      spanName: 'tools/call get_weather',
      noOutputSize: true,
    });
    expect(mcp).not.toBe(a);
    expect(mcp.spanName).toBe('tools/call get_weather');
    expect(mcp.outputSize?.('a result')).toBeUndefined();
  });

  it('bounds a name from outside and counts the cut; a missing name is _OTHER', () => {
    const spec = frameworkToolSpec('x'.repeat(1_000_000));
    expect(spec.name.length).toBe(256);
    expect(truncationCounts()['framework.name']).toBe(1);
    expect(frameworkToolSpec(undefined).name).toBe('_OTHER');
    expect(frameworkToolSpec('  ').name).toBe('_OTHER');
  });
});
