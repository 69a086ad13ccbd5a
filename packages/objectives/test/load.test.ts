import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileObjectives,
  loadObjectives,
  renderPrometheusRules,
  ToolscopeConfigError,
} from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'toolscope-objectives-load-'));

describe('loadObjectives', () => {
  it('reads YAML', () => {
    const file = join(dir, 'objectives.yaml');
    writeFileSync(
      file,
      [
        'evaluationInterval: 30s',
        'hysteresis: 0.2',
        'tools:',
        '  "*":',
        '    latency: p95 <= 2s',
        '    minSuccessRate: 0.99',
        '    window: 5m',
        '  search_*:',
        '    latency: p95 <= 800ms',
        '    maxRetryRate: 0.2',
        'workflows:',
        '  plan_trip:',
        '    latency: { percentile: 99, maxMs: 10000 }',
        '',
      ].join('\n'),
    );
    const config = loadObjectives(file);
    const compiled = compileObjectives(config);
    expect(compiled.policy.hysteresis).toBe(0.2);
    expect(compiled.resolve('tool', 'search_web')).toMatchObject({
      latency: { percentile: 95, maxMs: 800 },
      minSuccessRate: 0.99,
      maxRetryRate: 0.2,
    });
    expect(compiled.resolve('workflow', 'plan_trip')?.latency).toEqual({
      percentile: 99,
      maxMs: 10000,
    });
    expect(renderPrometheusRules(config)).toContain('WorkflowLatencyObjective');
  });

  it('reads JSON', () => {
    const file = join(dir, 'objectives.json');
    writeFileSync(file, JSON.stringify({ tools: { fetch: { minSuccessRate: 0.95 } } }));
    expect(compileObjectives(loadObjectives(file)).resolve('tool', 'fetch')?.minSuccessRate).toBe(
      0.95,
    );
  });

  it('names the field and the file of a bad objective', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'tools:\n  search:\n    latency: p100 <= 1s\n');
    expect(() => loadObjectives(file)).toThrow(ToolscopeConfigError);
    expect(() => loadObjectives(file)).toThrow(
      /^tools\["search"\]\.latency\.percentile: must be strictly between 0 and 100.*\(in .*bad\.yaml\)$/,
    );
  });

  it('checks patterns against known tools', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'tools:\n  serch_*:\n    latency: p95 <= 1s\n');
    expect(() => loadObjectives(file, { knownTools: ['search_web'] })).toThrow(/serch_\*/);
  });

  it('fails clearly on a missing file or broken syntax', () => {
    expect(() => loadObjectives(join(dir, 'missing.yaml'))).toThrow(/^file: cannot read/);
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "tools": ');
    expect(() => loadObjectives(file)).toThrow(/^file: .*broken\.json is not valid json/);
  });
});
