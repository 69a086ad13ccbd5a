/**
 * `toolscope probe --config <file>` without `--once`, as a real process: it keeps running its
 * checks until SIGINT or SIGTERM, then stops cleanly with exit 0 (the documented end of
 * continuous mode) after a final export.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, until } from '../support/run-cli.ts';

let dir = '';
let server: Server;
let url = '';
/** Requests to the checked endpoint, and OTLP exports, seen by the test server. */
let checks = 0;
const exports: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'toolscope-probe-cli-'));
  // One server is both the checked endpoint and the OTLP/HTTP (JSON) receiver.
  server = createServer((req, res) => {
    if (req.url === '/health') checks++;
    else if (req.url?.startsWith('/v1/')) exports.push(req.url);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function config(name: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `checks:\n  - id: web\n    type: http\n    endpoint: ${url}/health\n    interval: 200ms\n    timeout: 150ms\n    jitter: 10ms\n`,
  );
  return path;
}

describe('toolscope probe (continuous)', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`keeps checking until ${signal}, then exits 0 after a final export`, async () => {
      const before = checks;
      const cli = startCli(['probe', '--config', config(signal)], {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
        timeoutMs: 60_000,
      });
      let exited = false;
      void cli.done.then(
        () => (exited = true),
        () => (exited = true),
      );
      // Several rounds: the process stays up on its own until it is told to stop.
      await until(() => checks - before >= 3 || exited, 40_000);
      expect(exited, `exited before the signal\n${cli.stderr()}`).toBe(false);
      expect(checks - before, cli.stderr()).toBeGreaterThanOrEqual(3);
      expect(cli.stdout()).toMatch(/running 1 checks/);
      expect(cli.stdout()).toMatch(/ web healthy\n/);

      cli.kill(signal);
      const result = await cli.done;
      expect(result.stderr).not.toMatch(/unsettled top-level await/);
      expect(result.stderr).toContain('stopping');
      expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
      expect(exports).toContain('/v1/traces');
    }, 90_000);
  }
});
