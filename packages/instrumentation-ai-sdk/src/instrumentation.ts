import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { SCOPE_NAMES, TOOLSCOPE_VERSION, validate } from '@toolscope/instrumentation/internal';
import type { Telemetry } from 'ai';
import {
  type HolderSettings,
  reconfigure,
  register,
  toolscopeTelemetry,
  unregister,
} from './registry.ts';
import type { AiSdkInstrumentationConfig } from './types.ts';

const KNOWN_KEYS = ['enabled', 'captureContent', 'agentRuns'];

function resolve(config: AiSdkInstrumentationConfig): {
  config: AiSdkInstrumentationConfig;
  settings: HolderSettings;
} {
  const c = validate.object('config', config) as AiSdkInstrumentationConfig;
  validate.knownKeys('config', c as Record<string, unknown>, KNOWN_KEYS);
  const enabled = validate.optionalBoolean('config.enabled', c.enabled) ?? true;
  const captureContent = validate.optionalBoolean('config.captureContent', c.captureContent);
  const agentRuns = validate.optionalBoolean('config.agentRuns', c.agentRuns) ?? true;
  return { config: { ...c, enabled }, settings: { captureContent, agentRuns } };
}

/**
 * toolscope for the Vercel AI SDK 7 (`ai`), as an OpenTelemetry `Instrumentation`: every tool
 * call of `generateText` / `streamText` (and `ToolLoopAgent`, built on them) becomes one
 * `execute_tool` span and one `gen_ai.execute_tool.duration` point — `@ai-sdk/otel`'s span,
 * adopted, when `registerTelemetry(new OpenTelemetry())` is also on — including calls the model
 * got wrong (invalid input, unknown tool); each run an `invoke_agent` span and
 * `gen_ai.invoke_agent.duration` point; each step a step of the caller's workflow.
 *
 * It registers toolscope's integration first in the AI SDK's global telemetry list (no module
 * patching: `ai` may be loaded before or after, ESM or CommonJS). Constructing it enables it
 * (unless `enabled: false`), as OpenTelemetry instrumentations do; `enable()` is idempotent
 * across instances and copies of this package, `disable()` withdraws this instance.
 *
 * @example
 * registerInstrumentations({ instrumentations: [new AiSdkInstrumentation()] });
 */
export class AiSdkInstrumentation implements Instrumentation<AiSdkInstrumentationConfig> {
  readonly instrumentationName: string = SCOPE_NAMES.aiSdk;
  readonly instrumentationVersion: string = TOOLSCOPE_VERSION;
  private config: AiSdkInstrumentationConfig;
  private settings: HolderSettings;
  private enabled = false;

  constructor(config: AiSdkInstrumentationConfig = {}) {
    const resolved = resolve(config);
    this.config = resolved.config;
    this.settings = resolved.settings;
    if (this.config.enabled !== false) this.enable();
  }

  /** Registers toolscope's integration first in the AI SDK's list (once per process). */
  enable(): void {
    register(this, this.settings);
    this.enabled = true;
  }

  /** Withdraws this instance; the integration leaves the list when no instance holds it. */
  disable(): void {
    unregister(this);
    this.enabled = false;
  }

  /** Whether this instance is enabled. */
  isEnabled(): boolean {
    return this.enabled;
  }

  /**
   * The integration itself, for calls that pass their own `telemetry.integrations` (they
   * replace the global list): put it first.
   */
  get telemetry(): Telemetry {
    return toolscopeTelemetry();
  }

  /**
   * Accepted for the `Instrumentation` contract; spans are made by `@toolscope/instrumentation`
   * and follow its providers (`configureInstrumentation`, which `startToolscope` sets).
   */
  setTracerProvider(_tracerProvider: TracerProvider): void {}

  /** As `setTracerProvider`: metrics follow `@toolscope/instrumentation`'s meter provider. */
  setMeterProvider(_meterProvider: MeterProvider): void {}

  getConfig(): AiSdkInstrumentationConfig {
    return { ...this.config };
  }

  /** Applies new options (validated; a bad option throws and changes nothing). */
  setConfig(config: AiSdkInstrumentationConfig = {}): void {
    const resolved = resolve(config);
    this.config = resolved.config;
    this.settings = resolved.settings;
    reconfigure(this, this.settings);
  }
}
