/**
 * The CLI's diag logger: what the libraries log through the OpenTelemetry diag logger reaches
 * stderr, one line per message, shown safely, at OTEL_LOG_LEVEL (warn by default).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { installDiagLogger, stderrDiagLogger } from '@toolscope/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.ts';

const DEPRECATED =
  /^toolscope: warn: @toolscope\/health-probe probe config: "intervalMs" is deprecated; write "interval" instead \(same value\)$/;

let dir = '';
let server: Server;
let configPath = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'toolscope-diag-cli-'));
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  configPath = join(dir, 'x.yaml');
  writeFileSync(
    configPath,
    `checks:\n  - id: web\n    type: http\n    endpoint: ${url}/health\n    intervalMs: 2000\n`,
  );
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => diag.disable());

describe('toolscope: diag messages on stderr', () => {
  it('prints a deprecated config key as one warning line, by default and at OTEL_LOG_LEVEL', async () => {
    const runs = await Promise.all(
      [undefined, 'WARN', 'info', 'error', 'none'].map((level) =>
        runCli(['probe', '--once', '--config', configPath], {
          env: { OTEL_LOG_LEVEL: level },
          timeoutMs: 60_000,
        }),
      ),
    );
    for (const r of runs) expect(r.code).toBe(0);
    const deprecations = runs.map(
      (r) => r.stderr.split('\n').filter((line) => DEPRECATED.test(line)).length,
    );
    // Default, warn and info show it once; error and none are quieter than a warning.
    expect(deprecations).toEqual([1, 1, 1, 0, 0]);
    // By default, that line is all there is on stderr.
    expect(runs[0]!.stderr.split('\n')).toEqual([expect.stringMatching(DEPRECATED), '']);
  }, 90_000);

  it('says so, in one line, when OTEL_LOG_LEVEL is not a level, and uses warn', async () => {
    const r = await runCli(['probe', '--once', '--config', configPath], {
      env: { OTEL_LOG_LEVEL: 'loud' },
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      'toolscope: warn: OTEL_LOG_LEVEL: unknown level "loud" (use none, error, warn, info, debug, verbose, all); using warn',
    );
    expect(lines[1]).toMatch(DEPRECATED);
  }, 90_000);

  it('writes each message as one line, control characters shown as escapes', () => {
    const out: string[] = [];
    const logger = stderrDiagLogger({ write: (text: string) => out.push(text) });
    logger.warn('@toolscope/x', 'peer said \u001b]0;owned\u0007 and\nmore', new Error('boom\r\n'));
    logger.error('n', { a: 1 });
    expect(out).toEqual([
      'toolscope: warn: @toolscope/x peer said \\x1b]0;owned\\x07 and\\nmore boom\\r\\n\n',
      'toolscope: error: n { a: 1 }\n',
    ]);
  });

  it('honours the level in-process too (debug shows debug lines; none shows nothing)', () => {
    const out: string[] = [];
    const stream = { write: (text: string) => out.push(text) };
    installDiagLogger(stream, { OTEL_LOG_LEVEL: 'debug' });
    diag.debug('shown');
    diag.verbose('hidden');
    installDiagLogger(stream, { OTEL_LOG_LEVEL: 'none' });
    diag.error('hidden too');
    expect(out).toContain('toolscope: debug: shown\n');
    expect(out.join('')).not.toMatch(/hidden/);
  });
});
