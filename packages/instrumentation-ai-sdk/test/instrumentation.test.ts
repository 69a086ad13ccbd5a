/**
 * The OpenTelemetry `Instrumentation` contract: `registerInstrumentations` enables it, config
 * is validated (fail fast, nothing changed on a bad option), options apply.
 */
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ToolscopeConfigError } from '@toolscope/instrumentation';
import { SCOPE_NAMES, TOOLSCOPE_VERSION } from '@toolscope/instrumentation/internal';
import { describe, expect, it } from 'vitest';
import { AiSdkInstrumentation, toolscopeTelemetry } from '../src/index.ts';
import { runAiSdk } from './helpers/fixtures.ts';
import { agentSpans, integrations, keep, spanByCallId, useTestEnv } from './helpers/observe.ts';

const otel = useTestEnv();

describe('AiSdkInstrumentation', () => {
  it('names itself by the package and toolscope’s version', () => {
    const instrumentation = keep(new AiSdkInstrumentation({ enabled: false }));
    expect(instrumentation.instrumentationName).toBe(SCOPE_NAMES.aiSdk);
    expect(instrumentation.instrumentationName).toBe('@toolscope/instrumentation-ai-sdk');
    expect(instrumentation.instrumentationVersion).toBe(TOOLSCOPE_VERSION);
    expect(instrumentation.telemetry).toBe(toolscopeTelemetry());
  });

  it('is enabled when constructed unless enabled: false; registerInstrumentations enables it', () => {
    const instrumentation = keep(new AiSdkInstrumentation({ enabled: false }));
    expect(integrations()).toHaveLength(0);
    expect(instrumentation.isEnabled()).toBe(false);
    const unregister = registerInstrumentations({
      instrumentations: [instrumentation],
      tracerProvider: otel.tracerProvider,
      meterProvider: otel.meterProvider,
    });
    expect(integrations()).toEqual([toolscopeTelemetry()]);
    expect(instrumentation.isEnabled()).toBe(true);
    unregister();
    expect(integrations()).toHaveLength(0);
  });

  it('getConfig reports the options with enabled defaulted', () => {
    const instrumentation = keep(new AiSdkInstrumentation({ captureContent: true }));
    expect(instrumentation.getConfig()).toEqual({ captureContent: true, enabled: true });
  });

  it.each([
    [{ captureContent: 'yes' }, 'config.captureContent'],
    [{ agentRuns: 1 }, 'config.agentRuns'],
    [{ enabled: 'no' }, 'config.enabled'],
    [{ captureContnet: true }, 'captureContnet'],
  ])('rejects %j naming %s', (config, field) => {
    expect(() => new AiSdkInstrumentation(config as never)).toThrow(ToolscopeConfigError);
    expect(() => new AiSdkInstrumentation(config as never)).toThrow(field);
    expect(integrations()).toHaveLength(0);
  });

  it('setConfig validates before changing anything, then applies', async () => {
    const instrumentation = keep(new AiSdkInstrumentation());
    expect(() => instrumentation.setConfig({ agentRuns: 'no' } as never)).toThrow(
      ToolscopeConfigError,
    );
    expect(instrumentation.getConfig()).toEqual({ enabled: true });
    instrumentation.setConfig({ captureContent: true, agentRuns: false });
    await runAiSdk('generateText');
    expect(agentSpans(otel)).toHaveLength(0);
    expect(spanByCallId(otel, 'c-ok')[0]!.attributes['gen_ai.tool.call.result']).toBe('ok:a');
  });

  it('captureContent: false overrides the process-wide opt-in for AI SDK tools', async () => {
    const { configureInstrumentation } = await import('@toolscope/instrumentation');
    configureInstrumentation({ captureContent: true });
    const _instrumentation = keep(new AiSdkInstrumentation({ captureContent: false }));
    await runAiSdk('streamText');
    expect(spanByCallId(otel, 'c-ok')[0]!.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
  });

  it('accepts tracer and meter providers (spans follow the core’s providers)', () => {
    const instrumentation = keep(new AiSdkInstrumentation());
    expect(() => instrumentation.setTracerProvider(otel.tracerProvider)).not.toThrow();
    expect(() => instrumentation.setMeterProvider(otel.meterProvider)).not.toThrow();
  });
});
