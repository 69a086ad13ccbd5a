import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolscopeConfigError } from '@toolscope/instrumentation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksOfShard, parseShard, shardOf } from '../src/index.ts';
import { runCommand, startContinuous, startOtlpJsonSink } from './support/command.ts';
import { startHttpServer, type TestServer, waitFor } from './support/servers.ts';

describe('--shard i/n', () => {
  it('parses i/n and says what to write otherwise', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '3', '1/0', 'a/b', '-1/2', '1/1001', '1.5/3']) {
      expect(() => parseShard(bad), bad).toThrow(ToolscopeConfigError);
      expect(() => parseShard(bad), bad).toThrow(
        /^--shard: must be i\/n with 1 <= i <= n <= 1000 \(got ".*"\); for example --shard 2\/3$/,
      );
    }
  });

  it('hashes the check id with FNV-1a: stable, whatever the order or the file', () => {
    // FNV-1a 32 of "a" is 0xe40c292c (the published test vector).
    expect(shardOf('a', 1)).toBe(1);
    expect(shardOf('a', 2)).toBe((0xe40c292c % 2) + 1);
    expect(shardOf('a', 7)).toBe((0xe40c292c % 7) + 1);
    const ids = Array.from({ length: 50 }, (_, i) => ({ id: `check-${i}` }));
    expect(checksOfShard([...ids].reverse(), { index: 2, count: 3 }).map((c) => c.id)).toEqual(
      checksOfShard(ids, { index: 2, count: 3 })
        .map((c) => c.id)
        .reverse(),
    );
  });

  it('n shards split the checks: each check in exactly one, none left out', () => {
    const ids = Array.from({ length: 200 }, (_, i) => ({ id: `tool-${i}.example` }));
    for (let count = 1; count <= 7; count++) {
      const parts = Array.from({ length: count }, (_, i) =>
        checksOfShard(ids, { index: i + 1, count }).map((c) => c.id),
      );
      expect(parts.flat().sort()).toEqual(ids.map((c) => c.id).sort());
      // Roughly even: no shard gets nothing out of 200 checks.
      for (const part of parts) expect(part.length).toBeGreaterThan(0);
    }
  });
});

describe('toolscope probe --shard', () => {
  let dir = '';
  let server: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'toolscope-probe-shard-'));
    server = await startHttpServer((_req, res) => {
      res.end('ok');
    });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  });

  const ids = Array.from({ length: 9 }, (_, i) => `svc-${i}`);
  const config = () => {
    const p = join(dir, 'checks.yaml');
    writeFileSync(
      p,
      `checks:\n${ids.map((id) => `  - id: ${id}\n    type: http\n    endpoint: ${server.url}/\n`).join('')}`,
    );
    return p;
  };

  const run = runCommand;

  it('--once runs only the shard’s checks; the shards together run each check once', async () => {
    const file = config();
    const ran: string[] = [];
    for (const index of [1, 2, 3]) {
      const { code, stdout } = await run([
        '--config',
        file,
        '--once',
        '--format',
        'json',
        '--shard',
        `${index}/3`,
      ]);
      expect(code).toBe(0);
      const got = (JSON.parse(stdout) as { checks: Array<{ id: string }> }).checks.map((c) => c.id);
      expect(got.sort()).toEqual(ids.filter((id) => shardOf(id, 3) === index).sort());
      ran.push(...got);
    }
    expect(ran.sort()).toEqual([...ids].sort());
  });

  it('a bad --shard is a usage error (exit 2)', async () => {
    const { code, stderr } = await run(['--config', config(), '--shard', '4/3']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'toolscope: --shard: must be i/n with 1 <= i <= n <= 1000 (got "4/3"); for example --shard 2/3\n' +
        "Run 'toolscope probe --help' for usage.\n",
    );
  });

  it('continuous mode reports the shard gauges under the shard’s own instance id', async () => {
    const collector = await startOtlpJsonSink();
    const metricBodies = () =>
      collector.received.filter((r) => r.path === '/v1/metrics').map((r) => r.body);
    const { stdout, stop, exit } = await startContinuous(
      ['--config', config(), '--shard', '2/3'],
      collector.url,
      { metricExportIntervalMs: 200 },
    );
    try {
      await waitFor(
        () => metricBodies().some((b) => b.includes('"toolscope.probe.last_check"')),
        10_000,
        'the shard gauges',
      );
      const own = ids.filter((id) => shardOf(id, 3) === 2).length;
      expect(stdout()).toContain(`running ${own} checks (shard 2/3)`);
      const body = metricBodies().find((b) => b.includes('"toolscope.probe.last_check"'))!;
      for (const name of ['toolscope.probe.check_interval', 'toolscope.probe.shards']) {
        expect(body).toContain(`"${name}"`);
      }
      expect(body).toContain('"toolscope.probe.shard"');
      expect(body).toContain('"2/3"');
      expect(body).toContain('"toolscope-probe-2-of-3"');
    } finally {
      stop.abort();
      await exit.catch(() => undefined);
      await collector.close();
    }
  });
});
