import { setPeerStringLimits } from './shared/bound.ts';
import { LIMITS } from './shared/limits.ts';
import { isRecord, validate } from './shared/validate.ts';
import type { InstrumentationConfig, RedactInput } from './types.ts';

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

/** Every option of `configureInstrumentation`; another key (a typo) is rejected, naming it. */
const OPTION_KEYS = [
  'captureContent',
  'maxContentBytes',
  'redact',
  'maxToolNames',
  'baggageAllowList',
  'maxPeerStringLength',
  'maxPeerTextLength',
  'tracerProvider',
  'meterProvider',
] as const satisfies readonly (keyof InstrumentationConfig)[];
/** Fails to compile when `InstrumentationConfig` gains an option `OPTION_KEYS` lacks. */
const allOptionKeys: Exclude<
  keyof InstrumentationConfig,
  (typeof OPTION_KEYS)[number]
> extends never
  ? true
  : never = true;
void allOptionKeys;

/** The smallest `maxContentBytes`: room for a few characters and the `…` marker. */
export const MIN_CONTENT_BYTES = LIMITS.minContentBytes;

function defaults(): ResolvedConfig {
  return {
    captureContent: envCapture(),
    maxContentBytes: 4096,
    redact: undefined,
    maxToolNames: LIMITS.toolNames,
    baggageAllowList: [],
    tracerProvider: undefined,
    meterProvider: undefined,
  };
}

/** The current settings; read on every invocation (a plain object read). */
export let config: ResolvedConfig = defaults();

/**
 * Sets process-wide instrumentation options. Validates everything first and throws a
 * `ToolscopeConfigError` naming the field (an unknown key, such as a typo, included); on error
 * nothing changes. Options not given keep
 * their current value.
 */
export function configureInstrumentation(options: InstrumentationConfig): void {
  if (!isRecord(options)) {
    validate.object('options', options, 'an object of instrumentation options');
  }
  validate.knownKeys('', options as Record<string, unknown>, OPTION_KEYS);
  const integer = { min: 1, integer: true } as const;
  const maxContentBytes = validate.optionalNumber('maxContentBytes', options.maxContentBytes, {
    min: MIN_CONTENT_BYTES,
    integer: true,
  });
  const maxToolNames = validate.optionalNumber('maxToolNames', options.maxToolNames, integer);
  const maxPeerStringLength = validate.optionalNumber(
    'maxPeerStringLength',
    options.maxPeerStringLength,
    { min: 16, integer: true },
  );
  const maxPeerTextLength = validate.optionalNumber(
    'maxPeerTextLength',
    options.maxPeerTextLength,
    { min: 16, integer: true },
  );
  validate.optionalBoolean('captureContent', options.captureContent);
  if (options.redact !== undefined && typeof options.redact !== 'function') {
    throw validate.error('redact', 'must be a function (input) => value');
  }
  if (
    options.baggageAllowList !== undefined &&
    (!Array.isArray(options.baggageAllowList) ||
      options.baggageAllowList.some((k) => typeof k !== 'string' || k === ''))
  ) {
    throw validate.error('baggageAllowList', 'must be an array of non-empty strings');
  }
  for (const field of ['tracerProvider', 'meterProvider'] as const) {
    const provider = options[field] as unknown;
    const method = field === 'tracerProvider' ? 'getTracer' : 'getMeter';
    if (
      provider !== undefined &&
      (provider === null ||
        typeof provider !== 'object' ||
        typeof (provider as Record<string, unknown>)[method] !== 'function')
    ) {
      throw validate.error(
        field,
        `must be an OpenTelemetry ${field === 'tracerProvider' ? 'TracerProvider' : 'MeterProvider'} (an object with ${method}()) or be left out`,
      );
    }
  }
  setPeerStringLimits({
    ...(maxPeerStringLength !== undefined ? { name: maxPeerStringLength } : {}),
    ...(maxPeerTextLength !== undefined ? { text: maxPeerTextLength } : {}),
  });
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

/** Restores the defaults (re-reading the environment). Used by `resetInstrumentation`. */
export function resetConfig(): void {
  config = defaults();
}
