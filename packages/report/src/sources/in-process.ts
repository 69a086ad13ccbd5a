import {
  type Alert,
  getAlertCenter,
  InvocationStore,
  listToolHealth,
  type TimeWindow,
  type ToolHealth,
} from '@toolscope/instrumentation';
import { significant } from '@toolscope/instrumentation/internal';
import { ReportConfigError } from '../errors.ts';
import type {
  HealthHistorySource,
  InProcessSourceOptions,
  ReportSource,
  SourceSnapshot,
  ToolSample,
  WorkflowSample,
} from '../types.ts';

/**
 * Reads the running process: the core's `InvocationStore` (DDSketch histograms, every
 * quantile within the store's relative accuracy, 0.5% by default), the health registry and
 * the alert center. The default source.
 *
 * The store answers at slot granularity (10 s by default): a window's start is moved down to
 * the start of its slot, so that a window and the previous one never share a slot. The
 * snapshot's `window` is the widened window.
 */
export class InProcessSource implements ReportSource {
  readonly kind = 'in-process';
  readonly description = 'this process (in-process store)';
  private readonly store: InvocationStore;
  private readonly health: () => readonly ToolHealth[];
  private readonly alerts: { active(): Alert[] };
  private readonly history: HealthHistorySource | undefined;

  constructor(options: InProcessSourceOptions | InvocationStore) {
    const opts = options instanceof InvocationStore ? { store: options } : options;
    if (!(opts?.store instanceof InvocationStore)) {
      throw new ReportConfigError(
        'store',
        'must be an InvocationStore (startToolscope().store, or new InvocationStore().attach())',
      );
    }
    this.store = opts.store;
    this.health = opts.health ?? listToolHealth;
    this.alerts = opts.alerts ?? getAlertCenter();
    this.history = opts.history;
  }

  async snapshot(window: TimeWindow): Promise<SourceSnapshot> {
    const slot = this.store.slotMs;
    const aligned: TimeWindow = {
      fromMs: Math.floor(window.fromMs / slot) * slot,
      toMs: window.toMs,
    };
    const tools: ToolSample[] = this.store.tools(aligned).map((t) => ({
      tool: t.tool,
      toolType: t.toolType,
      calls: t.calls,
      errors: t.errors,
      errorTypes: t.errorTypes,
      retries: t.retries,
      retriedCalls: t.retriedCalls,
      fallbacks: t.fallbacks,
      duration: t.duration,
      inputBytes: t.inputBytes,
      outputBytes: t.outputBytes,
      expectedPerformanceMs: t.expectedPerformanceMs ?? null,
      lastCallMs: t.lastCallMs > 0 ? t.lastCallMs : null,
    }));
    const workflows: WorkflowSample[] = this.store.workflows(aligned).map((w) => ({
      workflow: w.workflow,
      executions: w.executions,
      outcomes: w.outcomes,
      duration: w.duration,
      stepsCompleted: w.stepsCompleted,
      tools: w.tools,
      lastRunMs: w.lastRunMs > 0 ? w.lastRunMs : null,
    }));
    const alpha = this.store.relativeAccuracy;
    return {
      window: aligned,
      tools,
      workflows,
      health: [...this.health()],
      alerts: this.alerts.active(),
      healthHistory: this.history?.transitions(aligned),
      accuracy: {
        method: 'ddsketch',
        relativeErrorBound: alpha,
        statement: `Percentiles come from the in-process store's log histograms (DDSketch): each is within ${pct(alpha)} of the exact percentile of the recorded durations, whatever their distribution. Windows are aligned to the store's ${this.store.slotMs / 1000} s slots.`,
      },
    };
  }
}

function pct(x: number): string {
  return `${significant(x * 100)}%`;
}
