import { subscribeInvocations } from '../listeners.ts';
import { boundedErrorType, boundedFallbackFor, metricNameOf } from '../metrics/cardinality.ts';
import { ToolscopeConfigError } from '../shared/errors.ts';
import type {
  DistributionSummary,
  InvocationRecord,
  InvocationStoreOptions,
  TimeWindow,
  ToolInvocationRecord,
  ToolType,
  ToolWindowStats,
  WorkflowExecutionRecord,
  WorkflowOutcome,
  WorkflowWindowStats,
} from '../types.ts';
import { LogHistogram } from './log-histogram.ts';

/** Size distributions need less precision than durations. */
const SIZE_ACCURACY = 0.02;

interface ToolAgg {
  toolType: ToolType;
  calls: number;
  errors: number;
  errorTypes: Map<string, number>;
  retries: number;
  retriedCalls: number;
  fallbacks: Map<string, number>;
  duration: LogHistogram;
  /** Created on the first known size: many tools never report sizes. */
  input: LogHistogram | undefined;
  output: LogHistogram | undefined;
  expectedPerformanceMs: number | undefined;
  lastCallMs: number;
}

interface WorkflowAgg {
  executions: number;
  outcomes: Record<WorkflowOutcome, number>;
  duration: LogHistogram;
  stepsCompleted: number;
  tools: Map<string, number>;
  lastRunMs: number;
}

interface Slot {
  readonly tools: Map<string, ToolAgg>;
  readonly workflows: Map<string, WorkflowAgg>;
}

/**
 * The in-process aggregates that reports and objectives read: per tool and workflow, per
 * time slot, counts and log histograms (see `LogHistogram`) — never a list of invocations.
 * Memory depends on the number of tools, slots and the spread of durations, not on the call
 * rate: tool and workflow names past `maxToolNames`, and a tool's error types and fallback
 * targets past `LIMITS.errorTypesPerTool`, fold into `_OTHER` exactly as on metrics.
 * Windows are answered at slot granularity: a slot belongs to a window when it overlaps
 * `[fromMs, toMs)`.
 */
export class InvocationStore {
  readonly slotMs: number;
  readonly retentionMs: number;
  readonly relativeAccuracy: number;
  private readonly now: () => number;
  private readonly slots = new Map<number, Slot>();
  private oldestSlot = Number.POSITIVE_INFINITY;
  private detach: (() => void) | undefined;

  constructor(options: InvocationStoreOptions = {}) {
    const slotSeconds = options.slotSeconds ?? 10;
    const retentionSeconds = options.retentionSeconds ?? 3600;
    const accuracy = options.relativeAccuracy ?? 0.005;
    if (!(slotSeconds > 0)) {
      throw new ToolscopeConfigError('slotSeconds', `must be > 0 (got ${slotSeconds})`);
    }
    if (!(retentionSeconds >= slotSeconds)) {
      throw new ToolscopeConfigError(
        'retentionSeconds',
        `must be >= slotSeconds (${slotSeconds}) (got ${retentionSeconds})`,
      );
    }
    if (!(accuracy > 0 && accuracy < 0.5)) {
      throw new ToolscopeConfigError('relativeAccuracy', `must be in (0, 0.5) (got ${accuracy})`);
    }
    this.slotMs = slotSeconds * 1000;
    this.retentionMs = retentionSeconds * 1000;
    this.relativeAccuracy = accuracy;
    this.now = options.now ?? Date.now;
  }

  /** Starts receiving every finished invocation of this process. Idempotent. */
  attach(): this {
    this.detach ??= subscribeInvocations((r) => this.record(r));
    return this;
  }

  /** Stops receiving invocations (the data is kept). */
  close(): void {
    this.detach?.();
    this.detach = undefined;
  }

  /** Adds one finished invocation. O(1); never throws on odd values (they are skipped). */
  record(record: InvocationRecord): void {
    const slot = this.slotFor(record.endTimeMs);
    if (slot === undefined) return;
    if (record.kind === 'tool') this.recordTool(slot, record);
    else this.recordWorkflow(slot, record);
  }

  /** A window covering the last `ms` milliseconds up to now. */
  lastWindow(ms: number): TimeWindow {
    const toMs = this.now() + 1;
    return { fromMs: toMs - ms, toMs };
  }

  /** Every tool's aggregates over `window` (default: everything retained), by name. */
  tools(window?: TimeWindow): ToolWindowStats[] {
    const merged = new Map<string, ToolAgg>();
    for (const slot of this.slotsIn(window)) {
      for (const [name, agg] of slot.tools) {
        const into = merged.get(name);
        if (into === undefined) merged.set(name, this.cloneTool(agg));
        else mergeTool(into, agg);
      }
    }
    return [...merged.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tool, a]) => ({
        tool,
        toolType: a.toolType,
        calls: a.calls,
        errors: a.errors,
        errorTypes: Object.fromEntries(a.errorTypes),
        retries: a.retries,
        retriedCalls: a.retriedCalls,
        fallbacks: Object.fromEntries(a.fallbacks),
        duration: a.duration as DistributionSummary,
        inputBytes: (a.input ?? new LogHistogram(SIZE_ACCURACY)) as DistributionSummary,
        outputBytes: (a.output ?? new LogHistogram(SIZE_ACCURACY)) as DistributionSummary,
        expectedPerformanceMs: a.expectedPerformanceMs,
        lastCallMs: a.lastCallMs,
      }));
  }

  /** Every workflow's aggregates over `window` (default: everything retained), by name. */
  workflows(window?: TimeWindow): WorkflowWindowStats[] {
    const merged = new Map<string, WorkflowAgg>();
    for (const slot of this.slotsIn(window)) {
      for (const [name, agg] of slot.workflows) {
        let into = merged.get(name);
        if (into === undefined) {
          into = this.newWorkflow();
          merged.set(name, into);
        }
        into.executions += agg.executions;
        for (const o of Object.keys(agg.outcomes) as WorkflowOutcome[]) {
          into.outcomes[o] += agg.outcomes[o];
        }
        into.duration.merge(agg.duration);
        into.stepsCompleted += agg.stepsCompleted;
        addAll(into.tools, agg.tools);
        into.lastRunMs = Math.max(into.lastRunMs, agg.lastRunMs);
      }
    }
    return [...merged.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([workflow, a]) => ({
        workflow,
        executions: a.executions,
        outcomes: { ...a.outcomes },
        duration: a.duration as DistributionSummary,
        stepsCompleted: a.stepsCompleted,
        tools: Object.fromEntries(a.tools),
        lastRunMs: a.lastRunMs,
      }));
  }

  /** Drops every slot. */
  clear(): void {
    this.slots.clear();
    this.oldestSlot = Number.POSITIVE_INFINITY;
  }

  /** Number of slots held (for memory accounting and tests). */
  get slotCount(): number {
    return this.slots.size;
  }

  private slotFor(endTimeMs: number): Slot | undefined {
    if (!Number.isFinite(endTimeMs)) return undefined;
    const key = Math.floor(endTimeMs / this.slotMs);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      const horizon = Math.floor((this.now() - this.retentionMs) / this.slotMs);
      if (key <= horizon) return undefined;
      slot = { tools: new Map(), workflows: new Map() };
      this.slots.set(key, slot);
      if (key < this.oldestSlot) this.oldestSlot = key;
      if (this.oldestSlot <= horizon) this.prune(horizon);
    }
    return slot;
  }

  private prune(horizon: number): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const key of this.slots.keys()) {
      if (key <= horizon) this.slots.delete(key);
      else if (key < oldest) oldest = key;
    }
    this.oldestSlot = oldest;
  }

  private *slotsIn(window: TimeWindow | undefined): Iterable<Slot> {
    for (const [key, slot] of this.slots) {
      const start = key * this.slotMs;
      if (window === undefined || (start < window.toMs && start + this.slotMs > window.fromMs)) {
        yield slot;
      }
    }
  }

  private recordTool(slot: Slot, r: ToolInvocationRecord): void {
    // Names past the cardinality guard's limit share `_OTHER`, as on metrics.
    const name = metricNameOf(r.name);
    let agg = slot.tools.get(name);
    if (agg === undefined) {
      agg = this.newTool(r.toolType);
      slot.tools.set(name, agg);
    }
    agg.calls++;
    if (r.errorType !== undefined) {
      agg.errors++;
      const type = boundedErrorType(r.name, r.toolType, r.errorType);
      agg.errorTypes.set(type, (agg.errorTypes.get(type) ?? 0) + 1);
    }
    if (r.retryCount > 0) {
      agg.retries += r.retryCount;
      agg.retriedCalls++;
    }
    if (r.fallbackFor !== undefined) {
      const target = boundedFallbackFor(r.name, r.toolType, r.fallbackFor);
      agg.fallbacks.set(target, (agg.fallbacks.get(target) ?? 0) + 1);
    }
    agg.duration.add(r.durationS);
    if (r.inputSize !== undefined) {
      agg.input ??= new LogHistogram(SIZE_ACCURACY);
      agg.input.add(r.inputSize);
    }
    if (r.outputSize !== undefined) {
      agg.output ??= new LogHistogram(SIZE_ACCURACY);
      agg.output.add(r.outputSize);
    }
    if (r.expectedPerformanceMs !== undefined) agg.expectedPerformanceMs = r.expectedPerformanceMs;
    if (r.endTimeMs > agg.lastCallMs) agg.lastCallMs = r.endTimeMs;
  }

  private recordWorkflow(slot: Slot, r: WorkflowExecutionRecord): void {
    const name = metricNameOf(r.name);
    let agg = slot.workflows.get(name);
    if (agg === undefined) {
      agg = this.newWorkflow();
      slot.workflows.set(name, agg);
    }
    agg.executions++;
    agg.outcomes[r.outcome]++;
    agg.duration.add(r.durationS);
    agg.stepsCompleted += r.stepsCompleted;
    for (const t of r.toolsUsed) {
      const tool = metricNameOf(t);
      agg.tools.set(tool, (agg.tools.get(tool) ?? 0) + 1);
    }
    if (r.endTimeMs > agg.lastRunMs) agg.lastRunMs = r.endTimeMs;
  }

  private newTool(toolType: ToolType): ToolAgg {
    return {
      toolType,
      calls: 0,
      errors: 0,
      errorTypes: new Map(),
      retries: 0,
      retriedCalls: 0,
      fallbacks: new Map(),
      duration: new LogHistogram(this.relativeAccuracy),
      input: undefined,
      output: undefined,
      expectedPerformanceMs: undefined,
      lastCallMs: 0,
    };
  }

  private cloneTool(agg: ToolAgg): ToolAgg {
    const copy = this.newTool(agg.toolType);
    mergeTool(copy, agg);
    return copy;
  }

  private newWorkflow(): WorkflowAgg {
    return {
      executions: 0,
      outcomes: { completed: 0, partial: 0, failed: 0 },
      duration: new LogHistogram(this.relativeAccuracy),
      stepsCompleted: 0,
      tools: new Map(),
      lastRunMs: 0,
    };
  }
}

function addAll(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

function mergeTool(into: ToolAgg, from: ToolAgg): void {
  into.calls += from.calls;
  into.errors += from.errors;
  addAll(into.errorTypes, from.errorTypes);
  into.retries += from.retries;
  into.retriedCalls += from.retriedCalls;
  addAll(into.fallbacks, from.fallbacks);
  into.duration.merge(from.duration);
  if (from.input !== undefined) {
    into.input ??= new LogHistogram(SIZE_ACCURACY);
    into.input.merge(from.input);
  }
  if (from.output !== undefined) {
    into.output ??= new LogHistogram(SIZE_ACCURACY);
    into.output.merge(from.output);
  }
  if (from.lastCallMs >= into.lastCallMs) {
    into.lastCallMs = from.lastCallMs;
    if (from.expectedPerformanceMs !== undefined)
      into.expectedPerformanceMs = from.expectedPerformanceMs;
  }
}
