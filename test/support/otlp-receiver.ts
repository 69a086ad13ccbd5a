/**
 * A tiny in-process OTLP/HTTP receiver (JSON encoding) for tests: collects what exporters
 * send to `/v1/traces` and `/v1/metrics`, with helpers to flatten spans and metric points.
 * Point exporters at it with protocol `http/json`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  status?: { code?: number; message?: string };
  resource: Record<string, unknown>;
}

export interface ReceivedMetricPoint {
  metric: string;
  unit: string;
  type: 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram';
  attributes: Record<string, unknown>;
  value?: number;
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  resource: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:12345` (use as the OTLP endpoint). */
  readonly url: string;
  readonly traceRequests: unknown[];
  readonly metricRequests: unknown[];
  /** Every distinct `Authorization` header the exporters sent. */
  readonly authorizations: Set<string>;
  spans(): ReceivedSpan[];
  /** Metric points of every request, or only of the last `n` requests. */
  metricPoints(lastRequests?: number): ReceivedMetricPoint[];
  /** Makes the receiver answer 503 (simulating an unavailable collector). */
  setFailing(failing: boolean): void;
  close(): Promise<void>;
}

/** Decodes an OTLP JSON `AnyValue`. */
export function anyValue(v: Record<string, unknown> | undefined): unknown {
  if (v === undefined) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) {
    const values = (v.arrayValue as { values?: Record<string, unknown>[] }).values ?? [];
    return values.map((x) => anyValue(x));
  }
  return undefined;
}

export function attrs(list: OtlpAttribute[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of list ?? []) out[a.key] = anyValue(a.value);
  return out;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const traceRequests: unknown[] = [];
  const metricRequests: unknown[] = [];
  const authorizations = new Set<string>();
  let failing = false;
  const server: Server = createServer((req, res) => {
    if (req.headers.authorization !== undefined) authorizations.add(req.headers.authorization);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failing) {
        res.writeHead(503).end();
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end('expected OTLP JSON (protocol http/json)');
        return;
      }
      if (req.url === '/v1/traces') traceRequests.push(body);
      else if (req.url === '/v1/metrics') metricRequests.push(body);
      else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    traceRequests,
    metricRequests,
    authorizations,
    setFailing: (f) => {
      failing = f;
    },
    spans: () => {
      const out: ReceivedSpan[] = [];
      for (const req of traceRequests as { resourceSpans?: unknown[] }[]) {
        for (const rs of (req.resourceSpans ?? []) as {
          resource?: { attributes?: OtlpAttribute[] };
          scopeSpans?: { spans?: Record<string, unknown>[] }[];
        }[]) {
          const resource = attrs(rs.resource?.attributes);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              out.push({
                traceId: s.traceId as string,
                spanId: s.spanId as string,
                ...(s.parentSpanId ? { parentSpanId: s.parentSpanId as string } : {}),
                name: s.name as string,
                kind: s.kind as number,
                attributes: attrs(s.attributes as OtlpAttribute[]),
                events: ((s.events ?? []) as { name: string; attributes?: OtlpAttribute[] }[]).map(
                  (e) => ({ name: e.name, attributes: attrs(e.attributes) }),
                ),
                status: s.status as ReceivedSpan['status'],
                resource,
              });
            }
          }
        }
      }
      return out;
    },
    metricPoints: (lastRequests?: number) => {
      const out: ReceivedMetricPoint[] = [];
      const requests =
        lastRequests === undefined ? metricRequests : metricRequests.slice(-lastRequests);
      for (const req of requests as { resourceMetrics?: unknown[] }[]) {
        for (const rm of (req.resourceMetrics ?? []) as {
          resource?: { attributes?: OtlpAttribute[] };
          scopeMetrics?: { metrics?: Record<string, unknown>[] }[];
        }[]) {
          const resource = attrs(rm.resource?.attributes);
          for (const sm of rm.scopeMetrics ?? []) {
            for (const m of sm.metrics ?? []) {
              for (const type of ['sum', 'gauge', 'histogram', 'exponentialHistogram'] as const) {
                const data = m[type] as { dataPoints?: Record<string, unknown>[] } | undefined;
                if (data === undefined) continue;
                for (const p of data.dataPoints ?? []) {
                  out.push({
                    metric: m.name as string,
                    unit: (m.unit as string) ?? '',
                    type,
                    attributes: attrs(p.attributes as OtlpAttribute[]),
                    ...(p.asDouble !== undefined ? { value: Number(p.asDouble) } : {}),
                    ...(p.asInt !== undefined ? { value: Number(p.asInt) } : {}),
                    ...(p.count !== undefined ? { count: Number(p.count) } : {}),
                    ...(p.sum !== undefined ? { sum: Number(p.sum) } : {}),
                    ...(p.bucketCounts !== undefined
                      ? { bucketCounts: (p.bucketCounts as unknown[]).map(Number) }
                      : {}),
                    ...(p.explicitBounds !== undefined
                      ? { explicitBounds: (p.explicitBounds as unknown[]).map(Number) }
                      : {}),
                    resource,
                  });
                }
              }
            }
          }
        }
      }
      return out;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
