import { describe, expect, it } from 'vitest';
import { ToolscopeConfigError } from '../../src/index.ts';
import { camelCaseKey, readFields, validate } from '../../src/internal.ts';

const SPEC = { interval: ['intervalMs'], failureThreshold: [], headers: [] };

describe('readFields: the one key convention', () => {
  it('reads camelCase and snake_case as one key and remembers the key as written', () => {
    const f = readFields(validate, 'checks[0]', { interval_ms: 5000, failure_threshold: 2 }, SPEC);
    expect(f.get('interval')).toBe(5000);
    expect(f.get('failureThreshold')).toBe(2);
    expect(f.get('headers')).toBeUndefined();
    expect(f.key('interval')).toBe('interval_ms');
    expect(f.field('failureThreshold')).toBe('checks[0].failure_threshold');
    expect(f.field('headers')).toBe('checks[0].headers');
  });

  it('names an unknown key and a second spelling as written', () => {
    expect(() => readFields(validate, '', { intreval: 1 }, SPEC)).toThrow(
      new ToolscopeConfigError(
        'intreval',
        'is not a known field; allowed: interval, failureThreshold, headers',
      ),
    );
    expect(() => readFields(validate, 'x', { interval: 1, intervalMs: 2 }, SPEC)).toThrow(
      'x.intervalMs: is the same field as interval; keep one',
    );
  });

  it('warns about a deprecated alias once per key, and only when asked to', () => {
    const warnings: string[] = [];
    const options = { warn: (m: string) => warnings.push(m), document: 'test file' };
    readFields(validate, '', { intervalMs: 1 }, SPEC);
    readFields(validate, '', { intervalMs: 1 }, SPEC, options);
    readFields(validate, '', { intervalMs: 2 }, SPEC, options);
    readFields(validate, '', { interval_ms: 2 }, SPEC, options);
    expect(warnings).toEqual([
      'test file: "intervalMs" is deprecated; write "interval" instead (same value)',
      'test file: "interval_ms" is deprecated; write "interval" instead (same value)',
    ]);
  });

  it('camelCaseKey', () => {
    expect(camelCaseKey('degraded_threshold_ms')).toBe('degradedThresholdMs');
    expect(camelCaseKey('maxQueue')).toBe('maxQueue');
  });
});
