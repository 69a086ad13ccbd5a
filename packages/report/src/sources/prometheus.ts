import type {
  Alert,
  AlertSeverity,
  DistributionSummary,
  HealthState,
  TimeWindow,
  ToolHealth,
  WorkflowOutcome,
} from '@toolscope/instrumentation';
import {
  alertKindOf,
  PROM_LABELS as L,
  redactUrl,
  significant,
  validators,
} from '@toolscope/instrumentation/internal';
import { NoToolscopeMetricsError, ReportConfigError, reportConfigError } from '../errors.ts';
import { BucketDistribution, EMPTY_DISTRIBUTION } from '../stats/bucket-distribution.ts';
import type { CumulativeBucket } from '../stats/bucket-quantile.ts';
import type {
  AccuracyStatement,
  HealthTransition,
  PrometheusSourceOptions,
  ReportSource,
  SourceSnapshot,
  ToolSample,
  WorkflowSample,
} from '../types.ts';
import {
  type NativeHistogramValue,
  PrometheusClient,
  type VectorSample,
} from './prometheus-client.ts';
import { buildQueries, FIRING_ALERTS_QUERY, isToolscopeMetricName } from './prometheus-queries.ts';

const HEALTH_STATES: readonly HealthState[] = [
  'healthy',
  'degraded',
  'unhealthy',
  'unknown',
  'maintenance',
];
/** Worst first: the state a tool shows when several of its checks disagree. */
const SEVERITY_OF_STATE: Readonly<Record<HealthState, number>> = {
  unhealthy: 4,
  degraded: 3,
  unknown: 2,
  maintenance: 1,
  healthy: 0,
};
const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'error', 'critical'];
const QUANTILES = [0.5, 0.95, 0.99];

/**
 * Reads toolscope's metrics from Prometheus over its HTTP API (2.42+; native histograms need
 * 3.x), under the names both paths give them (`PROM_METRICS`, `PROM_LABELS` of the core): the
 * collector's `prometheus` exporter, and Prometheus 3's OTLP receiver with the `otlp:` block of
 * `collector-config/prometheus.yml`.
 *
 * Every count is the increase over the window evaluated at the window's end (see
 * `windowIncrease`), summed over instances. When Prometheus held no toolscope series at the
 * window's start, series it first saw inside the window are counted whole, which is too high
 * if Prometheus (not the process) started or lost data there: `accuracy.caveats` says so
 * (`windowStartCaveat`). Histograms are read per tool (or workflow) from
 * the kind the server holds: native histograms when there are any for it in the window,
 * classic `_bucket` series otherwise, never both (see `buildQueries`). Percentiles are
 * estimated from the summed buckets (`quantileFromBuckets`, log-linear by default: for
 * native histograms that is the exponential interpolation `histogram_quantile` uses), and
 * the snapshot's accuracy states which kind it read and the widest bucket a reported
 * percentile fell in. Health is the state set `toolscope_health_status` at the window's end,
 * joined to tools by its `gen_ai_tool_name` label (else a check id equal to a tool, or ending
 * in `/<tool>`), the worst state when a tool has several checks, since when the range query
 * over the window shows it; open alerts are Prometheus' own `ALERTS{alertstate="firing"}`,
 * each under the toolscope alert kind its rule stands for (`alertKindOf`: the
 * `toolscope_alert_kind` label, else the bundled or generated rule name, else the raw name).
 *
 * Not available from metrics (null in the report): calls needing a retry (only retry
 * attempts are counted), steps per workflow execution, tools used per workflow, declared
 * expected performance (pass `expectedPerformanceMs` to `buildReport`).
 */
export class PrometheusSource implements ReportSource {
  readonly kind = 'prometheus';
  readonly description: string;
  readonly url: string;
  private readonly client: PrometheusClient;
  private readonly matchers: string;
  private readonly interpolation: 'log' | 'linear';

  constructor(options: PrometheusSourceOptions) {
    const url = options?.url;
    let parsed: URL | undefined;
    try {
      parsed = typeof url === 'string' ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || !['http:', 'https:'].includes(parsed.protocol)) {
      throw new ReportConfigError(
        'url',
        `must be the http(s) base URL of Prometheus, for example http://127.0.0.1:9090 (got ${JSON.stringify(typeof url === 'string' ? redactUrl(url) : url)})`,
      );
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new ReportConfigError(
        'timeoutMs',
        `must be a positive number of ms (got ${timeoutMs})`,
      );
    }
    const interpolation = options.interpolation ?? 'log';
    if (interpolation !== 'log' && interpolation !== 'linear') {
      throw new ReportConfigError('interpolation', `must be 'log' or 'linear'`);
    }
    const matchers = options.selector ?? '';
    if (/[{}]/.test(matchers)) {
      throw new ReportConfigError(
        'selector',
        `must be label matchers without braces, for example service_name="checkout" (got ${JSON.stringify(matchers)})`,
      );
    }
    // A header with CR or LF is refused here, not sent (and blamed on Prometheus).
    const headers = validators(reportConfigError).httpHeaders('headers', options.headers ?? {});
    // Shown in the report and in messages: credentials redacted (the client sends them).
    this.url = redactUrl(url as string);
    this.description = `Prometheus at ${this.url}`;
    this.matchers = matchers;
    this.interpolation = interpolation;
    this.client = new PrometheusClient(url as string, timeoutMs, headers);
  }

  async snapshot(window: TimeWindow): Promise<SourceSnapshot> {
    const seconds = Math.max(1, Math.round((window.toMs - window.fromMs) / 1000));
    const at = window.toMs / 1000;
    const q = buildQueries(this.matchers, seconds);
    const run = (expr: string) => this.client.query(expr, at);
    const [
      toolBuckets,
      toolCounts,
      toolSums,
      toolRetries,
      toolFallbacks,
      payloadBuckets,
      payloadSums,
      workflowBuckets,
      workflowCounts,
      workflowSums,
      workflowExecutions,
      health,
      alerts,
      toolsWithBothKinds,
      workflowsWithBothKinds,
      seriesAtStart,
    ] = await Promise.all([
      run(q.toolBuckets),
      run(q.toolCounts),
      run(q.toolSums),
      run(q.toolRetries),
      run(q.toolFallbacks),
      run(q.payloadBuckets),
      run(q.payloadSums),
      run(q.workflowBuckets),
      run(q.workflowCounts),
      run(q.workflowSums),
      run(q.workflowExecutions),
      run(q.health),
      run(FIRING_ALERTS_QUERY),
      run(q.toolsWithBothKinds),
      run(q.workflowsWithBothKinds),
      run(q.seriesAtStart),
    ]);
    const tools = this.tools(
      toolBuckets,
      toolCounts,
      toolSums,
      toolRetries,
      toolFallbacks,
      payloadBuckets,
      payloadSums,
    );
    const workflows = this.workflows(
      workflowBuckets,
      workflowCounts,
      workflowSums,
      workflowExecutions,
    );
    if (tools.length === 0 && workflows.length === 0 && health.length === 0) {
      const names = await this.client.labelValues('__name__');
      if (!names.some(isToolscopeMetricName)) throw new NoToolscopeMetricsError(this.url);
    }
    const known = new Set(tools.map((t) => t.tool));
    const healthHistory = await this.history(q.health, window, known);
    // Counts from series "born" in the window are only sure when Prometheus held data then.
    const noDataAtStart = !seriesAtStart.some((s) => s.value > 0);
    const caveats =
      noDataAtStart && (tools.length > 0 || workflows.length > 0)
        ? [windowStartCaveat(window.fromMs)]
        : [];
    return {
      window,
      tools,
      workflows,
      health: healthOf(health, healthHistory, known, window.toMs),
      alerts: alertsOf(alerts, window.toMs),
      healthHistory,
      accuracy: accuracyOf(
        [...tools.map((t) => t.duration), ...workflows.map((w) => w.duration)],
        this.interpolation,
        [
          ...labelValues(toolsWithBothKinds, L.toolName),
          ...labelValues(workflowsWithBothKinds, L.workflowName).map((w) => `workflow ${w}`),
        ],
        caveats,
      ),
    };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private tools(
    buckets: VectorSample[],
    counts: VectorSample[],
    sums: VectorSample[],
    retries: VectorSample[],
    fallbacks: VectorSample[],
    payloadBuckets: VectorSample[],
    payloadSums: VectorSample[],
  ): ToolSample[] {
    const byTool = new Map<
      string,
      { calls: number; errorTypes: Map<string, number>; types: Map<string, number> }
    >();
    for (const s of counts) {
      const name = s.metric[L.toolName];
      if (name === undefined || !(s.value > 0)) continue;
      let t = byTool.get(name);
      if (t === undefined) {
        t = { calls: 0, errorTypes: new Map(), types: new Map() };
        byTool.set(name, t);
      }
      t.calls += s.value;
      const type = s.metric[L.toolType] ?? 'function';
      t.types.set(type, (t.types.get(type) ?? 0) + s.value);
      const err = s.metric[L.errorType] ?? '';
      if (err !== '') t.errorTypes.set(err, (t.errorTypes.get(err) ?? 0) + s.value);
    }
    const durations = groupBuckets(buckets, L.toolName);
    const durationSums = sumBy(sums, (m) => m[L.toolName]);
    const retryCounts = sumBy(retries, (m) => m[L.toolName]);
    const payloads = groupBuckets(payloadBuckets, L.toolName, L.payloadDirection);
    const payloadTotals = sumBy(payloadSums, (m) => key(m[L.toolName], m[L.payloadDirection]));
    const out: ToolSample[] = [];
    for (const [tool, t] of [...byTool].sort(([a], [b]) => a.localeCompare(b))) {
      const calls = Math.round(t.calls);
      if (calls < 1) continue;
      const errorTypes: Record<string, number> = {};
      let errors = 0;
      for (const [type, n] of t.errorTypes) {
        const r = Math.round(n);
        if (r > 0) {
          errorTypes[type] = r;
          errors += r;
        }
      }
      const fb: Record<string, number> = {};
      for (const s of fallbacks) {
        const forTool = s.metric[L.fallbackFor];
        const r = Math.round(s.value);
        if (s.metric[L.toolName] === tool && forTool !== undefined && r > 0) {
          fb[forTool] = (fb[forTool] ?? 0) + r;
        }
      }
      out.push({
        tool,
        toolType: [...t.types].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'function',
        calls,
        errors: Math.min(errors, calls),
        errorTypes,
        retries: Math.round(retryCounts.get(tool) ?? 0),
        retriedCalls: null,
        fallbacks: fb,
        duration: this.distribution(durations.get(tool), durationSums.get(tool)),
        inputBytes: this.distribution(
          payloads.get(key(tool, 'input')),
          payloadTotals.get(key(tool, 'input')),
        ),
        outputBytes: this.distribution(
          payloads.get(key(tool, 'output')),
          payloadTotals.get(key(tool, 'output')),
        ),
        expectedPerformanceMs: null,
        lastCallMs: null,
      });
    }
    return out;
  }

  private workflows(
    buckets: VectorSample[],
    counts: VectorSample[],
    sums: VectorSample[],
    executions: VectorSample[],
  ): WorkflowSample[] {
    const outcomes = new Map<string, Record<WorkflowOutcome, number>>();
    for (const s of executions) {
      const name = s.metric[L.workflowName];
      const outcome = s.metric[L.workflowOutcome] as WorkflowOutcome | undefined;
      if (name === undefined || outcome === undefined || !(s.value > 0)) continue;
      if (outcome !== 'completed' && outcome !== 'partial' && outcome !== 'failed') continue;
      const o = outcomes.get(name) ?? { completed: 0, partial: 0, failed: 0 };
      o[outcome] += s.value;
      outcomes.set(name, o);
    }
    // Without the executions counter, derive outcomes from the duration count's error.type.
    for (const s of counts) {
      const name = s.metric[L.workflowName];
      if (name === undefined || !(s.value > 0) || outcomesFromCounter(executions, name)) continue;
      const o = outcomes.get(name) ?? { completed: 0, partial: 0, failed: 0 };
      if ((s.metric[L.errorType] ?? '') === '') o.completed += s.value;
      else o.failed += s.value;
      outcomes.set(name, o);
    }
    const durations = groupBuckets(buckets, L.workflowName);
    const durationSums = sumBy(sums, (m) => m[L.workflowName]);
    const out: WorkflowSample[] = [];
    for (const [workflow, o] of [...outcomes].sort(([a], [b]) => a.localeCompare(b))) {
      const rounded = {
        completed: Math.round(o.completed),
        partial: Math.round(o.partial),
        failed: Math.round(o.failed),
      };
      const executionsN = rounded.completed + rounded.partial + rounded.failed;
      if (executionsN < 1) continue;
      out.push({
        workflow,
        executions: executionsN,
        outcomes: rounded,
        duration: this.distribution(durations.get(workflow), durationSums.get(workflow)),
        stepsCompleted: null,
        tools: null,
        lastRunMs: null,
      });
    }
    return out;
  }

  private distribution(buckets: Buckets | undefined, sum: number | undefined): DistributionSummary {
    if (buckets === undefined || buckets.list.length === 0) return EMPTY_DISTRIBUTION;
    const d = new BucketDistribution(
      buckets.list,
      sum ?? Number.NaN,
      this.interpolation,
      buckets.kind,
    );
    return d.count > 0 ? d : EMPTY_DISTRIBUTION;
  }

  /**
   * Health transitions per tool over the window (a range query at most 240 steps): the state
   * at the first step, then every change; a tool with several checks shows the worst.
   */
  private async history(
    expr: string,
    window: TimeWindow,
    known: ReadonlySet<string>,
  ): Promise<HealthTransition[]> {
    const span = (window.toMs - window.fromMs) / 1000;
    const step = Math.max(1, Math.ceil(span / 240));
    const series = await this.client.queryRange(
      expr,
      window.fromMs / 1000,
      window.toMs / 1000,
      step,
    );
    const worst = new Map<string, HealthTransition>();
    for (const s of series) {
      const tool = healthSubject(s.metric, known);
      const state = s.metric[L.healthState] as HealthState | undefined;
      if (tool === undefined || state === undefined || !HEALTH_STATES.includes(state)) continue;
      for (const [t] of s.values) {
        const atMs = Math.round(t * 1000);
        const k = `${tool}\u0000${atMs}`;
        const seen = worst.get(k);
        if (seen === undefined || SEVERITY_OF_STATE[state] > SEVERITY_OF_STATE[seen.state]) {
          worst.set(k, { tool, state, atMs });
        }
      }
    }
    const points = [...worst.values()].sort(
      (a, b) => a.atMs - b.atMs || a.tool.localeCompare(b.tool),
    );
    const last = new Map<string, HealthState>();
    const transitions: HealthTransition[] = [];
    for (const p of points) {
      if (last.get(p.tool) === p.state) continue;
      last.set(p.tool, p.state);
      transitions.push(p);
    }
    return transitions;
  }
}

function key(a: string | undefined, b: string | undefined): string {
  return `${a ?? ''}\u0000${b ?? ''}`;
}

function outcomesFromCounter(executions: VectorSample[], name: string): boolean {
  return executions.some((s) => s.metric[L.workflowName] === name);
}

function sumBy(
  samples: VectorSample[],
  keyOf: (m: Readonly<Record<string, string>>) => string | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const k = keyOf(s.metric);
    if (k === undefined || !Number.isFinite(s.value)) continue;
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

/** One group's cumulative buckets and the kind of histogram they came from. */
interface Buckets {
  readonly kind: 'classic' | 'native';
  readonly list: CumulativeBucket[];
}

/**
 * The cumulative buckets of a native histogram: each populated bucket `(lower, upper]` as the
 * points `lower` (count so far) and `upper` (count including it), so the gaps between
 * populated buckets are empty buckets. The zero bucket starts at 0.
 */
export function nativeToCumulative(h: NativeHistogramValue): CumulativeBucket[] {
  const out: CumulativeBucket[] = [];
  let cumulative = 0;
  for (const b of h.buckets) {
    out.push({ le: Math.max(0, b.lower), count: cumulative });
    cumulative += b.count;
    out.push({ le: b.upper, count: cumulative });
  }
  return out;
}

/**
 * Cumulative buckets grouped by one or two labels (key `a` or `a\0b`): from native histogram
 * samples, or from classic `le` series.
 */
function groupBuckets(
  samples: VectorSample[],
  label: string,
  second?: string,
): Map<string, Buckets> {
  const out = new Map<string, Buckets>();
  for (const s of samples) {
    const a = s.metric[label];
    if (a === undefined) continue;
    const k = second === undefined ? a : key(a, s.metric[second]);
    if (s.histogram !== undefined) {
      out.set(k, { kind: 'native', list: nativeToCumulative(s.histogram) });
      continue;
    }
    const le = s.metric[L.le];
    if (le === undefined || !Number.isFinite(s.value)) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    if (Number.isNaN(bound)) continue;
    const entry = out.get(k) ?? { kind: 'classic', list: [] };
    entry.list.push({ le: bound, count: s.value });
    out.set(k, entry);
  }
  return out;
}

/**
 * The tool a health series reports for: its `gen_ai_tool_name` label; else, for series
 * without it, the check id when it names a tool of the report, or the tool after the last
 * `/` (`dining/restaurant_search`, the `server/tool` ids the demo and many configs use);
 * else the check id itself.
 */
export function healthSubject(
  metric: Readonly<Record<string, string>>,
  known: ReadonlySet<string>,
): string | undefined {
  const tool = metric[L.toolName];
  if (tool !== undefined && tool !== '') return tool;
  const id = metric[L.healthCheckId];
  if (id === undefined || known.has(id)) return id;
  const tail = id.slice(id.lastIndexOf('/') + 1);
  return known.has(tail) ? tail : id;
}

/**
 * Current health per tool (the worst state of its checks), since the start of the last run of
 * that state in the window's history (the window's first step when it held throughout).
 */
function healthOf(
  samples: VectorSample[],
  history: readonly HealthTransition[],
  known: ReadonlySet<string>,
  nowMs: number,
): ToolHealth[] {
  const out = new Map<string, ToolHealth>();
  for (const s of samples) {
    const tool = healthSubject(s.metric, known);
    const state = s.metric[L.healthState] as HealthState | undefined;
    if (tool === undefined || state === undefined || !HEALTH_STATES.includes(state)) continue;
    const seen = out.get(tool);
    if (seen !== undefined && SEVERITY_OF_STATE[seen.state] >= SEVERITY_OF_STATE[state]) continue;
    const began = history.findLast((h) => h.tool === tool);
    const sinceMs = began !== undefined && began.state === state ? began.atMs : nowMs;
    out.set(tool, { tool, state, updatedAtMs: nowMs, sinceMs });
  }
  return [...out.values()].sort((a, b) => a.tool.localeCompare(b.tool));
}

/**
 * The caveat of a window at whose start Prometheus held no toolscope series: every series it
 * has in the window took `windowIncrease`'s "born in the window" branch and is counted whole.
 */
export function windowStartCaveat(fromMs: number): string {
  const at = new Date(fromMs).toISOString().slice(11, 19);
  return `Prometheus has no toolscope data at the window's start (${at} UTC): series first seen inside the window are counted whole — right for processes that started in it, too high if Prometheus started or lost data in it (or began scraping a process that had already counted calls); use a window inside Prometheus' data.`;
}

function labelValues(samples: VectorSample[], label: string): string[] {
  return [...new Set(samples.flatMap((s) => (s.metric[label] ? [s.metric[label]] : [])))].sort();
}

function alertsOf(samples: VectorSample[], nowMs: number): Alert[] {
  return samples.map((s) => {
    const m = s.metric;
    const name = m.alertname ?? 'alert';
    const subject = m[L.toolName] ?? m[L.healthCheckId] ?? m[L.workflowName] ?? name;
    const severity = SEVERITIES.includes(m.severity as AlertSeverity)
      ? (m.severity as AlertSeverity)
      : 'warning';
    return {
      id: `prometheus:${name}:${subject}`,
      key: `${name}:${subject}`,
      // The bundled and the generated rules (`@toolscope/objectives`) under their kinds.
      kind: alertKindOf(name, m) ?? name,
      severity,
      subject,
      message: `${name} is firing in Prometheus`,
      status: 'firing',
      firedAtMs: nowMs,
    } satisfies Alert;
  });
}

/**
 * The accuracy of bucket estimates: every p50/p95/p99 lies in a known bucket `(lower, upper]`
 * and so does the exact percentile, so the widest of those buckets bounds the error. Says
 * which histogram kind the percentiles came from, and where a metric held both kinds (only
 * the native one was read).
 */
function accuracyOf(
  distributions: DistributionSummary[],
  interpolation: 'log' | 'linear',
  bothKinds: readonly string[],
  caveats: readonly string[],
): AccuracyStatement {
  let worst = 0;
  let clamped = false;
  let belowFirst = false;
  let widest: [number, number] | undefined;
  const kinds = { native: 0, classic: 0 };
  for (const d of distributions) {
    if (!(d instanceof BucketDistribution)) continue;
    kinds[d.histogram]++;
    for (const q of QUANTILES) {
      const e = d.detail(q);
      if (e === undefined) continue;
      if (e.clamped) {
        clamped = true;
        continue;
      }
      if (e.lower <= 0) {
        belowFirst = true;
        continue;
      }
      const ratio = e.upper / e.lower - 1;
      if (ratio > worst) {
        worst = ratio;
        widest = [e.lower, e.upper];
      }
    }
  }
  const histograms =
    kinds.native > 0 && kinds.classic > 0
      ? 'native+classic'
      : kinds.native > 0
        ? 'native'
        : 'classic';
  const source = {
    native:
      "Prometheus' native histograms (exponential buckets; increase over the window, summed over instances)",
    classic:
      "Prometheus' classic histogram buckets (`_bucket` series; increase over the window, summed over instances)",
    'native+classic': `Prometheus' native histograms for ${kinds.native} and classic \`_bucket\` series for ${kinds.classic} of the tools and workflows (increase over the window, summed over instances)`,
  }[histograms];
  const parts = [
    `Percentiles are estimated from ${source} by ${interpolation === 'log' ? 'log-linear' : 'linear'} interpolation inside the bucket that holds the rank.`,
  ];
  if (widest !== undefined) {
    parts.push(
      `The exact percentile lies in the same bucket, so each is within ${pct(worst)} (widest bucket used: ${ms(widest[0])}–${ms(widest[1])}).`,
    );
  }
  if (bothKinds.length > 0) {
    parts.push(
      `Prometheus holds both native and classic series in this window for ${bothKinds.join(', ')}: only the native histograms were read, never both, so calls recorded only as classic buckets here (before a switch to exponential histograms) are not counted.`,
    );
  }
  if (belowFirst)
    parts.push('Some percentiles fell in the first bucket (from 0): only an upper bound is known.');
  if (clamped) {
    parts.push(
      'Some percentiles fell above the last finite bucket bound and are reported as that bound (an underestimate).',
    );
  }
  parts.push(
    'Counts are increase() estimates rounded to whole calls; min and max are bucket bounds.',
  );
  return {
    method: interpolation === 'log' ? 'bucket-log-interpolation' : 'bucket-linear-interpolation',
    relativeErrorBound: belowFirst || clamped ? 1 : worst,
    statement: parts.join(' '),
    histograms,
    caveats,
  };
}

function pct(x: number): string {
  return `${significant(x * 100)}%`;
}

function ms(seconds: number): string {
  return `${Number((seconds * 1000).toPrecision(4))} ms`;
}
