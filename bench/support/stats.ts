/** Small statistics helpers shared by the scenarios and the orchestrator. */

/** Median of `values` (NaN when empty); does not modify the input. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Exact q-quantile of sorted values with rank q·(n − 1) and linear interpolation between
 * neighbours (numpy's default, "type 7").
 */
export function exactQuantile(sorted: Float64Array | readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = q * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  const frac = rank - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac;
}

/** Relative error of `estimate` against `exact`, as a signed fraction. */
export function relativeError(estimate: number, exact: number): number {
  return (estimate - exact) / exact;
}

/** Runs `gc()` a few times (the process runs with `--expose-gc`) and returns `heapUsed`. */
export async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Resolves on the next turn of the event loop (lets timers and I/O run). */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
