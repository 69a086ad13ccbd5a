import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPEATED_SIGNAL_WINDOW_MS } from '@toolscope/instrumentation/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../../../test/support/otlp-receiver.ts';

const SCRIPT = join(import.meta.dirname, 'fixtures', 'short-lived.ts');
const AI_SDK_APP = join(import.meta.dirname, 'fixtures', 'ai-sdk-app.ts');
const LANGCHAIN_APP = join(import.meta.dirname, 'fixtures', 'langchain-app.ts');

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

/** Runs the fixture with the zero-code preload, exporting to the receiver under `service`. */
function runScript(
  service: string,
  args: string[],
  env: Record<string, string> = {},
  script = SCRIPT,
) {
  const child = spawn(
    process.execPath,
    ['--conditions=toolscope-source', '--import', '@toolscope/node/register', script, ...args],
    {
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: service,
        // Long intervals: only the flush on exit can deliver within the test.
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_METRIC_EXPORT_INTERVAL: '600000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return { child, output: () => ({ stdout, stderr }) };
}

/** Waits for the child to exit, killing it past `ms` (a hung child fails the test, never leaks). */
async function exitOf(child: ChildProcess, ms = 60_000) {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal };
}

/** Polls `condition` every 50 ms until it holds; throws past `ms`. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

/** Whether a process with this id still exists (a zombie does, until reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A "collector" that accepts connections and never answers; notes when each arrived. */
async function startSilentCollector() {
  const sockets = new Set<Socket>();
  const connectedAt: number[] = [];
  const server = createServer((socket) => {
    connectedAt.push(Date.now());
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connectedAt,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Exporter timeouts far past what the tests wait: only toolscope's deadline can end a flush. */
const HANGING_EXPORTS = {
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_BSP_EXPORT_TIMEOUT: '120000',
  OTEL_METRIC_EXPORT_TIMEOUT: '120000',
  FIXTURE_DIAG: '1',
};

const spansOf = (service: string) =>
  receiver.spans().filter((s) => s.resource['service.name'] === service);
const toolPointsOf = (service: string) =>
  receiver
    .metricPoints()
    .filter(
      (p) => p.resource['service.name'] === service && p.metric === 'gen_ai.execute_tool.duration',
    );

describe('node --import @toolscope/node/register', () => {
  it('sets toolscope up from the environment and flushes when the process ends on its own', async () => {
    const { child, output } = runScript('zero-code-exit', []);
    const { code } = await exitOf(child);
    expect(output().stderr).toBe('');
    expect(code).toBe(0);
    const names = spansOf('zero-code-exit')
      .map((s) => s.name)
      .sort();
    expect(names).toEqual([
      'execute_tool lookup',
      'execute_tool lookup',
      'invoke_workflow short_job',
    ]);
    expect(toolPointsOf('zero-code-exit').reduce((n, p) => n + (p.count ?? 0), 0)).toBe(2);
  });

  it('flushes on SIGTERM and still ends by the signal, as Node would', async () => {
    const { child, output } = runScript('zero-code-term', ['wait']);
    // The fixture prints `ready` after recording its calls; an early exit fails the wait.
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output().stdout.includes('ready')) resolve();
      };
      child.stdout!.on('data', check);
      child.once('exit', () => reject(new Error(`exited early: ${output().stderr}`)));
      check();
    });
    child.kill('SIGTERM');
    const { code, signal } = await exitOf(child);
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(spansOf('zero-code-term')).toHaveLength(3);
  });

  it('ends a natural exit at the flush deadline when the collector never answers, with the exit code it would have had', async () => {
    // Two runs side by side: exit code 0, and one the application set (process.exitCode = 3).
    const collectors = [await startSilentCollector(), await startSilentCollector()];
    try {
      const runs = collectors.map((collector, i) =>
        runScript(`zero-code-silent-${i}`, [], {
          ...HANGING_EXPORTS,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          TOOLSCOPE_EXIT_FLUSH_TIMEOUT: '500',
          // Run 0 keeps the preload's own stderr logger; run 1 the application's (the fixture's).
          ...(i === 1 ? { FIXTURE_EXIT_CODE: '3' } : { FIXTURE_DIAG: '0' }),
        }),
      );
      const exits = await Promise.all(
        runs.map(async ({ child }) => ({ ...(await exitOf(child)), at: Date.now() })),
      );
      expect(exits.map(({ code, signal }) => ({ code, signal }))).toEqual([
        { code: 0, signal: null },
        { code: 3, signal: null },
      ]);
      for (const [i, { child, output }] of runs.entries()) {
        // The flush started (the exporters connected: nothing is exported before it) and the
        // process ended well before the exporters' own 120 s timeouts (deadline 500 ms).
        const flushStarted = collectors[i]!.connectedAt[0];
        expect(flushStarted).toBeDefined();
        expect(exits[i]!.at - flushStarted!).toBeLessThan(20_000);
        // Nothing lost silently: the cut is logged, with what was still in flight.
        expect(output().stderr).toMatch(
          /flush on exit did not finish within 500 ms; exiting without it \(lost: 3 spans and \d+ metric exports still in flight\)/,
        );
        // Without a logger of the application's, the preload's prints it as `toolscope: warn:`.
        if (i === 0)
          expect(output().stderr).toMatch(/^toolscope: warn: .*flush on exit did not finish/m);
        // Reaped: no zombie left behind.
        expect(alive(child.pid!)).toBe(false);
      }
    } finally {
      await Promise.all(collectors.map((c) => c.close()));
    }
  }, 90_000);

  it('quits at once on a second SIGTERM during the flush on exit, still ending by the signal', async () => {
    const collector = await startSilentCollector();
    try {
      const { child, output } = runScript('zero-code-again', ['wait'], {
        ...HANGING_EXPORTS,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        TOOLSCOPE_EXIT_FLUSH_TIMEOUT: '120000',
      });
      const exited = exitOf(child);
      await until(() => output().stdout.includes('ready'), 30_000, 'the fixture is ready');
      child.kill('SIGTERM');
      // The exporters connecting means toolscope's handler ran and the flush is under way.
      await until(() => collector.connectedAt.length > 0, 30_000, 'the flush on exit starts');
      // The second signal must come clearly after the first, which the child saw before the
      // exporters connected: within the window it would count as the first delivered twice.
      const flushing = Date.now();
      await until(() => Date.now() - flushing > 2 * REPEATED_SIGNAL_WINDOW_MS, 10_000, 'window');
      const againAt = Date.now();
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
      // At once: far sooner than the flush deadline (120 s) or the exporters' timeouts.
      expect(Date.now() - againAt).toBeLessThan(20_000);
      expect(output().stderr).toMatch(
        /SIGTERM again: exiting without waiting for the flush on exit \(lost: 3 spans and \d+ metric exports still in flight\)/,
      );
      expect(alive(child.pid!)).toBe(false);
    } finally {
      await collector.close();
    }
  }, 90_000);

  it('flushes nothing on exit when told not to (TOOLSCOPE_FLUSH_ON_EXIT=false)', async () => {
    const { child } = runScript('zero-code-noflush', [], { TOOLSCOPE_FLUSH_ON_EXIT: 'false' });
    expect((await exitOf(child)).code).toBe(0);
    expect(spansOf('zero-code-noflush')).toHaveLength(0);
  });

  it('traces an AI SDK application that has no toolscope code, invalid tool calls included', async () => {
    const { child, output } = runScript('zero-code-ai', [], {}, AI_SDK_APP);
    expect((await exitOf(child)).code).toBe(0);
    expect(output().stderr).toBe('');
    const tools = spansOf('zero-code-ai').filter((s) => s.name.startsWith('execute_tool'));
    expect(tools.map((s) => [s.name, s.attributes['error.type']]).sort()).toEqual([
      ['execute_tool weather', undefined],
      ['execute_tool wether', 'AI_NoSuchToolError'],
    ]);
    const agent = spansOf('zero-code-ai').find((s) => s.name.startsWith('invoke_agent'))!;
    expect(tools.every((s) => s.parentSpanId === agent.spanId)).toBe(true);
    expect(toolPointsOf('zero-code-ai').reduce((n, p) => n + (p.count ?? 0), 0)).toBe(2);
  });

  it('traces a LangChain application (ESM, through the one loader hook) that has no toolscope code', async () => {
    const { child, output } = runScript('zero-code-langchain', [], {}, LANGCHAIN_APP);
    expect((await exitOf(child)).code).toBe(0);
    expect(output().stderr).toBe('');
    const tools = spansOf('zero-code-langchain').filter((s) => s.name === 'execute_tool lookup');
    expect(tools.map((s) => s.attributes['error.type']).sort()).toEqual([
      'ToolInputParsingException',
      undefined,
    ]);
  });

  it('reports a bad variable in one line and lets the application run', async () => {
    const { child, output } = runScript('zero-code-bad', [], {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon',
    });
    expect((await exitOf(child)).code).toBe(0);
    expect(output().stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^toolscope: not started: OTEL_EXPORTER_OTLP_PROTOCOL: must be/),
    ]);
  });
});
