import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureDiag } from '../../../test/support/diag.ts';
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
        '    latency: { percentile: 99, max: 10s }',
        '',
      ].join('\n'),
    );
    const config = loadObjectives(file);
    const compiled = compileObjectives(config);
    expect(compiled).toBe(config); // validated and compiled once, by the loader
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
    expect(() => loadObjectives(join(dir, 'missing.yaml'))).toThrow(
      /^file: .*missing\.yaml cannot be read \(no such file or directory\)$/,
    );
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "tools": ');
    expect(() => loadObjectives(file)).toThrow(/^file: .*broken\.json is not valid json/);
  });

  it('a file given by mistake: its kind in the error, never its content', () => {
    const env = join(dir, 'prod.env');
    writeFileSync(env, 'API_KEY=sk-live-0123456789\n');
    expect(() => loadObjectives(env)).toThrow(
      new ToolscopeConfigError(
        'objectives',
        `must be an object with tools and/or workflows (got a string of 26 characters) (in ${env})`,
      ),
    );
    const json = join(dir, 'prod.json');
    writeFileSync(json, 'API_KEY=sk-live-0123456789\n');
    expect(() => loadObjectives(json)).toThrow(
      new ToolscopeConfigError('file', `${json} is not valid json: unexpected token`),
    );
  });

  it('reads snake_case keys and the one duration grammar, and names the key as written', () => {
    const file = join(dir, 'snake.yaml');
    writeFileSync(
      file,
      [
        'evaluation_interval: 1h30m',
        'error_after_evaluations: 2',
        'tools:',
        '  fetch:',
        '    min_success_rate: 0.9',
        '    window: 1d',
        '    latency: p99 <= 1m30s',
        '',
      ].join('\n'),
    );
    const compiled = loadObjectives(file);
    expect(compiled.evaluationIntervalMs).toBe(5_400_000);
    expect(compiled.policy.errorAfterEvaluations).toBe(2);
    expect(compiled.resolve('tool', 'fetch')).toMatchObject({
      minSuccessRate: 0.9,
      windowMs: 86_400_000,
      latency: { percentile: 99, maxMs: 90_000 },
    });

    writeFileSync(file, 'tools:\n  fetch:\n    min_success_rate: 2\n');
    expect(() => loadObjectives(file)).toThrow(
      /^tools\["fetch"\]\.min_success_rate: must be a rate from 0 to 1, for example 0\.99 \(got 2\) \(in .*snake\.yaml\)$/,
    );
    writeFileSync(file, 'evaluation_interval: -1m\n');
    try {
      loadObjectives(file);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ToolscopeConfigError);
      expect((err as ToolscopeConfigError).field).toBe('evaluation_interval');
    }
  });

  it('still reads maxMs in a latency bound, with one warning', () => {
    const file = join(dir, 'old.yaml');
    writeFileSync(file, 'workflows:\n  w:\n    latency: { percentile: 99, maxMs: 10000 }\n');
    const diag = captureDiag();
    try {
      expect(loadObjectives(file).resolve('workflow', 'w')?.latency).toEqual({
        percentile: 99,
        maxMs: 10_000,
      });
      loadObjectives(file);
      expect(diag.messages.filter((m) => m.includes('deprecated'))).toEqual([
        `warn @toolscope/objectives ${file}: "maxMs" is deprecated; write "max" instead (same value)`,
      ]);
    } finally {
      diag.restore();
    }
  });
});
