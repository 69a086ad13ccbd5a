import {
  type HealthState,
  listToolHealth,
  subscribeToolHealth,
  type TimeWindow,
} from '@toolscope/instrumentation';
import { ReportConfigError } from './errors.ts';
import type { HealthHistorySource, HealthTransition } from './types.ts';

/**
 * Remembers health transitions of the core's health registry (what the probes write), for
 * the health-over-time chart and the flapping rule. Only changes are kept (one entry per
 * state change per tool), at most `limit` entries (oldest dropped first).
 *
 * `transitions(window)` returns the changes inside the window plus, per tool, the last change
 * before it (the state the window starts in), oldest first.
 */
export class HealthHistory implements HealthHistorySource {
  readonly limit: number;
  private entries: HealthTransition[] = [];
  private readonly last = new Map<string, HealthState>();
  private detach: (() => void) | undefined;

  /** @param options.limit entries kept. @default 10000 */
  constructor(options: { limit?: number } = {}) {
    const limit = options.limit ?? 10_000;
    if (!(Number.isInteger(limit) && limit > 0)) {
      throw new ReportConfigError('limit', `must be a positive integer (got ${limit})`);
    }
    this.limit = limit;
  }

  /** Records the current states, then every change. Idempotent. */
  attach(): this {
    if (this.detach === undefined) {
      for (const h of listToolHealth()) this.record(h.tool, h.state, h.sinceMs);
      this.detach = subscribeToolHealth((h) => this.record(h.tool, h.state, h.updatedAtMs));
    }
    return this;
  }

  /** Stops listening (keeps what it has). */
  close(): void {
    this.detach?.();
    this.detach = undefined;
  }

  /** Adds an observation; ignored when the tool's state did not change. */
  record(tool: string, state: HealthState, atMs: number): void {
    if (this.last.get(tool) === state) return;
    this.last.set(tool, state);
    this.entries.push({ tool, state, atMs });
    if (this.entries.length > this.limit) this.entries = this.entries.slice(-this.limit);
  }

  transitions(window?: TimeWindow): HealthTransition[] {
    const sorted = [...this.entries].sort((a, b) => a.atMs - b.atMs);
    if (window === undefined) return sorted;
    const before = new Map<string, HealthTransition>();
    const inside: HealthTransition[] = [];
    for (const e of sorted) {
      if (e.atMs < window.fromMs) before.set(e.tool, e);
      else if (e.atMs < window.toMs) inside.push(e);
    }
    return [...before.values(), ...inside].sort((a, b) => a.atMs - b.atMs);
  }
}
