import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
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
