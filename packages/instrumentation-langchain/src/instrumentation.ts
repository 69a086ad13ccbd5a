import {
  InstrumentationBase,
  type InstrumentationModuleDefinition,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { SCOPE_NAMES, TOOLSCOPE_VERSION } from '@toolscope/instrumentation/internal';
import { applyTarget } from './apply.ts';
import { warnOnce } from './diag.ts';
import { patchLoaded } from './loaded.ts';
import { request } from './state.ts';
import { PACKAGES, SUPPORTED_VERSIONS, TARGETS, type Target } from './targets.ts';
import type { LangChainInstrumentationConfig } from './types.ts';

/** Whether `version` is a 1.x release (pre-releases included); unknown versions are tried. */
function isSupportedVersion(version: string | undefined): boolean {
  if (version === undefined || version.startsWith('1.')) return true;
  warnOnce(`LangChain package version ${version} is not supported (1.x is); left uninstrumented`);
  return false;
}

/**
 * Zero-code instrumentation of LangChain.js and LangGraph (`@langchain/core`,
 * `@langchain/langgraph` and `langchain` 1.x), for ESM and CommonJS consumers alike:
 *
 * - every tool call (`StructuredTool.prototype.call`, which all tools and all callers go
 *   through) is one `execute_tool` span, active while the tool runs, and one
 *   `gen_ai.execute_tool.duration` point, input-validation failures included;
 * - a call of a tool a `ToolNode` does not have is one failed call (`tool_not_found`);
 * - every graph run is an `invoke_agent` span and a `gen_ai.invoke_agent.duration` point;
 * - inside a toolscope workflow, the steps of the outermost sequence or graph are its steps.
 *
 * It patches class prototypes once per process (however many instances are enabled), through
 * the loader hooks when LangChain loads later and directly when it is already loaded.
 * `disable()` stops all recording at once (when no other instance is enabled); the wrappers
 * stay and pass through. ESM
 * applications that enable it before importing LangChain need the loader hook
 * (`node --import @toolscope/instrumentation-langchain/register`); enabling it after the
 * imports works without it.
 */
export class LangChainInstrumentation extends InstrumentationBase<LangChainInstrumentationConfig> {
  constructor(config: LangChainInstrumentationConfig = {}) {
    super(SCOPE_NAMES.langchain, TOOLSCOPE_VERSION, config);
  }

  /** The targets' files for the base class's hooks: ESM `.js` and CommonJS `.cjs`. */
  protected override init(): InstrumentationModuleDefinition[] {
    return PACKAGES.map((pkg) => {
      const files = TARGETS.filter((t) => t.pkg === pkg).flatMap((target) =>
        ['js', 'cjs'].map(
          (ext) =>
            new InstrumentationNodeModuleFile(
              `${pkg}/${target.file}.${ext}`,
              SUPPORTED_VERSIONS,
              (moduleExports: unknown, version?: string) =>
                this.patchTarget(target, moduleExports, version),
              // Wrappers stay and pass through once nothing is enabled (`apply.ts`).
              () => {},
            ),
        ),
      );
      return new InstrumentationNodeModuleDefinition(
        pkg,
        SUPPORTED_VERSIONS,
        undefined,
        undefined,
        files,
      );
    });
  }

  override enable(): void {
    // Features first: a patched method may run as soon as it is installed.
    this.requestFeatures();
    super.enable();
    patchLoaded(
      (target, moduleExports, version) => this.patchTarget(target, moduleExports, version),
      isSupportedVersion,
    );
  }

  override disable(): void {
    request(this, undefined);
    super.disable();
  }

  override setConfig(config: LangChainInstrumentationConfig = {}): void {
    super.setConfig(config);
    if (this._enabled) this.requestFeatures();
  }

  private requestFeatures(): void {
    const config = this.getConfig();
    request(this, {
      agentRuns: config.agentRuns !== false,
      workflowSteps: config.workflowSteps !== false,
    });
  }

  private patchTarget(
    target: Target,
    moduleExports: unknown,
    version: string | undefined,
  ): unknown {
    if (!this._enabled || !isSupportedVersion(version)) return moduleExports;
    return applyTarget(target, moduleExports, version);
  }
}
