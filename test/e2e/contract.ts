/**
 * The telemetry contract as the end-to-end tests send it with the raw OpenTelemetry SDK (no
 * toolscope code), and the Prometheus series each path must turn it into: the instruments of
 * `docs/telemetry.md`, one recording of each, and the expected series by name and labels.
 * Shared by the scrape path (`pipeline.test.ts`) and the OTLP paths
 * (`prometheus-paths.test.ts`), which must give the same names.
 */
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

/** 10 ms buckets up to 1 s: fine enough for p50/p95/p99 within 5 %. */
export const BOUNDARIES = Array.from({ length: 100 }, (_, i) =>
  Number(((i + 1) * 0.01).toFixed(2)),
);

/** Histogram aggregation the SDK exports: explicit buckets (classic) or base-2 exponential. */
export type HistogramAggregation = 'explicit' | 'exponential';

/**
 * A meter provider exporting OTLP/HTTP protobuf to `url` (a collector's `/v1/metrics`, or
 * Prometheus' `/api/v1/otlp/v1/metrics`) every second, cumulative, with histograms
 * aggregated as asked (the exporter's aggregation preference, as
 * OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION would set it).
 */
export function contractMeterProvider(
  url: string,
  resource: Record<string, string>,
  histograms: HistogramAggregation = 'explicit',
): MeterProvider {
  return new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url,
          timeoutMillis: 1_000,
          ...(histograms === 'exponential'
            ? {
                aggregationPreference: (type: InstrumentType) =>
                  type === InstrumentType.HISTOGRAM
                    ? { type: AggregationType.EXPONENTIAL_HISTOGRAM }
                    : { type: AggregationType.DEFAULT },
              }
            : {}),
        }),
        exportIntervalMillis: 1_000,
        exportTimeoutMillis: 1_000,
      }),
    ],
  });
}

/** The contract's instruments on `meterProvider` (scope `toolscope-e2e`). */
export function createContractInstruments(meterProvider: MeterProvider) {
  const m = meterProvider.getMeter('toolscope-e2e');
  return {
    toolDuration: m.createHistogram('gen_ai.execute_tool.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: BOUNDARIES },
    }),
    workflowDuration: m.createHistogram('gen_ai.workflow.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: BOUNDARIES },
    }),
    workflowExecutions: m.createCounter('toolscope.workflow.executions', { unit: '{execution}' }),
    retries: m.createCounter('toolscope.tool.retries', { unit: '{retry}' }),
    fallbacks: m.createCounter('toolscope.tool.fallbacks', { unit: '{fallback}' }),
    payload: m.createHistogram('toolscope.tool.payload.size', { unit: 'By' }),
    // Unit `{state}`, not `1`: Prometheus' translation appends `_ratio` to gauges with unit
    // "1" (checked below), and the contract's name is `toolscope_health_status`.
    healthStatus: m.createGauge('toolscope.health.status', { unit: '{state}' }),
    healthStatusUnit1: meterProvider
      .getMeter('toolscope-e2e-unit-1')
      .createGauge('toolscope.health.status', { unit: '1' }),
    healthCheckDuration: m.createHistogram('toolscope.health.check.duration', { unit: 's' }),
    consecutiveFailures: m.createGauge('toolscope.health.consecutive_failures', {
      unit: '{failure}',
    }),
    alertsActive: m.createGauge('toolscope.alerts.active', { unit: '{alert}' }),
  };
}

export type ContractInstruments = ReturnType<typeof createContractInstruments>;

/** One recording of every contract metric except the tool duration (the tests record that). */
export function recordContract(i: ContractInstruments, tool: string, failingTool: string): void {
  const t = { 'gen_ai.tool.name': tool };
  i.workflowDuration.record(0.25, { 'gen_ai.workflow.name': 'smoke' });
  i.workflowExecutions.add(1, {
    'gen_ai.workflow.name': 'smoke',
    'toolscope.workflow.outcome': 'completed',
  });
  i.retries.add(2, t);
  i.fallbacks.add(1, { ...t, 'toolscope.tool.fallback_for': failingTool });
  i.payload.record(512, { ...t, 'toolscope.payload.direction': 'input' });
  for (const state of ['healthy', 'degraded', 'unhealthy', 'unknown', 'maintenance']) {
    const attrs = { 'toolscope.health.check.id': tool, 'toolscope.health.state': state };
    i.healthStatus.record(state === 'degraded' ? 1 : 0, attrs);
    i.healthStatusUnit1.record(state === 'degraded' ? 1 : 0, attrs);
  }
  i.healthCheckDuration.record(0.05, {
    'toolscope.health.check.id': tool,
    'toolscope.health.check.type': 'http',
  });
  i.consecutiveFailures.record(3, { 'toolscope.health.check.id': tool });
  i.alertsActive.record(1, { 'toolscope.alert.severity': 'warning' });
}

/**
 * The series `recordContract` (plus a tool call of `tool`) must produce, as `name → label
 * matchers`, with histograms as classic buckets (`_bucket`, `_count`, `_sum`) or as native
 * histograms (the bare name holds the histogram).
 */
export function contractSeries(
  tool: string,
  failingTool: string,
  kind: 'classic' | 'native',
): Record<string, string> {
  const classic = kind === 'classic';
  return {
    [classic
      ? 'gen_ai_execute_tool_duration_seconds_bucket'
      : 'gen_ai_execute_tool_duration_seconds']:
      `gen_ai_tool_name="${tool}", gen_ai_tool_type="function"${classic ? ', le="0.5"' : ''}`,
    [classic ? 'gen_ai_workflow_duration_seconds_count' : 'gen_ai_workflow_duration_seconds']:
      'gen_ai_workflow_name="smoke"',
    toolscope_workflow_executions_total:
      'gen_ai_workflow_name="smoke", toolscope_workflow_outcome="completed"',
    toolscope_tool_retries_total: `gen_ai_tool_name="${tool}"`,
    toolscope_tool_fallbacks_total: `gen_ai_tool_name="${tool}", toolscope_tool_fallback_for="${failingTool}"`,
    [classic ? 'toolscope_tool_payload_size_bytes_sum' : 'toolscope_tool_payload_size_bytes']:
      `gen_ai_tool_name="${tool}", toolscope_payload_direction="input"`,
    [classic
      ? 'toolscope_health_check_duration_seconds_count'
      : 'toolscope_health_check_duration_seconds']:
      `toolscope_health_check_id="${tool}", toolscope_health_check_type="http"`,
    toolscope_health_consecutive_failures: `toolscope_health_check_id="${tool}"`,
    toolscope_alerts_active: 'toolscope_alert_severity="warning"',
    toolscope_health_status: `toolscope_health_check_id="${tool}", toolscope_health_state="degraded"`,
    // The same gauge created with unit "1" is renamed by prometheus/otlptranslator.
    toolscope_health_status_ratio: `toolscope_health_check_id="${tool}", otel_scope_name="toolscope-e2e-unit-1"`,
  };
}
