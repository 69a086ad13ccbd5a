import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../../../test/support/otlp-receiver.ts';

const run = promisify(execFile);
const NODE = process.execPath;
const APP = join(import.meta.dirname, 'fixtures', 'app.ts');

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

async function runApp(env: Record<string, string>) {
  return run(NODE, ['--conditions=toolscope-source', APP], {
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

describe('startToolscope in a child process, exporting to an OTLP receiver', () => {
  it('delivers spans and metrics with the contract names', async () => {
    const { stdout } = await runApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'travel-agent',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
    });
    const stats = JSON.parse(stdout.trim());
    expect(stats).toMatchObject({ spansExported: 4, spansFailed: 0, spansDropped: 0 });
    expect(stats.store).toEqual({
      backup_search: 1,
      restaurant_reasoning: 1,
      restaurant_search: 1,
    });

    const spans = receiver.spans();
    const names = spans.map((s) => s.name).sort();
    expect(names).toEqual([
      'execute_tool backup_search',
      'execute_tool restaurant_reasoning',
      'execute_tool restaurant_search',
      'invoke_workflow search_and_recommend',
    ]);
    const wf = spans.find((s) => s.name === 'invoke_workflow search_and_recommend')!;
    expect(wf.resource['service.name']).toBe('travel-agent');
    expect(wf.resource['deployment.environment']).toBe('test');
    expect(wf.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'search_and_recommend',
      'toolscope.workflow.steps.total': 3,
      'toolscope.workflow.steps.completed': 2,
      'toolscope.workflow.outcome': 'partial',
      'toolscope.correlation_id': 'req-42',
    });
    expect(wf.attributes['toolscope.workflow.tools']).toEqual([
      'restaurant_search',
      'backup_search',
      'restaurant_reasoning',
    ]);
    for (const s of spans.filter((x) => x.name.startsWith('execute_tool'))) {
      expect(s.parentSpanId).toBe(wf.spanId);
      expect(s.traceId).toBe(wf.traceId);
      expect(s.attributes['toolscope.correlation_id']).toBe('req-42');
      expect(s.attributes['gen_ai.operation.name']).toBe('execute_tool');
    }
    const failed = spans.find((s) => s.name === 'execute_tool restaurant_reasoning')!;
    expect(failed.attributes['error.type']).toBe('overloaded');
    expect(failed.status?.code).toBe(2);
    expect(failed.events.map((e) => e.name)).toContain('exception');
    const backup = spans.find((s) => s.name === 'execute_tool backup_search')!;
    expect(backup.attributes).toMatchObject({
      'toolscope.tool.fallback_for': 'restaurant_search',
      'toolscope.tool.retry_count': 1,
    });

    // Cumulative metrics: the last export holds the totals.
    const points = receiver.metricPoints(1);
    const duration = points.filter((p) => p.metric === 'gen_ai.execute_tool.duration');
    expect(duration.every((p) => p.unit === 's' && p.type === 'histogram')).toBe(true);
    expect(
      duration
        .map((p) => p.attributes)
        .sort((a, b) => String(a['gen_ai.tool.name']).localeCompare(String(b['gen_ai.tool.name']))),
    ).toEqual([
      { 'gen_ai.tool.name': 'backup_search', 'gen_ai.tool.type': 'function' },
      {
        'gen_ai.tool.name': 'restaurant_reasoning',
        'gen_ai.tool.type': 'function',
        'error.type': 'overloaded',
      },
      { 'gen_ai.tool.name': 'restaurant_search', 'gen_ai.tool.type': 'extension' },
    ]);
    expect(duration[0]!.explicitBounds!.length).toBeGreaterThan(50);
    const byName = (n: string) => points.filter((p) => p.metric === n);
    expect(byName('gen_ai.workflow.duration')[0]!.attributes).toEqual({
      'gen_ai.workflow.name': 'search_and_recommend',
    });
    expect(byName('toolscope.workflow.executions').map((p) => [p.attributes, p.value])).toEqual([
      [
        { 'gen_ai.workflow.name': 'search_and_recommend', 'toolscope.workflow.outcome': 'partial' },
        1,
      ],
    ]);
    expect(byName('toolscope.tool.retries').map((p) => [p.attributes, p.value])).toEqual([
      [{ 'gen_ai.tool.name': 'backup_search' }, 1],
    ]);
    expect(byName('toolscope.tool.fallbacks').map((p) => [p.attributes, p.value])).toEqual([
      [
        { 'gen_ai.tool.name': 'backup_search', 'toolscope.tool.fallback_for': 'restaurant_search' },
        1,
      ],
    ]);
    expect(byName('toolscope.tool.payload.size').length).toBeGreaterThan(0);
    // Correlation IDs never reach metrics.
    for (const p of points) {
      expect(JSON.stringify(p.attributes)).not.toContain('req-42');
    }
  });

  it('exports every histogram as exponential with OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION; the store is unaffected', async () => {
    const before = receiver.metricPoints().length;
    const { stdout } = await runApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION:
        'base2_exponential_bucket_histogram',
    });
    const out = JSON.parse(stdout.trim());
    expect(out.store).toEqual({ backup_search: 1, restaurant_reasoning: 1, restaurant_search: 1 });
    const points = receiver.metricPoints().slice(before);
    const typeOf = (name: string) =>
      new Set(points.filter((p) => p.metric === name).map((p) => p.type));
    // toolscope's pre-aggregated histograms and the SDK's (the app's own, health checks, MCP).
    for (const name of [
      'gen_ai.execute_tool.duration',
      'gen_ai.workflow.duration',
      'toolscope.tool.payload.size',
      'app.queue.wait',
    ]) {
      expect(typeOf(name), name).toEqual(new Set(['exponentialHistogram']));
    }
    const tool = points.find(
      (p) =>
        p.metric === 'gen_ai.execute_tool.duration' &&
        p.attributes['gen_ai.tool.name'] === 'restaurant_search',
    )!;
    expect(tool.count).toBe(1);
    expect(typeOf('toolscope.workflow.executions')).toEqual(new Set(['sum']));
  });

  it('counts what it loses when the collector is down, and still exits normally', async () => {
    receiver.setFailing(true);
    try {
      const { stdout } = await runApp({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_EXPORT_TIMEOUT: '2000',
      });
      const stats = JSON.parse(stdout.trim());
      expect(stats.spansExported).toBe(0);
      expect(stats.spansFailed).toBe(4);
    } finally {
      receiver.setFailing(false);
    }
  });

  it('fails at set-up on a bad protocol, naming the variable', async () => {
    await expect(
      runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('OTEL_EXPORTER_OTLP_PROTOCOL') });
  });
});
