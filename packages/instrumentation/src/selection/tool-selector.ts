import { InvocationStore } from '../aggregate/invocation-store.ts';
import { getAlertCenter } from '../alerts/alert-center.ts';
import { getToolHealth } from '../health-registry.ts';
import { parseDuration } from '../shared/duration.ts';
import { ToolscopeConfigError } from '../shared/errors.ts';
import { validate } from '../shared/validate.ts';
import type {
  Alert,
  AlertSeverity,
  CandidateTool,
  HealthState,
  RankedTool,
  SelectorStats,
  ToolHealth,
  ToolSelectorOptions,
} from '../types.ts';

/** Health factor H per state; 0 means avoided. */
export const HEALTH_FACTOR: Readonly<Record<HealthState, number>> = {
  healthy: 1,
  unknown: 0.9,
  degraded: 0.6,
  unhealthy: 0,
  maintenance: 0,
};
/** Factor for a tool no probe reports on. */
export const NO_HEALTH_FACTOR = 0.9;
/** Multiplier per open alert on the tool, by severity. */
export const ALERT_FACTOR: Readonly<Record<AlertSeverity, number>> = {
  info: 1,
  warning: 0.8,
  error: 0.6,
  critical: 0.4,
};
const HEALTH_ALERT_KINDS = new Set(['tool_unhealthy', 'tool_degraded', 'tool_recovered']);

/**
 * Ranks candidate tools for a task by live performance and health (the seed's "automatic
 * tool selection preference adjustment"), read from the in-process store, the health
 * registry and the alert center of this package.
 *
 *   score = C × H × A × (w × s × S + (1 − w) × P0)
 *
 * - s: success rate over the window, (calls − errors) / calls.
 * - S (speed): min(1, expected / p95), with the candidate's (or last declared)
 *   `expectedPerformanceMs`; without one, the expectation is twice the best p95 among the
 *   candidates; 1 without data.
 * - w (evidence): calls / (calls + k), k = `priorCalls` (10): few calls weigh little, so a new
 *   tool starts at the prior P0 = `priorScore` (0.75) and a recovered tool comes back as its
 *   bad calls age out of the window.
 * - H (health): healthy 1, unknown or unreported 0.9, degraded 0.6, unhealthy and maintenance
 *   0: such tools are avoided (ranked last, `avoided: true`) unless every candidate is
 *   avoided, in which case they are ranked with H = 1.
 * - A (alerts): × 0.8 per open warning alert on the tool, × 0.6 per error, × 0.4 per
 *   critical (for example `latency_threshold` from an objective); health alerts are skipped
 *   when the health registry already reports the tool (H counts them).
 * - C: the candidate's declared `confidence` (task fit), default 1.
 *
 * Worked example (k 10, P0 0.75): `search_a` 90 calls, 9 failed, p95 1200 ms against an
 * expected 1000 ms, healthy → s 0.9, S 0.833, w 0.9, score 0.9 × 0.9 × 0.833 + 0.1 × 0.75 =
 * 0.75. `search_b` 30 calls, none failed, p95 400 ms, degraded → w 0.75, 0.75 × 1 + 0.25 ×
 * 0.75 = 0.9375, × 0.6 = 0.5625. `search_c` no calls, no probe → 0.75 × 0.9 = 0.675. Order:
 * a, c, b. An open warning alert on `search_a` makes it 0.6, and `search_c` comes first.
 */
export class ToolSelector {
  readonly windowMs: number;
  private readonly stats: (tools: readonly string[]) => ReadonlyMap<string, SelectorStats>;
  private readonly health: (tool: string) => ToolHealth | undefined;
  private readonly alerts: { active(): Alert[] };
  private readonly priorCalls: number;
  private readonly priorScore: number;

  constructor(options: ToolSelectorOptions) {
    this.windowMs = parseDuration('window', options?.window ?? '5m');
    if (options?.stats !== undefined) {
      this.stats = options.stats;
    } else if (options?.store instanceof InvocationStore) {
      const store = options.store;
      this.stats = (tools) => storeStats(store, this.windowMs, tools);
    } else {
      throw new ToolscopeConfigError(
        'store',
        'ToolSelector needs the in-process store (startToolscope().store) or a stats function',
      );
    }
    this.health = options.health ?? getToolHealth;
    this.alerts = options.alerts ?? getAlertCenter();
    this.priorCalls = validate.optionalNumber('priorCalls', options.priorCalls, { min: 0 }) ?? 10;
    this.priorScore =
      validate.optionalNumber('priorScore', options.priorScore, { min: 0, max: 1 }) ?? 0.75;
  }

  /** Every candidate, best first. */
  rank(candidates: readonly (string | CandidateTool)[]): RankedTool[] {
    const list = candidates.map(normalize);
    const stats = this.stats(list.map((c) => c.name));
    const open = this.alerts.active();
    const bestP95 = Math.min(
      ...list.map((c) => stats.get(c.name)?.p95Ms ?? Number.NaN).filter((v) => v > 0),
    );
    const scored = list.map((c, index) => {
      const s = stats.get(c.name);
      const health = this.health(c.name);
      const calls = s?.calls ?? 0;
      const reasons: string[] = [];
      const success = calls > 0 ? (calls - (s?.errors ?? 0)) / calls : 1;
      const expected =
        c.expectedPerformanceMs ??
        s?.expectedPerformanceMs ??
        (Number.isFinite(bestP95) ? 2 * bestP95 : undefined);
      const p95 = s?.p95Ms ?? Number.NaN;
      const speed = expected !== undefined && p95 > 0 ? Math.min(1, expected / p95) : 1;
      const evidence = calls / (calls + this.priorCalls || 1);
      const perf = evidence * success * speed + (1 - evidence) * this.priorScore;
      const h = health === undefined ? NO_HEALTH_FACTOR : HEALTH_FACTOR[health.state];
      let a = 1;
      for (const alert of open) {
        if (alert.subject !== c.name) continue;
        if (health !== undefined && HEALTH_ALERT_KINDS.has(alert.kind)) continue;
        a *= ALERT_FACTOR[alert.severity];
        if (alert.severity !== 'info') reasons.push(`open ${alert.kind} alert (${alert.severity})`);
      }
      const confidence = c.confidence ?? 1;
      if (calls === 0) reasons.push('no calls in the window: prior score');
      else {
        reasons.push(`${calls} calls, ${(success * 100).toFixed(1)}% success`);
        if (speed < 1)
          reasons.push(`p95 ${Math.round(p95)} ms over expected ${Math.round(expected!)} ms`);
      }
      if (health !== undefined && health.state !== 'healthy')
        reasons.push(`health ${health.state}`);
      return {
        index,
        tool: c.name,
        base: confidence * a * perf,
        h,
        avoided: h === 0,
        components: { reliability: success, speed, evidence, health: h, alerts: a, confidence },
        reasons,
      };
    });
    const allAvoided = scored.every((x) => x.avoided);
    return scored
      .map((x) => ({
        ...x,
        score: round4(allAvoided ? x.base : x.base * x.h),
      }))
      .sort(
        (x, y) =>
          Number(x.avoided && !allAvoided) - Number(y.avoided && !allAvoided) ||
          y.score - x.score ||
          x.index - y.index,
      )
      .map(({ tool, score, avoided, components, reasons }) => ({
        tool,
        score,
        avoided,
        components: {
          reliability: round4(components.reliability),
          speed: round4(components.speed),
          evidence: round4(components.evidence),
          health: components.health,
          alerts: round4(components.alerts),
          confidence: components.confidence,
        },
        reasons: avoided && allAvoided ? [...reasons, 'every candidate is avoided'] : reasons,
      }));
  }

  /** The best candidate, or undefined when there are none. */
  select(candidates: readonly (string | CandidateTool)[]): RankedTool | undefined {
    return this.rank(candidates)[0];
  }
}

function normalize(c: string | CandidateTool, i: number): CandidateTool {
  const tool = typeof c === 'string' ? { name: c } : c;
  const field = `candidates[${i}]`;
  validate.string(`${field}.name`, tool?.name);
  validate.optionalNumber(`${field}.confidence`, tool.confidence, { min: 0, max: 1 });
  validate.optionalNumber(`${field}.expectedPerformanceMs`, tool.expectedPerformanceMs, {
    min: 0,
    minExclusive: true,
    hint: 'a positive number of ms',
  });
  return tool;
}

function storeStats(
  store: InvocationStore,
  windowMs: number,
  tools: readonly string[],
): Map<string, SelectorStats> {
  const wanted = new Set(tools);
  const out = new Map<string, SelectorStats>();
  for (const t of store.tools(store.lastWindow(windowMs))) {
    if (!wanted.has(t.tool)) continue;
    out.set(t.tool, {
      calls: t.calls,
      errors: t.errors,
      p95Ms: t.duration.quantile(0.95) * 1000,
      expectedPerformanceMs: t.expectedPerformanceMs,
    });
  }
  return out;
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
