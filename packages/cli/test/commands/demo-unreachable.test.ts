/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT pointing at a closed port, the demo still runs on schedule:
 * flushing telemetry has a deadline (in the server processes and in the CLI), the planned
 * outage happens during the run, and the end of the run says what the export lost.
 */
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/run-cli.ts';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Output {
  demo: {
    durationMs: number;
    servers: {
      id: string;
      outage: { plannedFromMs: number; downAtMs: number; upAtMs: number } | null;
    }[];
  };
}

let endpoint = '';
let result: CliResult;
let out: Output;

beforeAll(async () => {
  endpoint = `http://127.0.0.1:${await closedPort()}`;
  // Bounded. Before the export deadlines a 3 s demo took over 30 s (exports retried for
  // their whole 10 s timeout in each stopping server process, then in the CLI), and the
  // outage happened after the run.
  // 5 s: the restart at 60% of the run then has 2 s to finish on a loaded machine.
  result = await runCli(['demo', '--duration', '5', '--format', 'json'], {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    timeoutMs: 45_000,
  });
  out = JSON.parse(result.stdout) as Output;
}, 50_000);

describe('toolscope demo with an unreachable OTLP endpoint', () => {
  it('finishes normally', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`exporting traces and metrics over OTLP to ${endpoint}`);
  });

  it('takes the dining server down and brings it back during the run, not after it', () => {
    const dining = out.demo.servers.find((s) => s.id === 'dining')!;
    expect(dining.outage).not.toBeNull();
    const { downAtMs, upAtMs } = dining.outage!;
    expect(downAtMs).toBeGreaterThanOrEqual(dining.outage!.plannedFromMs);
    expect(downAtMs).toBeLessThan(out.demo.durationMs);
    expect(upAtMs).toBeGreaterThan(downAtMs);
    expect(upAtMs).toBeLessThan(out.demo.durationMs);
  });

  it('says on stderr what the export delivered and lost', () => {
    const line = result.stderr.split('\n').find((l) => l.startsWith(`telemetry to ${endpoint}:`));
    expect(line, result.stderr).toBeDefined();
    expect(line).toMatch(
      /: 0 spans exported, \d+ failed, \d+ dropped; 0 metric exports, \d+ failed\b/,
    );
    expect(line).toContain(`is a collector listening at ${endpoint}?`);
  });
});
