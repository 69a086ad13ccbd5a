/**
 * `--config` that is not a regular file, and a file given by mistake: the CLI answers in one
 * line and at once (a FIFO with no writer used to block it forever, deaf to SIGTERM), and never
 * quotes the file's content (a `.env` given by mistake must not put a secret in a CI log).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'toolscope-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'SECRET_TOKEN=sk-live-0123456789';

describe('--config of a file that is not a regular file', () => {
  it('a FIFO with no writer: refused in one line, at once (exit 2)', async () => {
    const fifo = join(dir, 'checks.yaml');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status).toBe(0);
    // The deadline kills (SIGKILL) and fails the test if the CLI blocks on the FIFO.
    const r = await runCli(['probe', '--config', fifo, '--once'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `toolscope: --config: ${JSON.stringify(fifo)} cannot be read (it is a named pipe, not a regular file); give the path of a probe config file\nRun 'toolscope probe --help' for usage.\n`,
    );
  });

  it.runIf(process.platform === 'linux')('/dev/zero: refused as a device', async () => {
    const r = await runCli(['probe', '--config', '/dev/zero', '--once'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^toolscope: --config: "\/dev\/zero" cannot be read \(it is a character device, not a regular file\); /,
    );
  });
});

describe('--config of a file given by mistake: its kind, never its content', () => {
  it('a .env file (YAML: one string)', async () => {
    const env = join(dir, 'prod.env');
    writeFileSync(env, `${SECRET}\n`);
    const r = await runCli(['probe', '--config', env, '--once'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `toolscope probe: invalid config file ${JSON.stringify(env)}: must be a mapping with a \`checks\` list (got a string of ${SECRET.length} characters)\n`,
    );
  });

  it('a .json file that is not JSON', async () => {
    const json = join(dir, 'secrets.json');
    writeFileSync(json, `${SECRET}\n`);
    const r = await runCli(['probe', '--config', json, '--once'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `toolscope probe: invalid config file ${JSON.stringify(json)}: is not valid JSON: unexpected token\n`,
    );
  });

  it.runIf(process.platform === 'linux')('/proc/self/environ', async () => {
    const r = await runCli(['probe', '--config', '/proc/self/environ', '--once'], {
      timeoutMs: 20_000,
      env: { TOOLSCOPE_TEST_SECRET: 'do-not-print-me' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/got a string of \d+ characters\)\n$/);
    expect(r.stderr).not.toContain('=');
  });
});
