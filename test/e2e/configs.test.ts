/**
 * The shipped configuration files, checked by the programs that read them (the collector
 * built from builder-config.yaml, Jaeger, promtool) and, for docker-compose.yml and the
 * Grafana provisioning, statically.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';
import { renderPrometheusRules } from '@toolscope/objectives';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { backends, REPO_ROOT } from './backends.ts';
import { exec, expectOk } from './support/exec.ts';

const CONFIG_DIR = join(REPO_ROOT, 'collector-config');

describe('collector config', () => {
  it('is accepted by `otelcol-toolscope validate` with the loopback defaults', () => {
    expectOk(
      exec(backends().TOOLSCOPE_OTELCOL_BIN, [
        'validate',
        `--config=${join(CONFIG_DIR, 'otelcol.yaml')}`,
      ]),
    );
  });

  it('is accepted with the compose overrides (0.0.0.0, jaeger:4317)', () => {
    expectOk(
      exec(
        backends().TOOLSCOPE_OTELCOL_BIN,
        ['validate', `--config=${join(CONFIG_DIR, 'otelcol.yaml')}`],
        {
          COLLECTOR_LISTEN_HOST: '0.0.0.0',
          JAEGER_OTLP_ENDPOINT: 'jaeger:4317',
        },
      ),
    );
  });

  it('only uses components the built distribution has, by their canonical names', () => {
    const r = exec(backends().TOOLSCOPE_OTELCOL_BIN, ['components']);
    expectOk(r);
    const components = parse(r.output) as Record<string, Array<{ name: string }>>;
    const names = (kind: string) => (components[kind] ?? []).map((c) => c.name);
    expect(names('receivers')).toContain('otlp');
    expect(names('processors')).toEqual(expect.arrayContaining(['batch', 'memory_limiter']));
    expect(names('exporters')).toEqual(expect.arrayContaining(['otlp_grpc', 'prometheus']));
    expect(names('connectors')).toContain('span_metrics');
    expect(names('extensions')).toContain('health_check');
    const config = readFileSync(join(CONFIG_DIR, 'otelcol.yaml'), 'utf8');
    expect(config).not.toMatch(/^\s+(otlp\/|otlphttp|spanmetrics:)/m);
    expect(config).not.toMatch(/resource_to_telemetry_conversion:\n\s+enabled/);
  });

  it('is accepted with metrics pushed to Prometheus over OTLP (path b)', () => {
    expectOk(
      exec(
        backends().TOOLSCOPE_OTELCOL_BIN,
        ['validate', `--config=${join(CONFIG_DIR, 'otelcol.yaml')}`],
        {
          COLLECTOR_METRICS_EXPORTER: 'otlp_http/prometheus',
          PROMETHEUS_OTLP_ENDPOINT: 'http://prometheus:9090/api/v1/otlp',
        },
      ),
    );
  });

  it('rejects a broken config (validate really checks)', () => {
    // v0.161's prometheus exporter ignores unknown keys, so break a typed one instead.
    const r = exec(backends().TOOLSCOPE_OTELCOL_BIN, [
      'validate',
      `--config=${join(CONFIG_DIR, 'otelcol.yaml')}`,
      // v0.161's prometheus exporter takes unknown keys without a word; span_metrics does not.
      '--set=connectors::span_metrics::no_such_option=true',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/no_such_option/);
    const unknown = exec(
      backends().TOOLSCOPE_OTELCOL_BIN,
      ['validate', `--config=${join(CONFIG_DIR, 'otelcol.yaml')}`],
      { COLLECTOR_METRICS_EXPORTER: 'otlp_http/nowhere' },
    );
    expect(unknown.status).not.toBe(0);
    expect(unknown.output).toMatch(/otlp_http\/nowhere/);
  });
});

describe('jaeger config', () => {
  it('is accepted by `jaeger validate`', () => {
    expectOk(
      exec(backends().TOOLSCOPE_JAEGER_BIN, [
        'validate',
        `--config=${join(CONFIG_DIR, 'jaeger.yaml')}`,
      ]),
    );
  });
});

describe('prometheus config and rules', () => {
  const shippedConfig = join(CONFIG_DIR, 'prometheus.yml');
  const rules = join(CONFIG_DIR, 'alert-rules.yml');

  it('Prometheus 3 runs the build backends.sh pinned, reporting its release', () => {
    const r = exec(backends().TOOLSCOPE_PROMETHEUS_BIN, ['--version']);
    expectOk(r);
    expect(r.output.split('\n')[0]).toMatch(
      new RegExp(
        `^prometheus, version ${backends().TOOLSCOPE_PROMETHEUS_VERSION.replaceAll('.', '\\.')} `,
      ),
    );
    expect(backends().TOOLSCOPE_PROMETHEUS_VERSION).toMatch(/^3\.\d+\.\d+$/);
    expect(exec(backends().TOOLSCOPE_PROMETHEUS_V2_BIN, ['--version']).output).toMatch(
      /^prometheus, version 2\./,
    );
  });

  it('promtool 3.x accepts prometheus.yml as shipped (compose) and as rendered for the tests', () => {
    const promtool = backends().TOOLSCOPE_PROMTOOL_BIN;
    expectOk(exec(promtool, ['check', 'config', shippedConfig]));
    expectOk(exec(promtool, ['check', 'config', backends().TOOLSCOPE_PROMETHEUS_CONFIG]));
  });

  it('promtool 2.x accepts the 2.x rendering (the otlp: block removed) and the same rules', () => {
    const promtool = backends().TOOLSCOPE_PROMTOOL_V2_BIN;
    expectOk(exec(promtool, ['check', 'config', backends().TOOLSCOPE_PROMETHEUS_V2_CONFIG]));
    expectOk(exec(promtool, ['check', 'rules', rules]));
    // What the rendering removes is exactly what 2.x refuses.
    expect(exec(promtool, ['check', 'config', shippedConfig]).status).not.toBe(0);
  });

  it('promtool 3.x accepts alert-rules.yml', () => {
    expectOk(exec(backends().TOOLSCOPE_PROMTOOL_BIN, ['check', 'rules', rules]));
  });

  it('the rules read native and classic histograms and never count a tool twice (promtool test rules)', () => {
    const r = exec(backends().TOOLSCOPE_PROMTOOL_BIN, [
      'test',
      'rules',
      join(REPO_ROOT, 'test/e2e/fixtures/alert-rules.test.yml'),
    ]);
    expectOk(r);
    expect(r.output).toMatch(/SUCCESS/);
  });

  it("@toolscope/objectives' generated rules read native histograms first, never both (promtool test rules)", () => {
    const doc = parse(
      renderPrometheusRules(
        {
          evaluationInterval: '30s',
          tools: {
            'search_*': {
              latency: 'p95 <= 800ms',
              minSuccessRate: 0.9,
              window: '5m',
              minCalls: 20,
            },
          },
        },
        { for: '1m' },
      ),
    ) as { groups: Array<{ rules: Array<{ annotations?: unknown }> }> };
    for (const r of doc.groups[0]!.rules) delete r.annotations;
    const dir = mkdtempSync(join(tmpdir(), 'toolscope-objectives-native-'));
    writeFileSync(join(dir, 'rules.yml'), stringify(doc));
    // Per minute: 20 successes and 40 timeouts, all in (0.5 s, 1 s] (schema 0, bucket 0).
    const native = (tool: string, extra: string, n: number) => ({
      series: `gen_ai_execute_tool_duration_seconds{gen_ai_tool_name="${tool}"${extra}}`,
      values: `{{schema:0 sum:0 count:0}}+{{schema:0 sum:${0.75 * n} count:${n} buckets:[${n}]}}x30`,
    });
    const classic = (name: string, labels: string) => ({
      series: `gen_ai_execute_tool_duration_seconds_${name}{gen_ai_tool_name="search_both"${labels}}`,
      values: '0+600x30',
    });
    const input = [
      native('search_native', '', 20),
      native('search_native', ', error_type="Timeout"', 40),
      // search_both: the same native histograms, and classic series saying something else
      // (600 fast successes a minute). Read native first, it alerts; adding both would not.
      native('search_both', '', 20),
      native('search_both', ', error_type="Timeout"', 40),
      classic('count', ''),
      classic('bucket', ', le="0.5"'),
      classic('bucket', ', le="+Inf"'),
    ];
    const expected = (kind: string, severity: string, trigger: string) =>
      ['search_both', 'search_native'].map((tool) => ({
        exp_labels: {
          gen_ai_tool_name: tool,
          severity,
          toolscope_alert_kind: kind,
          objective: 'search_*',
          trigger,
        },
      }));
    writeFileSync(
      join(dir, 'test.yml'),
      stringify({
        rule_files: ['rules.yml'],
        evaluation_interval: '30s',
        tests: [
          {
            interval: '1m',
            input_series: input,
            alert_rule_test: [
              {
                eval_time: '4m',
                alertname: 'ToolLatencyObjective',
                exp_alerts: expected('latency_threshold', 'warning', 'bound'),
              },
              {
                eval_time: '4m',
                alertname: 'ToolSuccessRateObjective',
                exp_alerts: [
                  ...expected('error_rate_threshold', 'warning', 'bound'),
                  ...expected('error_rate_threshold', 'error', 'margin'),
                  ...expected('error_rate_threshold', 'critical', 'floor'),
                ],
              },
            ],
          },
        ],
      }),
    );
    // rule_files resolve against the test file's directory.
    const r = exec(backends().TOOLSCOPE_PROMTOOL_BIN, ['test', 'rules', join(dir, 'test.yml')]);
    expectOk(r);
    expect(r.output).toContain('SUCCESS');
  });

  it('has the alerts the issue asks for', () => {
    const parsed = parse(readFileSync(rules, 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }>;
    };
    const alerts = new Map(
      parsed.groups.flatMap((g) => g.rules).flatMap((r) => (r.alert ? [[r.alert, r.expr]] : [])),
    );
    expect([...alerts.keys()]).toEqual(
      expect.arrayContaining([
        'ToolUnhealthy',
        'ToolDegraded',
        'ToolLatencyP95High',
        'ToolErrorRateHigh',
        'ToolErrorBudgetBurnFast',
        'ToolErrorBudgetBurnSlow',
      ]),
    );
    expect(alerts.get('ToolUnhealthy')).toContain('toolscope_health_state="unhealthy"');
    expect(alerts.get('ToolDegraded')).toContain('toolscope_health_state="degraded"');
  });

  it('the test renderings only change targets, intervals and the rule path (and drop otlp: for 2.x)', () => {
    const shipped = parse(readFileSync(shippedConfig, 'utf8'));
    const hostPort = (url: string) => new URL(url).host;
    for (const [file, v2] of [
      [backends().TOOLSCOPE_PROMETHEUS_CONFIG, false],
      [backends().TOOLSCOPE_PROMETHEUS_V2_CONFIG, true],
    ] as const) {
      const rendered = parse(readFileSync(file, 'utf8'));
      expect(rendered.rule_files).toEqual([rules]);
      expect(rendered.scrape_configs.map((s: { job_name: string }) => s.job_name)).toEqual(
        shipped.scrape_configs.map((s: { job_name: string }) => s.job_name),
      );
      const targets = rendered.scrape_configs.flatMap(
        (j: { static_configs: Array<{ targets: string[] }> }) =>
          j.static_configs.flatMap((c) => c.targets),
      );
      expect(targets).toEqual([
        hostPort(backends().TOOLSCOPE_COLLECTOR_METRICS_URL),
        hostPort(backends().TOOLSCOPE_COLLECTOR_TELEMETRY_URL),
      ]);
      expect(rendered.global.evaluation_interval).toBe('1s');
      expect(rendered.otlp, file).toEqual(v2 ? undefined : shipped.otlp);
    }
  });
});

// ---------------------------------------------------------------- docker-compose.yml

interface ComposeService {
  image?: string;
  command?: string[] | string;
  volumes?: Array<string | { type: string; source: string; target: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  environment?: Record<string, string> | string[];
}

const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};

function mounts(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source, target: v.target };
    const [source, target] = v.split(':');
    return { source: source!, target: target! };
  });
}

/** Every file under collector-config that a running stack reads (not the OCB manifest or docs). */
function stackFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(REPO_ROOT, p));
    }
  };
  walk(CONFIG_DIR);
  // collector-config/gateway/ is the two-tier topology (docs/scaling.md), not part of compose.
  return out
    .filter((f) => !/(builder-config\.yaml|README\.md)$/.test(f))
    .filter((f) => !f.startsWith('collector-config/gateway/'))
    .sort();
}

describe('docker-compose.yml', () => {
  it('has the collector, Jaeger v2, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'grafana',
      'jaeger',
      'otel-collector',
      'prometheus',
    ]);
    expect(compose.services['otel-collector']!.image).toMatch(
      /^otel\/opentelemetry-collector-contrib:/,
    );
    expect(compose.services.jaeger!.image).toMatch(/^jaegertracing\/jaeger:2\./);
  });

  it('pins every image to a release tag (never latest)', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      const image = svc.image ?? '';
      const m = /^(?<repo>[a-z0-9./_-]+):(?<tag>[A-Za-z0-9._-]+)(@sha256:[a-f0-9]{64})?$/.exec(
        image,
      );
      expect(m, `${name}: image '${image}' has no tag`).not.toBeNull();
      expect(m!.groups!.tag, `${name}: image '${image}'`).not.toMatch(
        /^(latest|main|master|nightly|dev)$/,
      );
      expect(m!.groups!.tag, `${name}: image '${image}'`).toMatch(/\d+\.\d+/);
    }
  });

  it('pins the collector and Jaeger images to the releases the tests build', () => {
    const manifest = readFileSync(join(CONFIG_DIR, 'builder-config.yaml'), 'utf8');
    const core = /otlpreceiver v0\.(\d+)\./.exec(manifest)![1];
    expect(compose.services['otel-collector']!.image).toMatch(new RegExp(`:0\\.${core}\\.\\d+$`));
    // Prometheus: the 3.x release backends.sh builds from the module proxy.
    expect(compose.services.prometheus!.image).toBe(
      `prom/prometheus:v${backends().TOOLSCOPE_PROMETHEUS_VERSION}`,
    );
    const gomod = readFileSync(join(REPO_ROOT, 'tools/jaeger/go.mod'), 'utf8');
    const v1 = /github\.com\/jaegertracing\/jaeger v1\.(\d+)\.(\d+)/.exec(gomod)!;
    // Jaeger tags v1.N.x and v2.(N-63).x on the same commit (v1.76.0 = v2.13.0).
    expect(compose.services.jaeger!.image).toBe(
      `jaegertracing/jaeger:2.${Number(v1[1]) - 63}.${v1[2]}`,
    );
  });

  it('gives every service a healthcheck', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      expect(svc.healthcheck?.disable, name).not.toBe(true);
      expect(svc.healthcheck?.test, `${name} has no healthcheck`).toBeTruthy();
    }
  });

  it('mounts exactly the collector-config files, and each one where its program reads it', () => {
    const mounted = Object.values(compose.services).flatMap(mounts);
    for (const m of mounted) {
      expect(
        m.source.startsWith('./collector-config/'),
        `${m.source} is outside collector-config`,
      ).toBe(true);
      expect(existsSync(resolve(REPO_ROOT, m.source)), `${m.source} does not exist`).toBe(true);
    }
    const covered = stackFiles().filter((file) =>
      mounted.some((m) => {
        const src = posix.normalize(m.source);
        return file === src || file.startsWith(`${src}/`);
      }),
    );
    expect(covered).toEqual(stackFiles());

    const target = (svc: string, source: string) =>
      mounts(compose.services[svc]!).find((m) => m.source === source)?.target;
    const cmd = (svc: string) => [compose.services[svc]!.command ?? []].flat().join(' ');
    expect(cmd('otel-collector')).toContain(
      `--config=${target('otel-collector', './collector-config/otelcol.yaml')}`,
    );
    expect(cmd('jaeger')).toContain(
      `--config=${target('jaeger', './collector-config/jaeger.yaml')}`,
    );
    const promCfg = target('prometheus', './collector-config/prometheus.yml')!;
    expect(cmd('prometheus')).toContain(`--config.file=${promCfg}`);
    expect(cmd('prometheus')).toContain('--enable-feature=exemplar-storage');
    expect(cmd('prometheus')).toContain('--web.enable-otlp-receiver');
    // rule_files are relative to the config file's directory.
    expect(target('prometheus', './collector-config/alert-rules.yml')).toBe(
      posix.join(posix.dirname(promCfg), 'alert-rules.yml'),
    );
    expect(target('grafana', './collector-config/grafana/provisioning')).toBe(
      '/etc/grafana/provisioning',
    );
  });

  it("the distroless collector's healthcheck command works against the real collector", () => {
    const test = [compose.services['otel-collector']!.healthcheck!.test!].flat();
    expect(test[0]).toBe('CMD');
    const configTarget = mounts(compose.services['otel-collector']!).find(
      (m) => m.source === './collector-config/otelcol.yaml',
    )!.target;
    const args = test
      .slice(2)
      .map((a) =>
        a
          .replace(configTarget, join(CONFIG_DIR, 'otelcol.yaml'))
          .replace('http://127.0.0.1:13133/', backends().TOOLSCOPE_COLLECTOR_HEALTH_URL),
      );
    expect(args.some((a) => a.startsWith('--config=http://'))).toBe(true);
    expectOk(exec(backends().TOOLSCOPE_OTELCOL_BIN, args));
    // And it fails when nothing answers.
    const down = args.map((a) =>
      a.startsWith('--config=http://') ? '--config=http://127.0.0.1:9/' : a,
    );
    expect(exec(backends().TOOLSCOPE_OTELCOL_BIN, down).status).not.toBe(0);
  });

  it('points every peer at a compose service and listens on 0.0.0.0', () => {
    const env = (svc: string) => compose.services[svc]!.environment as Record<string, string>;
    expect(env('otel-collector').COLLECTOR_LISTEN_HOST).toBe('0.0.0.0');
    const [jaegerHost, jaegerPort] = env('otel-collector').JAEGER_OTLP_ENDPOINT!.split(':');
    expect(Object.keys(compose.services)).toContain(jaegerHost);
    expect(env('jaeger').JAEGER_LISTEN_HOST).toBe('0.0.0.0');
    expect(env('jaeger').JAEGER_OTLP_GRPC_PORT).toBe(jaegerPort);
    // Path (b): the collector pushes to Prometheus' OTLP receiver when asked.
    const otlp = new URL(env('otel-collector').PROMETHEUS_OTLP_ENDPOINT!);
    expect(Object.keys(compose.services)).toContain(otlp.hostname);
    expect(otlp.pathname).toBe('/api/v1/otlp');
    // Compose interpolation: `TOOLSCOPE_METRICS_EXPORTER=otlp_http/prometheus` picks path (b).
    expect(env('otel-collector').COLLECTOR_METRICS_EXPORTER).toBe(
      ['$', '{TOOLSCOPE_METRICS_EXPORTER:-prometheus}'].join(''),
    );
    const prom = parse(readFileSync(join(CONFIG_DIR, 'prometheus.yml'), 'utf8'));
    for (const job of prom.scrape_configs) {
      for (const t of job.static_configs.flatMap((s: { targets: string[] }) => s.targets)) {
        expect(Object.keys(compose.services)).toContain(t.split(':')[0]);
      }
    }
  });
});

describe('grafana provisioning', () => {
  const dir = join(CONFIG_DIR, 'grafana/provisioning');
  const ds = parse(readFileSync(join(dir, 'datasources/toolscope.yaml'), 'utf8')) as {
    datasources: Array<{
      uid: string;
      type: string;
      url: string;
      jsonData?: Record<string, unknown>;
    }>;
  };

  it('links Prometheus exemplars to the Jaeger data source', () => {
    const prom = ds.datasources.find((d) => d.type === 'prometheus')!;
    const jaeger = ds.datasources.find((d) => d.type === 'jaeger')!;
    expect(prom.url).toBe('http://prometheus:9090');
    expect(jaeger.url).toBe('http://jaeger:16686');
    expect(prom.jsonData?.exemplarTraceIdDestinations).toEqual([
      { name: 'trace_id', datasourceUid: jaeger.uid },
    ]);
  });

  it('has a per-tool dashboard with the panels the issue asks for, on provisioned data sources', () => {
    const provider = parse(readFileSync(join(dir, 'dashboards/toolscope.yaml'), 'utf8'));
    const path: string = provider.providers[0].options.path;
    expect(path.startsWith('/etc/grafana/provisioning/')).toBe(true);
    const local = join(dir, path.slice('/etc/grafana/provisioning/'.length));
    const files = readdirSync(local).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const dash = JSON.parse(readFileSync(join(local, 'tool.json'), 'utf8'));
    expect(dash.templating.list.map((v: { name: string }) => v.name)).toContain('tool');
    const exprs: string[] = dash.panels.flatMap((p: { targets: Array<{ expr: string }> }) =>
      p.targets.map((t) => t.expr),
    );
    for (const q of ['0.5', '0.95', '0.99']) {
      expect(
        exprs.some(
          (e) =>
            e.startsWith(`histogram_quantile(${q}, `) && e.includes('gen_ai_tool_name="$tool"'),
        ),
      ).toBe(true);
    }
    expect(exprs.some((e) => e.includes('error_type=""'))).toBe(true);
    expect(exprs.some((e) => e.includes('toolscope_health_status'))).toBe(true);
    expect(exprs.some((e) => e.includes('toolscope_alerts_active'))).toBe(true);
    const uids = new Set(ds.datasources.map((d) => d.uid));
    for (const p of dash.panels) {
      expect(uids.has(p.datasource.uid), p.title).toBe(true);
    }
    expect(
      dash.panels.some((p: { targets: Array<{ exemplar?: boolean }> }) =>
        p.targets.some((t) => t.exemplar),
      ),
    ).toBe(true);
    // Every tool-duration query reads both histogram kinds, native first.
    for (const e of exprs.filter((x) => x.includes('gen_ai_execute_tool_duration_seconds_'))) {
      expect(e, e).toMatch(/gen_ai_execute_tool_duration_seconds\{/);
      expect(e.indexOf('gen_ai_execute_tool_duration_seconds{'), e).toBeLessThan(
        e.indexOf('gen_ai_execute_tool_duration_seconds_'),
      );
    }
  });

  it('has an overview: every tool and workflow with calls, success, p95 against its objective, health and alerts', () => {
    const dash = JSON.parse(
      readFileSync(join(dir, 'dashboards/toolscope/overview.json'), 'utf8'),
    ) as {
      uid: string;
      panels: Array<{
        title: string;
        type: string;
        datasource: { uid: string };
        targets: Array<{ expr: string; refId: string }>;
        transformations?: Array<{ id: string; options: { renameByName?: Record<string, string> } }>;
      }>;
    };
    expect(dash.uid).toBe('toolscope-overview');
    const panel = (title: string) => dash.panels.find((p) => p.title === title)!;
    const columns = (title: string) =>
      Object.values(
        panel(title).transformations?.find((t) => t.id === 'organize')?.options.renameByName ?? {},
      );
    expect(columns('Tools')).toEqual([
      'tool',
      'calls',
      'success',
      'p95',
      'p95 objective',
      'p95 / objective',
      'health',
      'firing alerts',
    ]);
    expect(columns('Workflows')).toEqual(
      expect.arrayContaining(['workflow', 'runs', 'completed', 'p95']),
    );
    const tools = panel('Tools').targets.map((t) => t.expr);
    expect(tools.some((e) => e.includes('toolscope:tool_latency_p95_objective_seconds'))).toBe(
      true,
    );
    expect(tools.some((e) => e.includes('toolscope_health_status'))).toBe(true);
    expect(tools.some((e) => e.startsWith('count by (gen_ai_tool_name) (ALERTS{'))).toBe(true);
    for (const e of tools.filter((x) => x.includes('gen_ai_execute_tool_duration_seconds'))) {
      expect(e, e).toContain('gen_ai_execute_tool_duration_seconds{');
      expect(e, e).toMatch(/gen_ai_execute_tool_duration_seconds_(count|bucket)\{/);
    }
    const uids = new Set(ds.datasources.map((d) => d.uid));
    for (const p of dash.panels) expect(uids.has(p.datasource.uid), p.title).toBe(true);
  });
});
