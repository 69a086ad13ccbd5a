/**
 * The configuration files of the two-tier topology (collector-config/gateway), checked by the
 * programs that read them — the collector built from builder-config.yaml (v0.161), Jaeger,
 * promtool — and the collector snippets the documentation shows, validated against the same
 * binary. gateway-topology.test.ts runs them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DURATION_BUCKETS_SECONDS } from '@toolscope/instrumentation';
import { durationMs } from '@toolscope/instrumentation/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { backends, REPO_ROOT } from './backends.ts';
import { exec, expectOk } from './support/exec.ts';

const DIR = join(REPO_ROOT, 'collector-config/gateway');
const TMP = mkdtempSync(join(tmpdir(), 'toolscope-gateway-configs-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function validate(file: string, env: Record<string, string> = {}): void {
  const r = exec(backends().TOOLSCOPE_OTELCOL_BIN, ['validate', `--config=${file}`], env);
  expectOk({ ...r, output: `${file}: ${r.output}` });
}

type Yaml = Record<string, unknown>;
const load = (file: string) => parse(readFileSync(join(DIR, file), 'utf8')) as Yaml;

/** Deep merge of maps (`overlay` wins; lists and scalars are replaced). */
function merge(base: Yaml, overlay: Yaml): Yaml {
  const out: Yaml = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    const b = out[k];
    out[k] =
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      b !== null &&
      typeof b === 'object'
        ? merge(b as Yaml, v as Yaml)
        : v;
  }
  return out;
}

/** `yaml` code blocks of a Markdown file that follow an HTML comment `<!-- validate: … -->`. */
function snippets(markdown: string): Array<{ target: string; yaml: Yaml }> {
  const text = readFileSync(join(REPO_ROOT, markdown), 'utf8');
  return [...text.matchAll(/<!-- validate: ([\w.-]+) -->\s*```yaml\n([\s\S]*?)```/g)].map((m) => ({
    target: m[1]!,
    yaml: parse(m[2]!) as Yaml,
  }));
}

describe('collector-config/gateway', () => {
  it('agent.yaml and gateway.yaml pass `validate` with their defaults and with loopback values', () => {
    validate(join(DIR, 'agent.yaml'));
    validate(join(DIR, 'gateway.yaml'));
    validate(join(DIR, 'agent.yaml'), {
      GATEWAY_TRACE_ENDPOINTS: '[127.0.0.1:4417, 127.0.0.1:4517]',
      GATEWAY_SERVICE_ENDPOINTS: '[127.0.0.1:4419, 127.0.0.1:4519]',
      AGENT_QUEUE_SPANS: '100',
      AGENT_RETRY_MAX_ELAPSED: '5s',
    });
    validate(join(DIR, 'gateway.yaml'), {
      GATEWAY_SAMPLING_PERCENTAGE: '2.5',
      GATEWAY_SLOW_TOOL_CALL_MS: '500',
      GATEWAY_DECISION_WAIT: '30s',
    });
  });

  it('validate really parses the OTTL (a broken statement is refused)', () => {
    const broken = readFileSync(join(DIR, 'agent.yaml'), 'utf8').replace('Concat(', 'Concatenate(');
    const file = join(TMP, 'broken-agent.yaml');
    writeFileSync(file, broken);
    const r = exec(backends().TOOLSCOPE_OTELCOL_BIN, ['validate', `--config=${file}`]);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/Concatenate/);
  });

  it('uses memory_limiter first in every pipeline and sized sending queues', () => {
    for (const file of ['agent.yaml', 'gateway.yaml']) {
      const config = load(file) as {
        service: { pipelines: Record<string, { receivers: string[]; processors?: string[] }> };
      };
      for (const [name, p] of Object.entries(config.service.pipelines)) {
        const fromConnector = p.receivers.every((r) => r.startsWith('span_metrics'));
        if (!fromConnector) expect(p.processors?.[0], `${file} ${name}`).toBe('memory_limiter');
      }
    }
    const agent = load('agent.yaml') as {
      exporters: Record<string, { protocol: { otlp: { sending_queue: Yaml } } }>;
    };
    for (const name of ['load_balancing/traces', 'load_balancing/by_service']) {
      expect(agent.exporters[name]!.protocol.otlp.sending_queue).toMatchObject({
        enabled: true,
        sizer: 'items',
      });
    }
  });

  it("the gateway's tool-call histogram has toolscope's 142 boundaries", () => {
    const gateway = load('gateway.yaml') as {
      connectors: Record<string, { histogram: { unit: string; explicit: { buckets: string[] } } }>;
    };
    const h = gateway.connectors['span_metrics/tool_calls']!.histogram;
    expect(h.unit).toBe('s');
    const micros = (seconds: number) => Math.round(seconds * 1e6);
    expect(h.explicit.buckets.map((b) => micros(durationMs(b)! / 1000))).toEqual(
      DURATION_BUCKETS_SECONDS.map(micros),
    );
  });

  it('jaeger-badger.yaml passes `jaeger validate`', () => {
    const r = exec(backends().TOOLSCOPE_JAEGER_BIN, [
      'validate',
      `--config=${join(DIR, 'jaeger-badger.yaml')}`,
    ]);
    expectOk(r);
  });

  it('ProbeShardAbsent fires for a stopped shard and for a missing one (promtool test rules)', () => {
    // Three shards checking every 30 s; shard 2/3 stops at 120 s (the exporter keeps its last
    // value); a second group of shards runs 1/2 only.
    const every15s = (n: number) => `0+15x${n}`;
    // Shards 1/2 only: one of two reports.
    const missingOneOfTwo = {
      exp_labels: {
        severity: 'critical',
        toolscope_alert_kind: 'probe_absent',
        reason: 'missing',
        toolscope_probe_shards_total: '2',
      },
      exp_annotations: {
        summary: 'Only 1 of 2 probe shards report',
        description:
          'Start the missing `toolscope probe --shard i/2` instances; their checks are not being run.',
      },
    };

    const test = {
      rule_files: [join(DIR, 'probe-rules.yml')],
      evaluation_interval: '15s',
      tests: [
        {
          interval: '15s',
          input_series: [
            ...['1/3', '3/3'].map((shard) => ({
              series: `toolscope_probe_last_check_seconds{toolscope_probe_shard="${shard}"}`,
              values: every15s(40),
            })),
            {
              series: 'toolscope_probe_last_check_seconds{toolscope_probe_shard="2/3"}',
              values: `${every15s(8)} 120x32`,
            },
            {
              series: 'toolscope_probe_last_check_seconds{toolscope_probe_shard="1/2"}',
              values: every15s(40),
            },
            ...['1/3', '2/3', '3/3', '1/2'].flatMap((shard) => [
              {
                series: `toolscope_probe_check_interval_seconds{toolscope_probe_shard="${shard}"}`,
                values: '30x40',
              },
              {
                series: `toolscope_probe_shards{toolscope_probe_shard="${shard}"}`,
                values: `${shard.split('/')[1]}x40`,
              },
            ]),
          ],
          alert_rule_test: [
            // 2/3 last checked at 120 s: at 225 s that is 105 s ago, under 3 × 30 + 30.
            {
              eval_time: '225s',
              alertname: 'ProbeShardAbsent',
              exp_alerts: [missingOneOfTwo],
            },
            // At 255 s it is 135 s ago: absent.
            {
              eval_time: '255s',
              alertname: 'ProbeShardAbsent',
              exp_alerts: [
                {
                  exp_labels: {
                    severity: 'critical',
                    toolscope_alert_kind: 'probe_absent',
                    reason: 'stopped',
                    toolscope_probe_shard: '2/3',
                  },
                  exp_annotations: {
                    summary: 'Probe shard 2/3 stopped reporting',
                    description:
                      'Its latest check ran 2m 15s ago; the checks it owns are not being run.',
                  },
                },
                missingOneOfTwo,
              ],
            },
          ],
        },
      ],
    };
    const file = join(TMP, 'probe-rules.test.yml');
    writeFileSync(file, stringify(test));
    const r = exec(backends().TOOLSCOPE_PROMTOOL_BIN, ['test', 'rules', file]);
    expectOk(r);
  });

  it('prometheus.yml and the rules it loads pass promtool', () => {
    const r = exec(backends().TOOLSCOPE_PROMTOOL_BIN, [
      'check',
      'config',
      join(DIR, 'prometheus.yml'),
    ]);
    expectOk(r);
  });

  it('every collector snippet in docs/scaling.md validates against the configuration it changes', () => {
    const found = snippets('docs/scaling.md');
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const [i, { target, yaml }] of found.entries()) {
      const base = load(target);
      // A snippet that sets a resolver replaces the static one (one resolver per exporter).
      const exporters = (yaml.exporters ?? {}) as Record<string, { resolver?: Yaml }>;
      for (const [name, exp] of Object.entries(exporters)) {
        if (exp.resolver !== undefined) {
          const baseExp = (base.exporters as Record<string, { resolver: Yaml }>)[name]!;
          baseExp.resolver = {};
        }
      }
      const file = join(TMP, `snippet-${i}-${target}`);
      writeFileSync(file, stringify(merge(base, yaml)));
      validate(file);
    }
  });

  it('the "use your own collector" configuration in collector-config/README.md validates', () => {
    const text = readFileSync(join(REPO_ROOT, 'collector-config/README.md'), 'utf8');
    const block = /## Use your own collector[\s\S]*?```yaml\n([\s\S]*?)```/.exec(text)?.[1];
    expect(block).toBeDefined();
    const file = join(TMP, 'readme-own-collector.yaml');
    writeFileSync(file, block!);
    validate(file);
  });
});
