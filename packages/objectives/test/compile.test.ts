import { describe, expect, it } from 'vitest';
import { compileObjectives, type ObjectivesConfig, ToolscopeConfigError } from '../src/index.ts';

function fieldOf(config: unknown, options = {}): string {
  try {
    compileObjectives(config as ObjectivesConfig, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ToolscopeConfigError);
    return (err as ToolscopeConfigError).field;
  }
  throw new Error('expected a ToolscopeConfigError');
}

describe('compileObjectives: bad input fails at set-up, naming the field', () => {
  it.each([
    ['p100 <= 1s', 'tools["a"].latency.percentile'],
    ['p150 <= 1s', 'tools["a"].latency.percentile'],
    ['p0 <= 1s', 'tools["a"].latency.percentile'],
    ['p95 <= -5ms', 'tools["a"].latency.max'],
    ['p95 <= 0ms', 'tools["a"].latency.max'],
    ['p95 under 1s', 'tools["a"].latency'],
  ])('latency %j', (latency, field) => {
    expect(fieldOf({ tools: { a: { latency } } })).toBe(field);
  });

  it('rejects a percentile outside (0, 100) in object form', () => {
    expect(fieldOf({ tools: { a: { latency: { percentile: 100, maxMs: 5 } } } })).toBe(
      'tools["a"].latency.percentile',
    );
    expect(fieldOf({ tools: { a: { latency: { percentile: 95, maxMs: -1 } } } })).toBe(
      'tools["a"].latency.maxMs',
    );
  });

  it('rejects negative and out-of-range rates', () => {
    expect(fieldOf({ tools: { a: { minSuccessRate: -0.1 } } })).toBe('tools["a"].minSuccessRate');
    expect(fieldOf({ tools: { a: { minSuccessRate: 1.2 } } })).toBe('tools["a"].minSuccessRate');
    expect(fieldOf({ tools: { a: { maxRetryRate: -1 } } })).toBe('tools["a"].maxRetryRate');
    expect(fieldOf({ tools: { a: { maxFallbackRate: -0.5 } } })).toBe('tools["a"].maxFallbackRate');
    expect(fieldOf({ tools: { a: { minCalls: 0 } } })).toBe('tools["a"].minCalls');
  });

  it('rejects a window shorter than the evaluation interval', () => {
    expect(fieldOf({ evaluationInterval: '1m', tools: { a: { window: '30s' } } })).toBe(
      'tools["a"].window',
    );
    expect(fieldOf({ evaluationInterval: '1m', tools: { '*': { window: '30s' }, a: {} } })).toBe(
      'tools["*"].window',
    );
    expect(fieldOf({ evaluationInterval: '10m', tools: { a: { latency: 'p95 <= 1s' } } })).toBe(
      'evaluationInterval',
    );
    expect(() =>
      compileObjectives({ evaluationInterval: '1m', tools: { a: { window: '1m' } } }),
    ).not.toThrow();
  });

  it('rejects malformed and unknown patterns', () => {
    expect(fieldOf({ tools: { '': {} } })).toBe('tools[""]');
    expect(fieldOf({ tools: { ' search': {} } })).toBe('tools[" search"]');
    expect(fieldOf({ tools: { 'search_[ab]': {} } })).toBe('tools["search_[ab]"]');
    expect(fieldOf({ tools: { 'se{a,b}': {} } })).toBe('tools["se{a,b}"]');
    const known = { knownTools: ['search_web', 'search_news', 'fetch'] };
    expect(fieldOf({ tools: { 'serch_*': {} } }, known)).toBe('tools["serch_*"]');
    expect(fieldOf({ tools: { fech: {} } }, known)).toBe('tools["fech"]');
    expect(() =>
      compileObjectives({ tools: { '*': {}, 'search_*': {}, fetch: {} } }, known),
    ).not.toThrow();
    expect(fieldOf({ workflows: { plan: {} } }, { knownWorkflows: ['trip'] })).toBe(
      'workflows["plan"]',
    );
  });

  it('rejects unknown fields, tool-only bounds on workflows and bad policy values', () => {
    expect(fieldOf({ tools: { a: { minSucessRate: 0.9 } } })).toBe('tools["a"].minSucessRate');
    expect(fieldOf({ workflows: { w: { maxRetryRate: 0.1 } } })).toBe(
      'workflows["w"].maxRetryRate',
    );
    expect(fieldOf({ tool: {} })).toBe('tool');
    expect(fieldOf({ errorFactor: 1 })).toBe('errorFactor');
    expect(fieldOf({ hysteresis: 1 })).toBe('hysteresis');
    expect(fieldOf({ evaluationInterval: '5 minutes' })).toBe('evaluationInterval');
    expect(fieldOf({ resolveAfterEvaluations: 0 })).toBe('resolveAfterEvaluations');
  });

  it('gives messages that say what to fix', () => {
    expect(() => compileObjectives({ tools: { a: { latency: 'p100 <= 1s' } } })).toThrow(
      'tools["a"].latency.percentile: must be strictly between 0 and 100 (p50, p95, p99.9) (got 100)',
    );
    expect(() =>
      compileObjectives({ evaluationInterval: '1m', tools: { a: { window: '30s' } } }),
    ).toThrow(/shorter than evaluationInterval/);
  });
});

describe('compileObjectives: which entry a name follows', () => {
  const compiled = compileObjectives({
    tools: {
      '*': { latency: 'p95 <= 2s', minSuccessRate: 0.99, minCalls: 50 },
      'search_*': { latency: 'p99 <= 800ms' },
      'search_web*': { minSuccessRate: null, window: '10m' },
      search_web_v2: { maxRetryRate: 0.3 },
      'a?c': {},
    },
  });

  it('prefers an exact name, then the most specific glob, then the default', () => {
    expect(compiled.resolve('tool', 'search_web_v2')?.pattern).toBe('search_web_v2');
    expect(compiled.resolve('tool', 'search_web')?.pattern).toBe('search_web*');
    expect(compiled.resolve('tool', 'search_news')?.pattern).toBe('search_*');
    expect(compiled.resolve('tool', 'abc')?.pattern).toBe('a?c');
    expect(compiled.resolve('tool', 'abbc')?.pattern).toBe('*');
    expect(compiled.resolve('workflow', 'search_news')).toBeUndefined();
  });

  it('inherits unset fields from the default, and null switches one off', () => {
    expect(compiled.resolve('tool', 'search_news')).toMatchObject({
      latency: { percentile: 99, maxMs: 800 },
      minSuccessRate: 0.99,
      minCalls: 50,
      windowMs: 300_000,
    });
    expect(compiled.resolve('tool', 'search_web')).toMatchObject({
      latency: { percentile: 95, maxMs: 2000 },
      minSuccessRate: undefined,
      windowMs: 600_000,
    });
    expect(compiled.resolve('tool', 'search_web_v2')).toMatchObject({
      latency: { percentile: 95, maxMs: 2000 },
      maxRetryRate: 0.3,
      criticalSuccessRate: 0.5,
    });
  });

  it('lists entries highest precedence first', () => {
    expect(compiled.entries.map((e) => e.pattern)).toEqual([
      'search_web_v2',
      'search_web*',
      'search_*',
      'a?c',
      '*',
    ]);
  });

  it('breaks ties between equally specific globs in favour of the later one', () => {
    const c = compileObjectives({ tools: { 'a*': {}, '*b': {} } });
    expect(c.resolve('tool', 'ab')?.pattern).toBe('*b');
  });

  it('treats regular-expression characters in names literally', () => {
    const c = compileObjectives({ tools: { 'api.v1*': {} } });
    expect(c.resolve('tool', 'api.v1.get')?.pattern).toBe('api.v1*');
    expect(c.resolve('tool', 'apixv1')).toBeUndefined();
  });
});
