import { resetCardinality } from './telemetry.ts';
import type { InstrumentationConfig, RedactInput } from './types.ts';
import { optionalPositiveInteger, ToolscopeConfigError } from './validate.ts';

/** The resolved process-wide settings. */
export interface ResolvedConfig {
  captureContent: boolean;
  maxContentBytes: number;
  redact: ((input: RedactInput) => unknown) | undefined;
  maxToolNames: number;
  baggageAllowList: readonly string[];
  tracerProvider: InstrumentationConfig['tracerProvider'];
  meterProvider: InstrumentationConfig['meterProvider'];
}

const ENV_CAPTURE = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

function envCapture(): boolean {
  const raw = typeof process !== 'undefined' ? process.env[ENV_CAPTURE] : undefined;
  return raw !== undefined && raw.trim().toLowerCase() === 'true';
}

function defaults(): ResolvedConfig {
  return {
    captureContent: envCapture(),
    maxContentBytes: 4096,
    redact: undefined,
    maxToolNames: 200,
    baggageAllowList: [],
    tracerProvider: undefined,
    meterProvider: undefined,
  };
}

/** The current settings; read on every invocation (a plain object read). */
export let config: ResolvedConfig = defaults();

/**
 * Sets process-wide instrumentation options. Validates everything first and throws a
 * `ToolscopeConfigError` naming the field; on error nothing changes. Options not given keep
 * their current value.
 */
export function configureInstrumentation(options: InstrumentationConfig): void {
  if (options === null || typeof options !== 'object') {
    throw new ToolscopeConfigError('options', 'must be an object');
  }
  const maxContentBytes = optionalPositiveInteger('maxContentBytes', options.maxContentBytes);
  const maxToolNames = optionalPositiveInteger('maxToolNames', options.maxToolNames);
  if (options.redact !== undefined && typeof options.redact !== 'function') {
    throw new ToolscopeConfigError('redact', 'must be a function (input) => value');
  }
  if (
    options.baggageAllowList !== undefined &&
    (!Array.isArray(options.baggageAllowList) ||
      options.baggageAllowList.some((k) => typeof k !== 'string' || k === ''))
  ) {
    throw new ToolscopeConfigError('baggageAllowList', 'must be an array of non-empty strings');
  }
  config = {
    captureContent: options.captureContent ?? config.captureContent,
    maxContentBytes: maxContentBytes ?? config.maxContentBytes,
    redact: 'redact' in options ? options.redact : config.redact,
    maxToolNames: maxToolNames ?? config.maxToolNames,
    baggageAllowList: options.baggageAllowList ?? config.baggageAllowList,
    tracerProvider: 'tracerProvider' in options ? options.tracerProvider : config.tracerProvider,
    meterProvider: 'meterProvider' in options ? options.meterProvider : config.meterProvider,
  };
}

/** Restores the defaults (re-reading the environment). Meant for tests. */
export function resetInstrumentation(): void {
  config = defaults();
  resetCardinality();
}
