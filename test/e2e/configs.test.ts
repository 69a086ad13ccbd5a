/**
 * The shipped configuration files, checked by the programs that read them (the collector
 * built from builder-config.yaml, Jaeger, promtool) and, for docker-compose.yml and the
 * Grafana provisioning, statically.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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

  it('rejects a broken config (validate really checks)', () => {
    const r = exec(backends().TOOLSCOPE_OTELCOL_BIN, [
      'validate',
      `--config=${join(CONFIG_DIR, 'otelcol.yaml')}`,
      // v0.161's prometheus exporter takes unknown keys without a word; span_metrics does not.
      '--set=connectors::span_metrics::no_such_option=true',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/no_such_option/);
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
  it('promtool accepts prometheus.yml as shipped (compose) and as rendered for the tests', () => {
    const promtool = backends().TOOLSCOPE_PROMTOOL_BIN;
    expectOk(exec(promtool, ['check', 'config', join(CONFIG_DIR, 'prometheus.yml')]));
    expectOk(exec(promtool, ['check', 'config', backends().TOOLSCOPE_PROMETHEUS_CONFIG]));
  });

  it('promtool accepts alert-rules.yml', () => {
    const r = exec(backends().TOOLSCOPE_PROMTOOL_BIN, [
      'check',
      'rules',
      join(CONFIG_DIR, 'alert-rules.yml'),
    ]);
    expectOk(r);
  });

  it('has the alerts the issue asks for', () => {
    const rules = parse(readFileSync(join(CONFIG_DIR, 'alert-rules.yml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }>;
    };
    const alerts = new Map(
      rules.groups.flatMap((g) => g.rules).flatMap((r) => (r.alert ? [[r.alert, r.expr]] : [])),
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

  it('the test rendering only changes targets, intervals and the rule path', () => {
    const shipped = parse(readFileSync(join(CONFIG_DIR, 'prometheus.yml'), 'utf8'));
    const rendered = parse(readFileSync(backends().TOOLSCOPE_PROMETHEUS_CONFIG, 'utf8'));
    expect(rendered.rule_files).toEqual([join(CONFIG_DIR, 'alert-rules.yml')]);
    expect(rendered.scrape_configs.map((s: { job_name: string }) => s.job_name)).toEqual(
      shipped.scrape_configs.map((s: { job_name: string }) => s.job_name),
    );
    const targets = rendered.scrape_configs.flatMap(
      (j: { static_configs: Array<{ targets: string[] }> }) =>
        j.static_configs.flatMap((c) => c.targets),
    );
    expect(targets).toEqual(['127.0.0.1:8889', '127.0.0.1:18888']);
    expect(rendered.global.evaluation_interval).toBe('1s');
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
  });
});
