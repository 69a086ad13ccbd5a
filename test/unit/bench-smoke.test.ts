/**
 * Keeps the benchmark harness from rotting: runs `bench/run.ts --quick` (every scenario, few
 * iterations, one process each) and checks the table came out with every row and a verdict
 * column. It checks that the harness runs, never the timings.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runQuick(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=toolscope-source', '--expose-gc', 'bench/run.ts', '--quick'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const EXPECTED_ROWS = [
  'no instrumentation (async no-op)',
  'bare OTel span, same attributes',
  'toolscope traceTool as startToolscope sets it up',
  'toolscope traceTool, in-process store off',
  'toolscope traceTool under your own SDK without the producer',
  'manual trackToolInvocation (store on)',
  'OpenLLMetry withTool',
  'prom-client histogram observe',
  'heap growth over 1M invocations, 20 tools × 3 outcomes',
  'heap after warm-up, max − min of 5 checkpoints',
  'bytes per new (tool, outcome) series',
  'in-process store at full retention',
  'seed-style history list, 10,000 records',
  'p50/p95/p99 max error, σ 0.5, in-process store',
  'p50/p95/p99 max error, σ 1, in-process store',
  'p50/p95/p99 max error, σ 1.5, in-process store',
  'p50/p95/p99 max error, σ 0.5, Prometheus buckets',
  'p50/p95/p99 max error, σ 1, Prometheus buckets',
  'p50/p95/p99 max error, σ 1.5, Prometheus buckets',
  'invocations/s through OTLP/HTTP to a local receiver',
  'event-loop delay p99 added by export',
  'report from the process, 1M recorded invocations',
  'report from Prometheus, 100 tools over 1 h',
  'CPU, 1,000 HTTP checks at 1 s intervals',
  "CPU, the same requests without a monitor: undici's request()",
  "CPU, the same requests without a monitor: undici's dispatch()",
  'scheduling jitter p99',
  'handle growth',
  'bare OTel span in the same rounds',
  'MCP tools/call, @modelcontextprotocol/sdk 1.x, in-memory',
  'MCP tools/call, 1.x, in-memory: hand-written',
  'MCP tools/call, @modelcontextprotocol/client + server 2.x, in-memory',
  'MCP tools/call, 2.x, in-memory: hand-written',
  'AI SDK tool call (generateText, mock model): toolscope vs uninstrumented',
  'AI SDK tool call: a no-op integration of the same shape vs uninstrumented',
  'AI SDK tool call: @ai-sdk/otel alone vs uninstrumented',
  'AI SDK tool call: toolscope + @ai-sdk/otel vs @ai-sdk/otel alone',
  'gateway: spans per CPU-second',
  'agent: spans per CPU-second',
  'agent: heap per span queued for an unreachable gateway',
  'gateway: heap per span waiting for a tail-sampling decision',
  'gateway: heap per span queued for a Jaeger that is down',
  'OpenAI Agents run with one tool call (ScriptedModel)',
  'a minimal OTel trace processor (spans only)',
  'LangChain createAgent run (fakeModel, 1 tool call): toolscope vs uninstrumented',
  'LangChain createAgent run: OpenLLMetry LangChain instrumentation',
  'LangChain tool.invoke of a trivial tool: toolscope vs uninstrumented',
  "LangChain run with the framework's own OpenTelemetry integration",
];

describe('bench/run.ts --quick', () => {
  it('prints the table with every row, a target and a verdict, and exits 0', {
    timeout: 300_000,
  }, async () => {
    const { code, stdout, stderr } = await runQuick();
    expect(stderr).not.toMatch(/FAILED/);
    expect(code, stdout + stderr).toBe(0);
    const header = stdout.split('\n').find((l) => l.startsWith('| section'));
    expect(header).toMatch(
      /\| row .*\| measured \(median\) .*\| baseline .*\| ratio .*\| target .*\| met\? \|/,
    );
    const rows = stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| section'));
    for (const label of EXPECTED_ROWS) {
      const row = rows.find((r) => r.includes(label));
      expect(row, `row "${label}" missing from:\n${stdout}`).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      // A row is measured or says why not; its verdict is yes / no / n/a / —.
      expect(cells[3]).not.toBe('');
      expect(['yes', 'no', 'n/a', '—']).toContain(cells[7]);
    }
    expect(stdout).not.toMatch(/n\/a \(failed/);
  });
});
