/**
 * Choosing the restaurant search tool: the core's `ToolSelector` ranks the
 * candidates by live success rate, p95 against the declared expectation, health and open
 * alerts. The primary declares a better task fit (it has the larger index), so it wins while
 * it works; the selector avoids it once the probes call it unhealthy and brings it back when
 * they call it healthy again.
 */
import { type CandidateTool, type InvocationStore, ToolSelector } from '@toolscope/instrumentation';
import type { ToolChooser } from './orchestrator.ts';
import { TOOLS } from './scenario.ts';

/** Declared task fit of the candidates (`toolscope.selection.confidence` before live data). */
export const TASK_FIT: Readonly<Record<string, number>> = {
  restaurant_search: 1,
  restaurant_search_backup: 0.7,
};

/** How far back the selector looks: short, so the demo reacts within its run. */
export const SELECTION_WINDOW = '5s';

/**
 * A chooser over `store`. `onSwitch` hears when the first choice for a task changes, with the
 * selector's reasons.
 */
export function createChooser(
  store: InvocationStore,
  onSwitch?: (
    task: string,
    from: string | undefined,
    to: string,
    reasons: readonly string[],
  ) => void,
): ToolChooser {
  const selector = new ToolSelector({ store, window: SELECTION_WINDOW });
  const current = new Map<string, string>();
  return (task, candidates) => {
    const list: CandidateTool[] = candidates.map((name) => ({
      name,
      confidence: TASK_FIT[name] ?? 1,
      expectedPerformanceMs: TOOLS[name as keyof typeof TOOLS]?.expectedPerformanceMs,
    }));
    const ranked = selector.rank(list);
    const first = ranked[0];
    if (first !== undefined && current.get(task) !== first.tool) {
      const from = current.get(task);
      current.set(task, first.tool);
      const loser = ranked.find((r) => r.tool === from);
      onSwitch?.(task, from, first.tool, loser?.reasons ?? first.reasons);
    }
    return ranked.map((r) => ({ tool: r.tool, confidence: Math.min(1, Math.max(0, r.score)) }));
  };
}
