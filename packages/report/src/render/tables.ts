/**
 * The report's tables, defined once for every renderer: headers, per-row cell text and
 * which columns hold numbers. Renderers only lay a `Table` out (padding, Markdown pipes,
 * HTML cells); the per-format differences are the explicit options below.
 */
import type { HealthEntry, ToolReport, Trend, WorkflowReport } from '../types.ts';
import { DASH, fmtBytes, fmtChange, fmtCounts, fmtInt, fmtMs, fmtPct } from './format.ts';

/** One format-neutral table. */
export interface Table {
  readonly headers: string[];
  readonly rows: string[][];
  /** Per column: true when it holds numbers (right-aligned in Markdown and HTML). */
  readonly numeric: boolean[];
}

/**
 * How a renderer shows text from outside in a cell: names (Markdown: `markdownCode`) and other
 * outside text inside a cell, such as error types, fallback targets and tools used (Markdown:
 * `markdownText`). Text and HTML sanitise or escape whole cells instead.
 */
export interface NameOptions {
  /** A tool, workflow or subject name. @default the name as is */
  readonly name?: (name: string) => string;
  /** Other outside text within a cell (error types, tool names in a list). @default as is */
  readonly text?: (text: string) => string;
}

interface Column<T> {
  readonly header: string;
  readonly numeric: boolean;
  readonly cell: (row: T) => string;
}

const col = <T>(header: string, numeric: boolean, cell: (row: T) => string): Column<T> => ({
  header,
  numeric,
  cell,
});

const asIs = (name: string) => name;

function build<T>(items: readonly T[], columns: readonly Column<T>[]): Table {
  return {
    headers: columns.map((c) => c.header),
    rows: items.map((item) => columns.map((c) => c.cell(item))),
    numeric: columns.map((c) => c.numeric),
  };
}

/** The tool columns; `text` shows the outside text within a cell. */
const toolColumns = (text: (s: string) => string) => ({
  calls: col<ToolReport>('calls', true, (t) => fmtInt(t.calls)),
  success: col<ToolReport>('success', true, (t) => fmtPct(t.successRate)),
  min: col<ToolReport>('min', true, (t) => fmtMs(t.durationMs.min)),
  p50: col<ToolReport>('p50', true, (t) => fmtMs(t.durationMs.p50)),
  p95: col<ToolReport>('p95', true, (t) => fmtMs(t.durationMs.p95)),
  p99: col<ToolReport>('p99', true, (t) => fmtMs(t.durationMs.p99)),
  max: col<ToolReport>('max', true, (t) => fmtMs(t.durationMs.max)),
  mean: col<ToolReport>('mean', true, (t) => fmtMs(t.durationMs.mean)),
  expected: col<ToolReport>('expected', true, (t) => fmtMs(t.expectedPerformanceMs)),
  retries: col<ToolReport>('retries', true, (t) => fmtInt(t.retries)),
  fallbacks: col<ToolReport>('fallbacks', true, (t) => fmtInt(t.fallbacks)),
  errorTypes: col<ToolReport>('errors by type', false, (t) => fmtCounts(t.errorTypes, 4, text)),
  fallbackFor: col<ToolReport>('fallback for', false, (t) => fmtCounts(t.fallbackFor, 4, text)),
  fallbacksReceived: col<ToolReport>('replaced by fallbacks', true, (t) =>
    fmtInt(t.fallbacksReceived),
  ),
  inputAvg: col<ToolReport>('input avg', true, (t) => fmtBytes(t.payloadBytes.input.mean)),
  outputAvg: col<ToolReport>('output avg', true, (t) => fmtBytes(t.payloadBytes.output.mean)),
  health: col<ToolReport>('health', false, (t) =>
    t.health?.state === undefined ? DASH : text(t.health.state),
  ),
});

/** A column of the tools table (after the leading `tool` column). */
export type ToolColumn = keyof ReturnType<typeof toolColumns>;

/**
 * Tools table: a `tool` column, then `columns` in the given order (the renderers show
 * different subsets and orders, so each names its own).
 */
export function toolTable(
  tools: readonly ToolReport[],
  columns: readonly ToolColumn[],
  options: NameOptions = {},
): Table {
  const name = options.name ?? asIs;
  const all = toolColumns(options.text ?? asIs);
  return build(tools, [
    col<ToolReport>('tool', false, (t) => name(t.tool)),
    ...columns.map((c) => all[c]),
  ]);
}

/** Options of {@link workflowTable}. */
export interface WorkflowTableOptions extends NameOptions {
  /** `names`: tool names joined (text); `counts`: `name ×n`, at most 6 (Markdown, HTML). */
  readonly toolsUsed: 'names' | 'counts';
}

/** Workflows table. */
export function workflowTable(
  workflows: readonly WorkflowReport[],
  options: WorkflowTableOptions,
): Table {
  const name = options.name ?? asIs;
  const text = options.text ?? asIs;
  const toolsUsed =
    options.toolsUsed === 'names'
      ? (used: Readonly<Record<string, number>>) => Object.keys(used).map(text).join(', ')
      : (used: Readonly<Record<string, number>>) => fmtCounts(used, 6, text);
  return build(workflows, [
    col<WorkflowReport>('workflow', false, (w) => name(w.workflow)),
    col<WorkflowReport>('runs', true, (w) => fmtInt(w.executions)),
    col<WorkflowReport>('completed', true, (w) => fmtPct(w.completionRate)),
    col<WorkflowReport>('partial', true, (w) => fmtInt(w.outcomes.partial)),
    col<WorkflowReport>('failed', true, (w) => fmtInt(w.outcomes.failed)),
    col<WorkflowReport>('p50', true, (w) => fmtMs(w.durationMs.p50)),
    col<WorkflowReport>('p95', true, (w) => fmtMs(w.durationMs.p95)),
    col<WorkflowReport>('p99', true, (w) => fmtMs(w.durationMs.p99)),
    col<WorkflowReport>('avg steps', true, (w) =>
      w.avgSteps === null ? DASH : String(w.avgSteps),
    ),
    col<WorkflowReport>('tools used', false, (w) =>
      w.toolsUsed === null ? DASH : toolsUsed(w.toolsUsed),
    ),
  ]);
}

/** Options of {@link trendTable}. */
export interface TrendTableOptions extends NameOptions {
  /** Status prefix of a degraded row, before `: reasons` (`DEGRADED`, `**degraded**`, …). */
  readonly degraded: string;
  /** Status `new` (instead of `ok`) for a subject without a previous window (text). */
  readonly markNew: boolean;
}

/** Trends table (current window against the previous one). */
export function trendTable(trends: readonly Trend[], options: TrendTableOptions): Table {
  const name = options.name ?? asIs;
  return build(trends, [
    col<Trend>(
      'subject',
      false,
      (t) => `${name(t.subject)}${t.kind === 'workflow' ? ' (workflow)' : ''}`,
    ),
    col<Trend>('calls', true, (t) => fmtInt(t.current.calls)),
    col<Trend>('volume', true, (t) => fmtChange(t.change.volumePct, '%')),
    col<Trend>('p95', true, (t) => fmtMs(t.current.p95Ms)),
    col<Trend>('p95 change', true, (t) => fmtChange(t.change.p95Pct, '%')),
    col<Trend>('error rate', true, (t) => fmtPct(t.current.errorRate)),
    col<Trend>('change', true, (t) => fmtChange(t.change.errorRatePts, ' pts')),
    col<Trend>('status', false, (t) =>
      t.degraded
        ? `${options.degraded}: ${t.reasons.join('; ')}`
        : options.markNew && t.previous === null
          ? 'new'
          : 'ok',
    ),
  ]);
}

/** Health table (the probe's latest state per tool). */
export function healthTable(health: readonly HealthEntry[], options: NameOptions = {}): Table {
  const name = options.name ?? asIs;
  const text = options.text ?? asIs;
  return build(health, [
    col<HealthEntry>('tool', false, (h) => name(h.tool)),
    col<HealthEntry>('state', false, (h) => text(h.state)),
    col<HealthEntry>('since', false, (h) => h.since),
    col<HealthEntry>('check latency', true, (h) => fmtMs(h.latencyMs)),
    col<HealthEntry>('last error', false, (h) => (h.errorType === null ? DASH : text(h.errorType))),
  ]);
}
