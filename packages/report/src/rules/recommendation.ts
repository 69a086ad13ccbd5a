import type {
  Recommendation,
  RecommendationSeverity,
  ToolRuleContext,
  WorkflowRuleContext,
} from '../types.ts';

/** Severity rank, highest first in reports. */
export const SEVERITY_RANK: Readonly<Record<RecommendationSeverity, number>> = {
  critical: 3,
  error: 2,
  warning: 1,
  info: 0,
};

/** Builds a recommendation about the context's subject, with the window as evidence. */
export function recommend(
  ctx: ToolRuleContext | WorkflowRuleContext,
  fields: {
    rule: string;
    severity: RecommendationSeverity;
    title: string;
    message: string;
    action: string;
    values: Record<string, number | string | null>;
  },
): Recommendation {
  const isTool = 'tool' in ctx;
  return {
    rule: fields.rule,
    severity: fields.severity,
    kind: isTool ? 'tool' : 'workflow',
    subject: isTool ? ctx.tool.tool : ctx.workflow.workflow,
    title: fields.title,
    message: fields.message,
    action: fields.action,
    evidence: {
      window: ctx.window,
      previousWindow: ctx.previousWindow,
      values: fields.values,
    },
  };
}

/**
 * Orders recommendations: severity (critical first), then the position of the rule that made
 * it in the rule list (`positionOf`), then subject.
 */
export function sortRecommendations(
  list: readonly Recommendation[],
  positionOf: (r: Recommendation) => number = () => 0,
): Recommendation[] {
  return [...list].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      positionOf(a) - positionOf(b) ||
      a.subject.localeCompare(b.subject),
  );
}

/** 0.0712 → "7.1%". */
export function pct(v: number | null): string {
  return v === null ? 'n/a' : `${Number((v * 100).toFixed(1))}%`;
}

/** 1234.5678 → "1235 ms", 12.345 → "12.3 ms". */
export function ms(v: number | null): string {
  if (v === null) return 'n/a';
  return v >= 100 ? `${Math.round(v)} ms` : `${Number(v.toPrecision(3))} ms`;
}

/** Rounds for evidence values. */
export function r3(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}
