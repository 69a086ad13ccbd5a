/** The binary's front door: help on every command, usage errors with exit 2 and no stack. */
import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.ts';

const STACK = /\n\s+at .+:\d+:\d+/;

describe('toolscope --help', () => {
  it('prints the main help and each command help with exit 0', async () => {
    const [main, demo, report, probe, helpDemo] = await Promise.all([
      runCli(['--help']),
      runCli(['demo', '--help']),
      runCli(['report', '-h']),
      runCli(['probe', '--help']),
      runCli(['help', 'demo']),
    ]);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('toolscope <command> [options]');
    for (const cmd of ['demo', 'report', 'probe']) expect(main.stdout).toContain(`  ${cmd} `);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('toolscope demo [--duration <seconds>]');
    expect(demo.stdout).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('toolscope report --prometheus <url>');
    expect(probe.code).toBe(0);
    expect(probe.stdout).toContain('toolscope probe --config <file>');
    expect(helpDemo.stdout).toBe(demo.stdout);
  });

  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('usage errors', () => {
  const cases: [string[], RegExp][] = [
    [[], /Usage\n {2}toolscope <command>/],
    [['dmeo'], /unknown command "dmeo" \(did you mean 'demo'\?\)/],
    [['demo', '--frmat', 'json'], /Unknown option '--frmat' \(toolscope demo\)/],
    [
      ['demo', '--format', 'yaml'],
      /--format: unknown format "yaml"; use one of text, json, markdown, html/,
    ],
    [['demo', '--duration', 'soon'], /--duration: "soon" is not a duration; give seconds/],
    [['demo', '--duration', '0'], /--duration: must be between 1 and 600 seconds/],
    [['demo', '--duration', '-1'], /--duration: must be a positive number of seconds/],
    [['demo', '--duration=-1'], /--duration: must be a positive number of seconds/],
    [['demo', '--seed', '-3'], /--seed: must be a whole number from 1 to/],
    [
      ['demo', '--out', '/no/such/dir/report.html'],
      /--out: directory \/no\/such\/dir does not exist/,
    ],
    [['report'], /--prometheus is required/],
    [['report', '--prometheus', 'localhost:9090'], /--prometheus: must be the http\(s\) base URL/],
    [
      ['report', '--prometheus', 'http://127.0.0.1:9', '--window', 'yesterday'],
      /--window: must be a duration \(got "yesterday"\); use milliseconds or a number with a unit/,
    ],
    [
      ['report', '--prometheus', 'http://127.0.0.1:9', '--window', '60'],
      /^toolscope: --window: must be at least 1s \(got "60": a number without a unit is milliseconds\); write 60s for 60 seconds\n/,
    ],
    [
      ['report', '--prometheus', 'http://127.0.0.1:9', '--window', '500ms'],
      /^toolscope: --window: must be at least 1s \(got "500ms"\)\n/,
    ],
    [
      ['report', '--prometheus', 'http://127.0.0.1:9', '--window', '0s'],
      /--window: must be greater than zero \(got "0s"\); for example --window 15m/,
    ],
    [
      ['report', '--prometheus', 'http://127.0.0.1:9', '--window', '0h0m'],
      /--window: must be greater than zero/,
    ],
    [
      ['report', '--prometheus', 'http://127.0.0.1:9', '--window', '-5m'],
      /--window: must be greater than zero \(got "-5m"\)/,
    ],
    [['probe'], /^toolscope: --config: is required; give the probe config file/],
    [
      ['probe', '--config', 'c.yaml', '--format', 'xml'],
      /^toolscope: --format: unknown format "xml"; use one of text, json\n/,
    ],
    [
      ['probe', '--config', '/no/such/dir/c.yaml'],
      /^toolscope: --config: "\/no\/such\/dir\/c.yaml" cannot be read \(no such file or directory\); give the path of a probe config file\n/,
    ],
  ];

  it.each(cases)(
    'toolscope %j exits 2 with a message that says what to fix',
    async (args, message) => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stdout).toBe('');
    },
  );

  it('points at the help of the command that was misused', async () => {
    const r = await runCli(['demo', '--format', 'yaml']);
    expect(r.stderr).toContain("Run 'toolscope demo --help' for usage.");
  });

  it('probe without --config: one line and a pointer to its help, not the whole help', async () => {
    const r = await runCli(['probe', '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "toolscope: --config: is required; give the probe config file (YAML or JSON), for example --config checks.yaml\nRun 'toolscope probe --help' for usage.\n",
    );
    expect(r.stdout).toBe('');
  });
});
