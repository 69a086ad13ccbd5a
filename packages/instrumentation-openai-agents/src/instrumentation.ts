import {
  InstrumentationBase,
  type InstrumentationModuleDefinition,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { SCOPE_NAMES, TOOLSCOPE_VERSION, validate } from '@toolscope/instrumentation/internal';
import { hub } from './hub.ts';
import type { Settings } from './internal-types.ts';
import type { OpenAIAgentsInstrumentationConfig } from './types.ts';

/** The SDK package whose load the module hook sees (`@openai/agents` re-exports it). */
const SDK = '@openai/agents-core';
/** The versions this integration is built and tested for. */
export const SUPPORTED_SDK_VERSIONS = '>=0.20.0 <1';

const KNOWN_KEYS = ['enabled', 'captureContent'];

function resolve(config: unknown): {
  config: OpenAIAgentsInstrumentationConfig;
  settings: Settings;
} {
  const c = validate.object('config', config ?? {}) as OpenAIAgentsInstrumentationConfig;
  validate.knownKeys('config', c as Record<string, unknown>, KNOWN_KEYS);
  const enabled = validate.optionalBoolean('config.enabled', c.enabled) ?? true;
  const captureContent = validate.optionalBoolean('config.captureContent', c.captureContent);
  return { config: { ...c, enabled }, settings: { captureContent } };
}

/**
 * toolscope for the OpenAI Agents SDK (`@openai/agents` / `@openai/agents-core` 0.20), as an
 * OpenTelemetry `Instrumentation`: every tool call an agent makes — function tools, MCP tools
 * (`MCPServerStdio` and the other MCP servers), agents used as tools, and calls the model got
 * wrong — becomes one `execute_tool` span and one `gen_ai.execute_tool.duration` point, active
 * while the tool runs; every agent an `invoke_agent` span and `gen_ai.invoke_agent.duration`
 * point; every model turn a step of the caller's workflow; handoffs an event and a link. All
 * nest under the caller's active context (the user's workflow span).
 *
 * It registers a trace processor with the SDK, beside the processors already there (the SDK's
 * export to OpenAI keeps working, and is not needed). Constructing it enables it (unless
 * `enabled: false`), as OpenTelemetry instrumentations do. `enable()` is idempotent across
 * instances and copies of this package and works before or after the SDK is loaded (no loader
 * hook needed; with one, the module hook below also sees each copy the SDK loads); `disable()`
 * withdraws this instance.
 *
 * @example
 * registerInstrumentations({ instrumentations: [new OpenAIAgentsInstrumentation()] });
 */
export class OpenAIAgentsInstrumentation extends InstrumentationBase<OpenAIAgentsInstrumentationConfig> {
  // `declare`d, not initialised: the base constructor calls `enable()` before field
  // initialisers would run, and an initialiser would then wipe what `enable()` set.
  declare private settings: Settings | undefined;

  constructor(config: OpenAIAgentsInstrumentationConfig = {}) {
    const resolved = resolve(config);
    super(SCOPE_NAMES.openaiAgents, TOOLSCOPE_VERSION, resolved.config);
    this.settings = resolved.settings;
  }

  /**
   * The SDK's entry module, seen when it loads after `enable()` (CommonJS always; ESM when the
   * import-in-the-middle loader hook is installed, as `@toolscope/node/register` does): its
   * `Runner` reports tool call ids from the first run.
   */
  protected override init(): InstrumentationModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        SDK,
        [SUPPORTED_SDK_VERSIONS],
        (moduleExports: unknown) => {
          hub().sdkLoaded(moduleExports);
          return moduleExports;
        },
        () => {},
      ),
    ];
  }

  /** Registers with the Agents SDK (once per process, whatever the order). */
  override enable(): void {
    super.enable();
    this.settings ??= resolve(this.getConfig()).settings;
    hub().acquire(this, this.settings);
  }

  /** Withdraws this instance; toolscope goes quiet when no instance is enabled. */
  override disable(): void {
    super.disable();
    hub().release(this);
  }

  /** Applies new options (validated: a bad option throws and changes nothing). */
  override setConfig(config: OpenAIAgentsInstrumentationConfig = {}): void {
    const resolved = resolve(config);
    super.setConfig(resolved.config);
    this.settings = resolved.settings;
    if (this.isEnabled()) hub().acquire(this, resolved.settings);
  }
}
