/**
 * Registration: one toolscope entry, first in the AI SDK's list, whatever the order and however
 * many times it is enabled (also by two copies of the package); `disable()` withdraws it.
 */
import { OpenTelemetry } from '@ai-sdk/otel';
import { registerTelemetry } from 'ai';
import { describe, expect, it } from 'vitest';
import { AiSdkInstrumentation, instrumentAiSdk, toolscopeTelemetry } from '../src/index.ts';
import { runAiSdk } from './helpers/fixtures.ts';
import { integrations, keep, recording, toolSpans, useTestEnv } from './helpers/observe.ts';

const otel = useTestEnv();

const entries = () => integrations().filter((i) => i === toolscopeTelemetry()).length;

describe('registration', () => {
  it('is idempotent: enable twice, two instances, instrumentAiSdk() on top — one entry', () => {
    const a = keep(new AiSdkInstrumentation());
    a.enable();
    a.enable();
    keep(new AiSdkInstrumentation());
    keep(instrumentAiSdk());
    expect(entries()).toBe(1);
    expect(integrations()).toHaveLength(1);
  });

  it('dedupes across two copies of the package (a Symbol.for key on globalThis)', async () => {
    // A second module instance of the registry, as a second installed copy would load.
    const copy = (await import(
      '../src/registry.ts?second-copy' as string
    )) as typeof import('../src/registry.ts');
    const mine = keep(instrumentAiSdk());
    const holder = { disable: () => copy.unregister(holder) };
    copy.register(keep(holder), { captureContent: undefined, agentRuns: true });
    expect(copy.toolscopeTelemetry()).toBe(toolscopeTelemetry());
    expect(integrations()).toEqual([toolscopeTelemetry()]);
    mine.disable();
    expect(entries()).toBe(1);
    holder.disable();
    expect(entries()).toBe(0);
  });

  it.each(['before', 'after'])('stays first when @ai-sdk/otel is registered %s it', (order) => {
    const otelIntegration = new OpenTelemetry();
    if (order === 'before') registerTelemetry(otelIntegration);
    keep(instrumentAiSdk());
    if (order === 'after') registerTelemetry(otelIntegration);
    expect(integrations()).toEqual([toolscopeTelemetry(), otelIntegration]);
  });

  it('works before `ai` created its list: the list is created', () => {
    delete (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown })
      .AI_SDK_TELEMETRY_INTEGRATIONS;
    keep(instrumentAiSdk());
    expect(integrations()).toEqual([toolscopeTelemetry()]);
  });

  it('moves itself first again when enabled after something else was put first', () => {
    const a = keep(instrumentAiSdk());
    const other = { onStart() {} };
    integrations().unshift(other);
    a.enable();
    expect(integrations()).toEqual([toolscopeTelemetry(), other]);
  });

  it('disable() by the last holder removes it; nothing is recorded; enable() brings it back', async () => {
    const a = keep(new AiSdkInstrumentation());
    const b = keep(new AiSdkInstrumentation());
    a.disable();
    expect(entries()).toBe(1);
    b.disable();
    expect(entries()).toBe(0);
    const off = await recording(otel, () => runAiSdk('generateText'));
    expect(off.tools.count()).toBe(0);
    expect(toolSpans(otel)).toHaveLength(0);
    b.enable();
    const on = await recording(otel, () => runAiSdk('generateText'));
    expect(on.tools.count()).toBe(5);
  });
});
