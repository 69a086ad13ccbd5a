import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { findPromtool } from '../../../test/support/promtool.ts';
import { type ObjectivesConfig, renderPrometheusRules } from '../src/index.ts';

interface RuleFile {
  groups: {
    name: string;
    rules: {
      alert: string;
      expr: string;
      for: string;
      labels: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
}

const objectives: ObjectivesConfig = {
  evaluationInterval: '30s',
  tools: {
    '*': { latency: 'p95 <= 2s', minSuccessRate: 0.99 },
    'search_*': {
      latency: 'p95 <= 800ms',
      minSuccessRate: 0.9,
      maxRetryRate: 0.2,
      maxFallbackRate: 0.05,
    },
    search_web: { minCalls: 20 },
    'v?_api': { latency: { percentile: 99.9, maxMs: 1500 }, minSuccessRate: null },
  },
  workflows: { '*': { latency: 'p99 <= 10s', minSuccessRate: 0.95 } },
};

function promtool(args: string[], cwd?: string): { status: number | null; out: string } {
  const r = spawnSync(findPromtool(), args, { encoding: 'utf8', timeout: 60_000, cwd });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'toolscope-objectives-'));
}

describe('renderPrometheusRules', () => {
  it('renders rules that pass promtool check rules', () => {
    const yaml = renderPrometheusRules(objectives, { window: '5m', for: '2m' });
    const file = join(tempDir(), 'rules.yml');
    writeFileSync(file, yaml);
    const r = promtool(['check', 'rules', file]);
    expect(r.out).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('maps patterns, metrics and severities onto the contract names', () => {
    const doc = parse(renderPrometheusRules(objectives, { window: '10m', for: '2m' })) as RuleFile;
    expect(doc.groups.map((g) => g.name)).toEqual(['toolscope-objectives']);
    const rules = doc.groups[0]!.rules;
    const of = (alert: string, objective: string, trigger: string) =>
      rules.find(
        (r) =>
          r.alert === alert && r.labels.objective === objective && r.labels.trigger === trigger,
      )!;

    const exact = of('ToolLatencyObjective', 'search_web', 'bound');
    expect(exact.expr).toContain(
      'gen_ai_execute_tool_duration_seconds_bucket{gen_ai_tool_name="search_web"}[10m]',
    );
    expect(exact.expr).toContain('histogram_quantile(0.95, sum by (le, gen_ai_tool_name)');
    // An entry inherits from the default `*` only, never from another glob: 2 s, not 0.8 s.
    expect(exact.expr).toContain('> 2\n');
    const glob = of('ToolLatencyObjective', 'search_*', 'bound');
    expect(glob.expr).toContain('gen_ai_tool_name=~"search_.*", gen_ai_tool_name!~"search_web"');
    const star = of('ToolLatencyObjective', '*', 'bound');
    expect(star.expr).toContain('gen_ai_tool_name!~"search_web|search_.*|v._api"');
    expect(star.expr).toContain('> 2\n');
    expect(of('ToolLatencyObjective', 'v?_api', 'bound').expr).toContain(
      'histogram_quantile(0.999,',
    );

    const success = of('ToolSuccessRateObjective', 'search_*', 'bound');
    expect(success.expr).toContain('error_type=""');
    expect(success.labels).toEqual({
      severity: 'warning',
      toolscope_alert_kind: 'error_rate_threshold',
      objective: 'search_*',
      trigger: 'bound',
    });
    expect(success.for).toBe('2m');
    expect(of('ToolSuccessRateObjective', 'search_*', 'margin').expr).toContain('<= 0.85\n');
    expect(of('ToolSuccessRateObjective', 'search_*', 'floor').labels.severity).toBe('critical');
    expect(of('ToolSuccessRateObjective', 'search_*', 'sustained').for).toBe('5m');
    expect(
      rules.some((r) => r.alert === 'ToolSuccessRateObjective' && r.labels.objective === 'v?_api'),
    ).toBe(false);

    expect(of('ToolRetryRateObjective', 'search_*', 'margin').expr).toContain(
      'toolscope_tool_retries_total{',
    );
    expect(of('ToolFallbackRateObjective', 'search_*', 'bound').expr).toContain(
      'label_replace(rate(toolscope_tool_fallbacks_total{toolscope_tool_fallback_for=~"search_.*"',
    );
    const wf = of('WorkflowLatencyObjective', '*', 'bound');
    expect(wf.expr).toContain('gen_ai_workflow_duration_seconds_bucket[10m]');
    expect(wf.expr).toContain('sum by (le, gen_ai_workflow_name)');
    const severities = new Set(rules.map((r) => r.labels.severity));
    expect([...severities].sort()).toEqual(['critical', 'error', 'warning']);
  });

  it('fires, holds within the hysteresis band and resolves under promtool test rules', () => {
    const config: ObjectivesConfig = {
      evaluationInterval: '30s',
      errorAfterEvaluations: 10, // sustained ERROR after 5m
      tools: {
        'search_*': { latency: 'p95 <= 800ms', minSuccessRate: 0.9, window: '5m', minCalls: 20 },
      },
    };
    const dir = tempDir();
    const writeRules = (name: string, hysteresis: boolean): void => {
      const doc = parse(renderPrometheusRules(config, { for: '1m', hysteresis })) as RuleFile;
      // The expressions are under test; annotations hold {{ $value }} renderings.
      for (const r of doc.groups[0]!.rules) delete r.annotations;
      writeFileSync(join(dir, name), stringify(doc));
    };
    writeRules('rules.yml', true);
    writeRules('rules-no-hysteresis.yml', false);

    // search_web, 60 calls a minute: minutes 0-10 in (0.75 s, 1 s] (p95 0.9875 s, a breach),
    // 10-30 in (0.5 s, 0.75 s] (p95 0.7375 s: under the bound, above 0.72 s = bound × 0.9),
    // 30-50 in (0, 0.5 s] (p95 0.475 s: clear).
    const minutes = Array.from({ length: 51 }, (_, m) => m);
    const a = (m: number) => Math.min(m, 10) * 60;
    const b = (m: number) => Math.min(Math.max(m - 10, 0), 20) * 60;
    const c = (m: number) => Math.min(Math.max(m - 30, 0), 20) * 60;
    const series = (f: (m: number) => number) => minutes.map(f).join(' ');
    const web = (le: string, f: (m: number) => number) => ({
      series: `gen_ai_execute_tool_duration_seconds_bucket{gen_ai_tool_name="search_web", le="${le}"}`,
      values: series(f),
    });
    const inputSeries = [
      web('0.5', c),
      web('0.75', (m) => c(m) + b(m)),
      web('1', (m) => c(m) + b(m) + a(m)),
      web('+Inf', (m) => c(m) + b(m) + a(m)),
      {
        series: 'gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="search_web"}',
        values: series((m) => c(m) + b(m) + a(m)),
      },
      // search_pay: a third of 60 calls a minute succeed: WARNING, ERROR (margin), CRITICAL.
      {
        series: 'gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="search_pay"}',
        values: series((m) => m * 20),
      },
      {
        series:
          'gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="search_pay", error_type="Timeout"}',
        values: series((m) => m * 40),
      },
      // search_rare: every call fails, but 2 calls a minute stay under minCalls (20 in 5m).
      {
        series:
          'gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="search_rare", error_type="Timeout"}',
        values: series((m) => m * 2),
      },
    ];
    const labels = (tool: string, kind: string, severity: string, trigger: string) => ({
      exp_labels: {
        gen_ai_tool_name: tool,
        severity,
        toolscope_alert_kind: kind,
        objective: 'search_*',
        trigger,
      },
    });
    const warning = labels('search_web', 'latency_threshold', 'warning', 'bound');
    const sustained = labels('search_web', 'latency_threshold', 'error', 'sustained');
    const latency = (at: string, exp: unknown[]) => ({
      eval_time: at,
      alertname: 'ToolLatencyObjective',
      exp_alerts: exp,
    });
    const test = (ruleFile: string, alertTests: unknown[]) => ({
      rule_files: [ruleFile],
      evaluation_interval: '30s',
      tests: [{ interval: '1m', input_series: inputSeries, alert_rule_test: alertTests }],
    });

    writeFileSync(
      join(dir, 'test.yml'),
      stringify(
        test('rules.yml', [
          latency('4m', [warning]),
          latency('8m', [warning, sustained]),
          latency('25m', [warning, sustained]), // p95 0.7375 s: held by hysteresis
          latency('45m', []),
          {
            eval_time: '4m',
            alertname: 'ToolSuccessRateObjective',
            exp_alerts: [
              labels('search_pay', 'error_rate_threshold', 'warning', 'bound'),
              labels('search_pay', 'error_rate_threshold', 'error', 'margin'),
              labels('search_pay', 'error_rate_threshold', 'critical', 'floor'),
            ],
          },
        ]),
      ),
    );
    const withHysteresis = promtool(['test', 'rules', 'test.yml'], dir);
    expect(withHysteresis.out).toContain('SUCCESS');
    expect(withHysteresis.status).toBe(0);

    // Control: the same data without hysteresis resolves in the band.
    writeFileSync(
      join(dir, 'test-no-hysteresis.yml'),
      stringify(
        test('rules-no-hysteresis.yml', [latency('8m', [warning, sustained]), latency('25m', [])]),
      ),
    );
    const without = promtool(['test', 'rules', 'test-no-hysteresis.yml'], dir);
    expect(without.out).toContain('SUCCESS');
    expect(without.status).toBe(0);
  });
});
