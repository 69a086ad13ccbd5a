/**
 * A stand-in for the Prometheus HTTP API that serves canned data: enough of `/api/v1/query`
 * to answer the report's queries (it picks the metric named in the query and applies the
 * query's outer `sum by (...)` / `max by (...)` grouping to raw per-instance series, so a
 * query that forgets to aggregate gets per-instance answers), `/api/v1/query_range` for
 * health history, and `/api/v1/label/__name__/values`. Not a PromQL engine: the test data
 * are already "increased over the window".
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawSeries {
  /** Labels including `__name__`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
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
  private evaluate(query: string, time: number) {
    const all = this.data.at(time);
    let selected: RawSeries[];
    if (query.startsWith('ALERTS')) {
      selected = all.filter((s) => s.labels.__name__ === 'ALERTS');
    } else if (query.includes('__name__=~"toolscope_health_status')) {
      selected = all.filter((s) => /^toolscope_health_status(_ratio)?$/.test(s.labels.__name__!));
      if (query.includes('== 1')) selected = selected.filter((s) => s.value === 1);
    } else {
      const name = /([a-z_]+(?:_bucket|_count|_sum|_total))\{/.exec(query)?.[1];
      selected = all.filter((s) => s.labels.__name__ === name);
    }
    const by = /^(?:sum|max) by \(([^)]*)\)/.exec(query)?.[1];
    if (by === undefined) {
      return selected.map((s) => ({ metric: s.labels, value: [time, String(s.value)] }));
    }
    const keys = by.split(',').map((k) => k.trim());
    const groups = new Map<string, { metric: Record<string, string>; value: number }>();
    const isMax = query.startsWith('max');
    for (const s of selected) {
      const metric: Record<string, string> = {};
      for (const k of keys) if (s.labels[k] !== undefined) metric[k] = s.labels[k]!;
      const id = JSON.stringify(metric);
      const g = groups.get(id);
      if (g === undefined) groups.set(id, { metric, value: s.value });
      else g.value = isMax ? Math.max(g.value, s.value) : g.value + s.value;
    }
    return [...groups.values()].map((g) => ({
      metric: g.metric,
      value: [time, g.value === Number.POSITIVE_INFINITY ? '+Inf' : String(g.value)],
    }));
  }
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
