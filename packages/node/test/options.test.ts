import { trace } from '@opentelemetry/api';
import { traceTool } from '@toolscope/instrumentation';
import { afterEach, describe, expect, it } from 'vitest';
import { captureDiag } from '../../../test/support/diag.ts';
import { setupTestOtel } from '../../../test/support/otel.ts';
import { startToolscope, ToolscopeSetupError } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('startToolscope options', () => {
  it.each([
    [{ endpoint: 'not a url' }, /endpoint: must be an absolute http\(s\) URL/],
    [{ endpoint: 'grpc://collector:4317' }, /endpoint: must use http or https/],
    [
      { protocol: 'grpc' },
      /protocol: must be 'http\/protobuf' or 'http\/json'.*gRPC is not supported/,
    ],
    [{ batch: { maxQueueSize: -1 } }, /batch.maxQueueSize: must be an integer >= 1/],
    [
      { batch: { maxQueueSize: 10, maxExportBatchSize: 20 } },
      /batch.maxExportBatchSize: must be <= batch.maxQueueSize/,
    ],
    [{ metricExportIntervalMs: 0 }, /metricExportIntervalMs/],
    [{ serviceName: '' }, /serviceName: must be a non-empty string/],
    [{ inProcess: 'yes' }, /inProcess/],
    [{ histograms: 'native' }, /histograms: must be 'explicit' or 'exponential'/],
    [{ bogus: 1 }, /^bogus: is not a known field; allowed: serviceName, resourceAttributes, /],
    [{ servicename: 'x' }, /^servicename: is not a known field; allowed: .*exitFlushTimeoutMs/],
    [
      { batch: { maxQueue: 10 } },
      /^batch\.maxQueue: is not a known field; allowed: maxQueueSize, maxExportBatchSize/,
    ],
    [{ batch: 5 }, /^batch: must be an object of batch settings/],
  ])('%j fails at set-up naming the field', (options, message) => {
    let error: unknown;
    try {
      startToolscope(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ToolscopeSetupError);
    expect(String((error as Error).message)).toMatch(message);
  });

  it('names the environment variable when the environment is wrong', () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'localhost:4318';
    expect(() => startToolscope()).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must use http or https/);
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
    process.env.OTEL_SDK_DISABLED = 'false';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'novalue';
    expect(() => startToolscope()).toThrow(
      /OTEL_RESOURCE_ATTRIBUTES: entry "novalue" is not key=value/,
    );
  });

  it('a service name: OTEL_SERVICE_NAME trimmed, bounded and without control characters', () => {
    process.env.OTEL_SERVICE_NAME = ' checkout ';
    expect(resolveOptions().serviceName).toBe('checkout');
    expect(resolveOptions({ serviceName: 'agent' }).serviceName).toBe('agent');
    process.env.OTEL_SERVICE_NAME = '';
    expect(resolveOptions().serviceName).toBeUndefined();
    const fix = '; give a short name of printable characters, such as checkout-agent';
    process.env.OTEL_SERVICE_NAME = 'a\u202eb';
    expect(() => resolveOptions()).toThrow(ToolscopeSetupError);
    expect(() => resolveOptions()).toThrow(
      `OTEL_SERVICE_NAME: contains the control or invisible character \\u202e${fix}`,
    );
    process.env.OTEL_SERVICE_NAME = 'x'.repeat(120_000);
    expect(() => resolveOptions()).toThrow(
      `OTEL_SERVICE_NAME: is 120000 characters long, longer than the 256 a service name may be${fix}`,
    );
    process.env.OTEL_SERVICE_NAME = 'x'.repeat(256);
    expect(resolveOptions().serviceName).toHaveLength(256);
    expect(() => resolveOptions({ serviceName: 'a\nb' })).toThrow(
      `serviceName: contains the control or invisible character \\n${fix}`,
    );
  });

  it('reads the histogram aggregation from the spec variable; the option wins', async () => {
    process.env.OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION = 'exponential';
    expect(() => startToolscope({ export: false })).toThrow(
      /OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: must be explicit_bucket_histogram or base2_exponential_bucket_histogram/,
    );
    const { resolveOptions } = await import('../src/options.ts');
    expect(resolveOptions({ histograms: 'explicit' }).histograms).toBe('explicit');
    process.env.OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION =
      'BASE2_EXPONENTIAL_BUCKET_HISTOGRAM';
    expect(resolveOptions().histograms).toBe('exponential');
    process.env.OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION =
      'explicit_bucket_histogram';
    expect(resolveOptions().histograms).toBe('explicit');
    expect(resolveOptions({ histograms: 'exponential' }).histograms).toBe('exponential');
    delete process.env.OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION;
    expect(resolveOptions().histograms).toBe('explicit');
  });

  it('keeps an SDK the application registered, and still fills the store', async () => {
    const otel = setupTestOtel();
    try {
      const before = trace.getTracerProvider();
      const ts = startToolscope({ endpoint: 'http://127.0.0.1:9' });
      expect(ts.tracerProvider).toBeUndefined();
      expect(ts.meterProvider).toBeUndefined();
      expect(trace.getTracerProvider()).toBe(before);
      await traceTool(async () => 1, { name: 'own_sdk_tool' })();
      expect(otel.spans().map((s) => s.name)).toEqual(['execute_tool own_sdk_tool']);
      expect(ts.store?.tools().map((t) => t.tool)).toEqual(['own_sdk_tool']);
      await ts.shutdown();
    } finally {
      await otel.shutdown();
    }
  });

  it('treats an invalid OTEL_SDK_DISABLED as false, with a warning (as the spec asks)', async () => {
    process.env.OTEL_SDK_DISABLED = 'maybe';
    const logged = captureDiag();
    try {
      const ts = startToolscope({ export: false });
      expect(ts.tracerProvider).toBeDefined();
      await ts.shutdown();
      expect(logged.messages.join('\n')).toMatch(/OTEL_SDK_DISABLED: expected true or false/);
    } finally {
      logged.restore();
    }
  });

  it('with OTEL_SDK_DISABLED exports nothing but keeps the in-process store', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    const ts = startToolscope();
    expect(ts.exporting).toBe(false);
    expect(ts.tracerProvider).toBeUndefined();
    await traceTool(async () => 1, { name: 'disabled_tool' })();
    expect(ts.store?.tools().find((t) => t.tool === 'disabled_tool')?.calls).toBe(1);
    await ts.shutdown();
    await ts.shutdown();
  });
});
