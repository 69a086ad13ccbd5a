/**
 * The demo's own account of what it did, kept apart from the instrumentation: per tool, the
 * calls made, how each ended, the attempts and retries, and the latency the servers injected
 * into each call. The demo prints it under `demo` so the report can be checked against it.
 */
import type { WorkflowOutcome } from '@toolscope/instrumentation';

/** One finished tool call, as the orchestrator saw it. */
export interface CallEntry {
  readonly tool: string;
  readonly ok: boolean;
  readonly errorType: string | undefined;
  /** Requests sent, including retries. */
  readonly attempts: number;
  /** Attempts that never reached a server (connection refused or reset). */
  readonly refusedAttempts: number;
  readonly fallbackFor: string | undefined;
  /** Latency injected by the servers plus the orchestrator's own backoff waits, ms. */
  readonly injectedMs: number;
}

/** An exact percentile with the values one rank below and above it. */
export interface RankedPercentile {
  readonly exact: number;
  readonly lower: number;
  readonly upper: number;
}

/** Per-tool totals of the ledger. */
export interface ToolLedger {
  calls: number;
  failedCalls: number;
  errorTypes: Record<string, number>;
  attempts: number;
  refusedAttempts: number;
  retries: number;
  /** Calls with at least one retry. */
  retriedCalls: number;
  /** Calls made as a fallback for another tool. */
  fallbackCalls: number;
  /** Exact percentiles (nearest rank) of the injected latency of each call, ms. */
  injectedLatencyMs: { p50: number; p95: number; p99: number; max: number };
  /**
   * Exact percentiles (nearest rank) of the durations the tool spans recorded, ms, with the
   * neighbouring ranks: what the report's estimates are checked against.
   */
  recordedLatencyMs: { p50: RankedPercentile; p95: RankedPercentile; p99: RankedPercentile };
}

/** Per-workflow totals of the ledger. */
export interface WorkflowLedger {
  executions: number;
  outcomes: Record<WorkflowOutcome, number>;
}

/** Exact nearest-rank percentile of an ascending array. */
export function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

const round = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

function ranked(sorted: readonly number[], q: number): RankedPercentile {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  const at = (r: number) =>
    round3(sorted[Math.min(sorted.length, Math.max(1, r)) - 1] ?? Number.NaN);
  return { exact: at(rank), lower: at(rank - 1), upper: at(rank + 1) };
}

export class Ledger {
  private readonly calls: CallEntry[] = [];
  private readonly recorded = new Map<string, number[]>();
  private readonly workflowRuns = new Map<string, WorkflowLedger>();
  private failed = 0;

  recordCall(entry: CallEntry): void {
    this.calls.push(entry);
    if (!entry.ok) this.failed++;
  }

  /** A duration the instrumentation recorded for `tool` (from `subscribeInvocations`). */
  recordDuration(tool: string, ms: number): void {
    const list = this.recorded.get(tool);
    if (list === undefined) this.recorded.set(tool, [ms]);
    else list.push(ms);
  }

  recordWorkflow(name: string, outcome: WorkflowOutcome): void {
    let w = this.workflowRuns.get(name);
    if (w === undefined) {
      w = { executions: 0, outcomes: { completed: 0, partial: 0, failed: 0 } };
      this.workflowRuns.set(name, w);
    }
    w.executions++;
    w.outcomes[outcome]++;
  }

  /** Totals for the progress line. */
  counts(): { calls: number; failedCalls: number; workflows: Record<WorkflowOutcome, number> } {
    const workflows = { completed: 0, partial: 0, failed: 0 };
    for (const w of this.workflowRuns.values()) {
      workflows.completed += w.outcomes.completed;
      workflows.partial += w.outcomes.partial;
      workflows.failed += w.outcomes.failed;
    }
    return { calls: this.calls.length, failedCalls: this.failed, workflows };
  }

  tools(): Record<string, ToolLedger> {
    const byTool = new Map<string, CallEntry[]>();
    for (const c of this.calls) {
      const list = byTool.get(c.tool);
      if (list === undefined) byTool.set(c.tool, [c]);
      else list.push(c);
    }
    const out: Record<string, ToolLedger> = {};
    for (const [tool, list] of [...byTool].sort(([a], [b]) => a.localeCompare(b))) {
      const errorTypes: Record<string, number> = {};
      let attempts = 0;
      let refused = 0;
      let retriedCalls = 0;
      let fallbackCalls = 0;
      for (const c of list) {
        attempts += c.attempts;
        refused += c.refusedAttempts;
        if (c.attempts > 1) retriedCalls++;
        if (c.fallbackFor !== undefined) fallbackCalls++;
        if (!c.ok)
          errorTypes[c.errorType ?? '_OTHER'] = (errorTypes[c.errorType ?? '_OTHER'] ?? 0) + 1;
      }
      const sorted = list.map((c) => c.injectedMs).sort((a, b) => a - b);
      const recorded = [...(this.recorded.get(tool) ?? [])].sort((a, b) => a - b);
      out[tool] = {
        calls: list.length,
        failedCalls: list.filter((c) => !c.ok).length,
        errorTypes,
        attempts,
        refusedAttempts: refused,
        retries: attempts - list.length,
        retriedCalls,
        fallbackCalls,
        injectedLatencyMs: {
          p50: round(nearestRank(sorted, 0.5)),
          p95: round(nearestRank(sorted, 0.95)),
          p99: round(nearestRank(sorted, 0.99)),
          max: round(sorted[sorted.length - 1] ?? Number.NaN),
        },
        recordedLatencyMs: {
          p50: ranked(recorded, 0.5),
          p95: ranked(recorded, 0.95),
          p99: ranked(recorded, 0.99),
        },
      };
    }
    return out;
  }

  workflows(): Record<string, WorkflowLedger> {
    return Object.fromEntries(
      [...this.workflowRuns]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, structuredClone(v)]),
    );
  }
}
