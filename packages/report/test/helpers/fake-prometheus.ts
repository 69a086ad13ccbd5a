/**
 * A stand-in for the Prometheus HTTP API that serves canned data: enough of `/api/v1/query`
 * to answer the report's queries (it picks the metric named in the query and applies the
 * query's outer `sum by (...)` / `max by (...)` grouping to raw per-instance series, so a
 * query that forgets to aggregate gets per-instance answers; native histogram series answer
 * as histograms, or through `histogram_count` / `histogram_sum`; `A or on (labels) B` keeps
 * B's groups that A lacks, as PromQL does; `count({__name__=~"re"} offset Ns)` counts the
 * matching series of `at(time - N)`), `/api/v1/query_range` for health history, and
 * `/api/v1/label/__name__/values`. Not a PromQL engine: the test data are already
 * "increased over the window".
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  PreAggregatedExponentialHistogram,
  prometheusNativeBuckets,
} from '@toolscope/instrumentation/internal';

/** A native histogram: populated buckets `[lower, upper, count]`, ascending. */
export interface RawHistogram {
  readonly count: number;
  readonly sum: number;
  readonly buckets: readonly (readonly [number, number, number])[];
}

export interface RawSeries {
  /** Labels including `__name__`. */
  readonly labels: Readonly<Record<string, string>>;
  /** The float value (a native histogram series: its count). */
  readonly value: number;
  /** Set on native histogram series. */
  readonly histogram?: RawHistogram;
}

export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** [epoch seconds, value] */
  readonly values: readonly (readonly [number, number])[];
}

export interface FakePrometheusData {
  /** The raw series as they would be at evaluation time `timeSec`. */
  at(timeSec: number): readonly RawSeries[];
  /** Range series for `query_range` (health history). @default [] */
  range?: readonly RangeSeries[];
  /** Metric names for `/api/v1/label/__name__/values`. @default names in `at(now)` */
  names?: readonly string[];
}

export interface SeenQuery {
  readonly path: string;
  readonly query: string | undefined;
  readonly time: string | undefined;
}

export class FakePrometheus {
  readonly seen: SeenQuery[] = [];
  private server: Server | undefined;
  private readonly data: FakePrometheusData;
  /** Overrides every answer (status, body) when set. */
  respond: ((path: string) => { status: number; body: string } | undefined) | undefined;

  constructor(data: FakePrometheusData) {
    this.data = data;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const param = (k: string) => form.get(k) ?? url.searchParams.get(k) ?? undefined;
    this.seen.push({ path: url.pathname, query: param('query'), time: param('time') });
    const override = this.respond?.(url.pathname);
    if (override !== undefined) {
      res.statusCode = override.status;
      res.setHeader('content-type', 'application/json');
      res.end(override.body);
      return;
    }
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/api/v1/label/__name__/values') {
      const names = this.data.names ?? [
        ...new Set(this.data.at(Date.now() / 1000).map((s) => s.labels.__name__!)),
      ];
      res.end(JSON.stringify({ status: 'success', data: names }));
      return;
    }
    if (url.pathname === '/api/v1/query_range') {
      const range = this.data.range ?? [];
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: range.map((s) => ({
              metric: s.labels,
              values: s.values.map(([t, v]) => [t, String(v)]),
            })),
          },
        }),
      );
      return;
    }
    if (url.pathname === '/api/v1/query') {
      const query = param('query') ?? '';
      const time = Number(param('time') ?? Date.now() / 1000);
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: this.evaluate(query, time) },
        }),
      );
      return;
    }
    res.statusCode = 404;
    res.end('404 page not found');
  }

  /** Picks the series of the query's metric and applies its outer grouping. */
  private evaluate(query: string, time: number): Sample[] {
    const either = /^(.*?) or on \(([^)]*)\) (.*)$/s.exec(query);
    if (either !== undefined && either !== null) {
      const keys = either[2]!.split(',').map((k) => k.trim());
      const left = this.evaluate(either[1]!, time);
      const id = (m: Record<string, string>) => JSON.stringify(keys.map((k) => m[k] ?? ''));
      const seen = new Set(left.map((s) => id(s.metric)));
      return [...left, ...this.evaluate(either[3]!, time).filter((s) => !seen.has(id(s.metric)))];
    }
    const counted = /^count\(\{__name__=~"([^"]*)"\} offset (\d+)s\)$/.exec(query);
    if (counted !== null) {
      // The series whose name matches, as they were `offset` before the evaluation time.
      const name = new RegExp(`^(?:${counted[1]})$`);
      const n = this.data
        .at(time - Number(counted[2]))
        .filter((s) => name.test(s.labels.__name__ ?? '')).length;
      return n === 0 ? [] : [{ metric: {}, value: [time, String(n)] }];
    }
    const all = this.data.at(time);
    if (query.startsWith('group by (')) {
      // Groups holding both a native histogram and classic `_count` series.
      const keys = /^group by \(([^)]*)\)/
        .exec(query)![1]!
        .split(',')
        .map((k) => k.trim());
      const name = /([a-z_]+)\{/.exec(query)![1]!;
      const groupOf = (s: RawSeries) =>
        Object.fromEntries(keys.flatMap((k) => (s.labels[k] ? [[k, s.labels[k]]] : [])));
      const of = (n: string) =>
        new Set(all.filter((s) => s.labels.__name__ === n).map((s) => JSON.stringify(groupOf(s))));
      const native = of(name);
      return [...of(`${name}_count`)]
        .filter((g) => native.has(g))
        .map((g) => ({ metric: JSON.parse(g), value: [time, '1'] }));
    }
    let selected: RawSeries[];
    if (query.startsWith('ALERTS')) {
      selected = all.filter((s) => s.labels.__name__ === 'ALERTS');
    } else if (query.includes('__name__=~"toolscope_health_status')) {
      selected = all.filter((s) => /^toolscope_health_status(_ratio)?$/.test(s.labels.__name__!));
      if (query.includes('== 1')) selected = selected.filter((s) => s.value === 1);
    } else {
      const name = /([a-z_]+)\{/.exec(query)?.[1];
      selected = all.filter((s) => s.labels.__name__ === name);
    }
    // histogram_count / histogram_sum turn native histogram series into floats.
    const reduce = query.includes('histogram_count(')
      ? (h: RawHistogram) => h.count
      : query.includes('histogram_sum(')
        ? (h: RawHistogram) => h.sum
        : undefined;
    if (reduce !== undefined) {
      selected = selected.flatMap((s) =>
        s.histogram === undefined ? [] : [{ labels: s.labels, value: reduce(s.histogram) }],
      );
    }
    const by = /^(?:sum|max) by \(([^)]*)\)/.exec(query)?.[1];
    if (by === undefined) return selected.map((s) => sampleOf(s.labels, s, time));
    const keys = by.split(',').map((k) => k.trim());
    const groups = new Map<string, { metric: Record<string, string>; series: RawSeries[] }>();
    for (const s of selected) {
      const metric: Record<string, string> = {};
      for (const k of keys) if (s.labels[k] !== undefined) metric[k] = s.labels[k]!;
      const id = JSON.stringify(metric);
      const g = groups.get(id) ?? { metric, series: [] };
      g.series.push(s);
      groups.set(id, g);
    }
    const isMax = query.startsWith('max');
    return [...groups.values()].map(({ metric, series }) =>
      sampleOf(metric, aggregate(series, isMax), time),
    );
  }
}

type Sample = {
  metric: Record<string, string>;
  value?: [number, string];
  histogram?: [number, { count: string; sum: string; buckets: [number, string, string, string][] }];
};

function sampleOf(metric: Record<string, string>, s: RawSeries, time: number): Sample {
  if (s.histogram !== undefined) {
    const h = s.histogram;
    return {
      metric,
      histogram: [
        time,
        {
          count: String(h.count),
          sum: String(h.sum),
          buckets: h.buckets.map(([lo, hi, c]) => [0, String(lo), String(hi), String(c)]),
        },
      ],
    };
  }
  const v = s.value;
  return { metric, value: [time, v === Number.POSITIVE_INFINITY ? '+Inf' : String(v)] };
}

/** Sum (or max) of floats; the sum of native histograms of the same bucket layout. */
function aggregate(series: RawSeries[], isMax: boolean): RawSeries {
  const histograms = series.flatMap((s) => (s.histogram ? [s.histogram] : []));
  if (histograms.length > 0) {
    const buckets = new Map<string, [number, number, number]>();
    for (const h of histograms) {
      for (const [lo, hi, c] of h.buckets) {
        const b = buckets.get(`${lo}:${hi}`) ?? [lo, hi, 0];
        b[2] += c;
        buckets.set(`${lo}:${hi}`, b);
      }
    }
    const histogram: RawHistogram = {
      count: histograms.reduce((a, h) => a + h.count, 0),
      sum: histograms.reduce((a, h) => a + h.sum, 0),
      buckets: [...buckets.values()].sort((a, b) => a[0] - b[0]),
    };
    return { labels: {}, value: histogram.count, histogram };
  }
  const values = series.map((s) => s.value);
  return {
    labels: {},
    value: isMax ? Math.max(...values) : values.reduce((a, b) => a + b, 0),
  };
}

/**
 * A native histogram series of `values` as Prometheus 3 stores what toolscope's exponential
 * histograms push over OTLP (toolscope's own cells, at most 640 buckets; scales above 8 are
 * reduced to 8 as Prometheus does), as one instance would hold it.
 */
export function nativeSeries(
  name: string,
  labels: Readonly<Record<string, string>>,
  values: readonly number[],
): RawSeries {
  const h = new PreAggregatedExponentialHistogram(name, '', 's');
  const attrs = {};
  for (const v of values) h.record(v, attrs);
  const snap = h.snapshot();
  if (snap.kind !== 'exponentialHistogram') throw new Error('expected an exponential histogram');
  const p = snap.cells[0]!;
  const buckets = prometheusNativeBuckets(p);
  return {
    labels: { __name__: name, ...labels },
    value: p.count,
    histogram: { count: p.count, sum: p.sum, buckets },
  };
}

/**
 * Cumulative bucket series (`_bucket` for every bound and `+Inf`, `_count`, `_sum`) of
 * `values`, as one instance would expose them.
 */
export function histogramSeries(
  name: string,
  labels: Readonly<Record<string, string>>,
  bounds: readonly number[],
  values: readonly number[],
): RawSeries[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: RawSeries[] = [];
  let i = 0;
  for (const le of bounds) {
    while (i < sorted.length && sorted[i]! <= le) i++;
    out.push({ labels: { __name__: `${name}_bucket`, ...labels, le: String(le) }, value: i });
  }
  out.push({ labels: { __name__: `${name}_bucket`, ...labels, le: '+Inf' }, value: sorted.length });
  out.push({ labels: { __name__: `${name}_count`, ...labels }, value: sorted.length });
  out.push({
    labels: { __name__: `${name}_sum`, ...labels },
    value: sorted.reduce((a, b) => a + b, 0),
  });
  return out;
}
