/**
 * `toolscope demo --duration 5 --format json` in a child process: the report's structure, and
 * its numbers against what the demo says it injected. Counts must agree exactly; percentiles
 * within the in-process store's accuracy of the call durations the orchestrator measured.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/run-cli.ts';

interface Ranked {
  exact: number;
  lower: number;
  upper: number;
}
interface DemoTool {
  server: string;
  placement: 'child' | 'in-process';
  configured: { medianMs: number; failureRate: number };
  calls: {
    calls: number;
    failedCalls: number;
    errorTypes: Record<string, number>;
    attempts: number;
    refusedAttempts: number;
    retries: number;
    retriedCalls: number;
    fallbackCalls: number;
    injectedLatencyMs: { p50: number; p95: number; p99: number };
    recordedLatencyMs: { p50: Ranked; p95: Ranked; p99: Ranked };
  };
  served: { requests: number; succeeded: number; failures: Record<string, number> };
}
interface Output {
  schemaVersion: number;
  source: { kind: string; accuracy: { relativeErrorBound: number } };
  summary: { calls: number; errors: number; executions: number };
  tools: {
    tool: string;
    calls: number;
    errors: number;
    errorTypes: Record<string, number>;
    retries: number;
    retriedCalls: number | null;
    fallbacks: number;
    fallbackFor: Record<string, number>;
    durationMs: { p50: number; p95: number; p99: number };
  }[];
  workflows: { workflow: string; executions: number; outcomes: Record<string, number> }[];
  healthSummary: { checks: { tool: string; status: string; runs: number }[] };
  demo: {
    durationMs: number;
    servers: {
      id: string;
      placement: string;
      outage: { downAtMs: number; upAtMs: number } | null;
    }[];
    tools: Record<string, DemoTool>;
    workflows: Record<string, { executions: number; outcomes: Record<string, number> }>;
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

let result: CliResult;
let out: Output;

beforeAll(async () => {
  result = await runCli(['demo', '--duration', '5', '--format', 'json'], { timeoutMs: 120_000 });
  out = JSON.parse(result.stdout) as Output;
}, 130_000);

describe('toolscope demo --format json', () => {
  it('exits 0 with only JSON on stdout and progress on stderr', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimStart().startsWith('{')).toBe(true);
    expect(result.stderr).toContain('toolscope demo: travel planner, 5s');
    expect(result.stderr).toMatch(/workflows \d+ \(\d+ ok/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reports every tool and workflow of the scenario, from the in-process store', () => {
    expect(out.schemaVersion).toBe(1);
    expect(out.source.kind).toBe('in-process');
    expect(out.tools.map((t) => t.tool).sort()).toEqual([
      'geocode',
      'hotel_search',
      'restaurant_reasoning',
      'restaurant_search',
      'restaurant_search_backup',
      'weather',
    ]);
    expect(out.workflows.map((w) => w.workflow).sort()).toEqual([
      'plan_trip',
      'search_and_recommend',
    ]);
    expect(out.demo.servers).toHaveLength(6);
    expect(out.demo.servers.filter((s) => s.placement === 'child').length).toBeGreaterThanOrEqual(
      1,
    );
    expect(out.healthSummary.checks).toHaveLength(6);
    for (const c of out.healthSummary.checks) expect(c.runs).toBeGreaterThan(0);
  });

  it('took the dining server down and brought it back mid-run', () => {
    const dining = out.demo.servers.find((s) => s.id === 'dining');
    expect(dining?.outage).not.toBeNull();
    expect(dining!.outage!.downAtMs).toBeGreaterThan(0);
    expect(dining!.outage!.upAtMs).toBeGreaterThan(dining!.outage!.downAtMs);
    // Mid-run: both ends of the outage fall inside the run.
    expect(dining!.outage!.downAtMs).toBeLessThan(out.demo.durationMs);
    expect(dining!.outage!.upAtMs).toBeLessThan(out.demo.durationMs);
  });

  it('counts exactly the calls, failures, retries and fallbacks the orchestrator made', () => {
    const names = Object.keys(out.demo.tools).sort();
    expect(out.tools.map((t) => t.tool).sort()).toEqual(names);
    for (const tool of out.tools) {
      const injected = out.demo.tools[tool.tool]!.calls;
      expect({ tool: tool.tool, calls: tool.calls }).toEqual({
        tool: tool.tool,
        calls: injected.calls,
      });
      expect(tool.errors, tool.tool).toBe(injected.failedCalls);
      expect(tool.errorTypes, tool.tool).toEqual(injected.errorTypes);
      expect(tool.retries, tool.tool).toBe(injected.retries);
      expect(tool.retriedCalls, tool.tool).toBe(injected.retriedCalls);
      expect(tool.fallbacks, tool.tool).toBe(injected.fallbackCalls);
    }
    const backup = out.tools.find((t) => t.tool === 'restaurant_search_backup')!;
    expect(backup.fallbackFor).toEqual(
      backup.fallbacks > 0 ? { restaurant_search: backup.fallbacks } : {},
    );
    expect(out.summary.calls).toBe(sum(Object.values(out.demo.tools).map((t) => t.calls.calls)));
  });

  it('agrees with the servers across the process boundary', () => {
    for (const [name, t] of Object.entries(out.demo.tools)) {
      // Every attempt that reached a server was counted there, restarts included.
      expect(t.served.requests, name).toBe(t.calls.attempts - t.calls.refusedAttempts);
      expect(t.served.succeeded + sum(Object.values(t.served.failures)), name).toBe(
        t.served.requests,
      );
      expect(t.calls.retries, name).toBe(t.calls.attempts - t.calls.calls);
    }
  });

  it('counts workflow executions by outcome exactly', () => {
    for (const w of out.workflows) {
      const injected = out.demo.workflows[w.workflow]!;
      expect(w.executions, w.workflow).toBe(injected.executions);
      expect(w.outcomes, w.workflow).toEqual(injected.outcomes);
    }
    expect(out.summary.executions).toBe(
      sum(Object.values(out.demo.workflows).map((w) => w.executions)),
    );
  });

  it('reports percentiles within the store accuracy of the recorded call durations', () => {
    const accuracy = out.source.accuracy.relativeErrorBound; // 0.005
    expect(accuracy).toBeLessThanOrEqual(0.01);
    for (const tool of out.tools) {
      const recorded = out.demo.tools[tool.tool]!.calls.recordedLatencyMs;
      for (const q of ['p50', 'p95', 'p99'] as const) {
        const { lower, upper } = recorded[q];
        // One rank of slack either side (the store's rank is q·(n−1), nearest rank is ⌈q·n⌉),
        // the store's relative error, and 0.001 ms for the rounding of the JSON.
        expect(tool.durationMs[q], `${tool.tool} ${q}`).toBeGreaterThanOrEqual(
          lower * (1 - accuracy) - 0.001,
        );
        expect(tool.durationMs[q], `${tool.tool} ${q}`).toBeLessThanOrEqual(
          upper * (1 + accuracy) + 0.001,
        );
      }
    }
  });

  it('records each call at least as long as the latency the servers injected into it', () => {
    for (const [name, t] of Object.entries(out.demo.tools)) {
      for (const q of ['p50', 'p95', 'p99'] as const) {
        // Per call, recorded >= injected; so every order statistic is too (0.1 ms rounding).
        expect(t.calls.recordedLatencyMs[q].exact, `${name} ${q}`).toBeGreaterThanOrEqual(
          t.calls.injectedLatencyMs[q] - 0.1,
        );
      }
    }
  });
});
