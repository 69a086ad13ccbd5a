/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, the demo exports its telemetry, and a request's trace
 * crosses into the server processes: their SERVER spans are children of the orchestrator's
 * tool spans and carry the request's correlation ID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from '../../../../test/support/otlp-receiver.ts';
import { type CliResult, runCli } from '../support/run-cli.ts';

let receiver: OtlpReceiver;
let result: CliResult;
let spans: ReceivedSpan[];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  result = await runCli(['demo', '--duration', '4', '--format', 'json'], {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    timeoutMs: 120_000,
  });
  spans = receiver.spans();
}, 130_000);

afterAll(() => receiver.close());

const service = (s: ReceivedSpan) => String(s.resource['service.name']);

describe('toolscope demo with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('says it exports and finishes normally', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`exporting traces and metrics over OTLP to ${receiver.url}`);
  });

  it('ends with what the export delivered: nothing failed or dropped', () => {
    const prefix = `telemetry to ${receiver.url}: `;
    const line = result.stderr.split('\n').find((l) => l.startsWith(prefix));
    expect(line, result.stderr).toBeDefined();
    expect(line!.slice(prefix.length)).toMatch(
      /^[1-9]\d* spans exported, 0 failed, 0 dropped; [1-9]\d* metric exports, 0 failed$/,
    );
  });

  it('exports tool and workflow spans of the orchestrator', () => {
    const mine = spans.filter((s) => service(s) === 'toolscope-demo');
    const names = new Set(mine.map((s) => s.name));
    expect(names).toContain('invoke_workflow search_and_recommend');
    expect(names).toContain('execute_tool restaurant_reasoning');
    const tool = mine.find((s) => s.name === 'execute_tool geocode')!;
    expect(tool.attributes['gen_ai.operation.name']).toBe('execute_tool');
    expect(String(tool.attributes['toolscope.correlation_id'])).toMatch(/^req-\d+$/);
  });

  it('continues traces in the child server processes, correlation ID included', () => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const remote = spans.filter((s) => service(s) === 'toolscope-demo-reasoning' && s.parentSpanId);
    expect(remote.length).toBeGreaterThan(0);
    const linked = remote.filter((s) => {
      const parent = byId.get(s.parentSpanId!);
      return (
        parent !== undefined && service(parent) === 'toolscope-demo' && parent.traceId === s.traceId
      );
    });
    const child = linked.find(
      (s) => byId.get(s.parentSpanId!)?.name === 'execute_tool restaurant_reasoning',
    );
    expect(child, linked.map((s) => s.name).join(', ')).toBeDefined();
    const parent = byId.get(child!.parentSpanId!)!;
    expect(String(parent.attributes['toolscope.correlation_id'])).toMatch(/^req-\d+$/);
    expect(child!.attributes['toolscope.correlation_id']).toBe(
      parent.attributes['toolscope.correlation_id'],
    );
  });

  it('exports the tool duration metric', () => {
    const points = receiver
      .metricPoints()
      .filter((p) => p.metric === 'gen_ai.execute_tool.duration');
    const tools = new Set(points.map((p) => p.attributes['gen_ai.tool.name']));
    expect(tools).toContain('restaurant_search');
    for (const p of points) expect(p.attributes['toolscope.correlation_id']).toBeUndefined();
  });
});
