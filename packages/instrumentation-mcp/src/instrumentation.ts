import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import {
  InstrumentationBase,
  type InstrumentationModuleDefinition,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { SCOPE_NAMES, TOOLSCOPE_VERSION } from '@toolscope/instrumentation/internal';
import { Hook as RequireHook } from 'require-in-the-middle';
import { warnOnce } from './diag.ts';
import type { PatchHooks, ProtocolLike, Role } from './internal-types.ts';
import { tracerGetter } from './providers.ts';
import { applyPatches, removePatches } from './surface.ts';
import type { McpInstrumentationConfig } from './types.ts';
import { checkSdkVersion } from './version.ts';

const SDK = '@modelcontextprotocol/sdk';
const SDK2_CLIENT = '@modelcontextprotocol/client';
const SDK2_SERVER = '@modelcontextprotocol/server';

/**
 * CommonJS entry points of the 1.x SDK, as `require-in-the-middle` names them: the public
 * specifiers (matched when the application requires them) and the package-relative paths,
 * which require-in-the-middle normalises by dropping `/index.js` (matched when the SDK
 * requires the file itself, as `server/mcp.js` does with `./index.js`).
 */
const CJS_CLIENT = [`${SDK}/client/index.js`, `${SDK}/client`, `${SDK}/dist/cjs/client`];
const CJS_SERVER = [`${SDK}/server/index.js`, `${SDK}/server`, `${SDK}/dist/cjs/server`];

type ClassLike = { prototype: ProtocolLike };

function classExport(moduleExports: unknown, name: string): ClassLike | undefined {
  if (moduleExports === null || typeof moduleExports !== 'object') return undefined;
  const value = (moduleExports as Record<string, unknown>)[name];
  return typeof value === 'function' ? (value as unknown as ClassLike) : undefined;
}

function packageVersion(baseDir: string | undefined): string | undefined {
  if (baseDir === undefined) return undefined;
  try {
    const version = JSON.parse(readFileSync(join(baseDir, 'package.json'), 'utf8')).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Zero-code instrumentation of the MCP TypeScript SDK, both lines side by side:
 * `@modelcontextprotocol/sdk` `>=1.10.0 <2.0.0` and the split 2.x packages
 * `@modelcontextprotocol/client` / `@modelcontextprotocol/server` `>=2.0.0 <3.0.0`, for ESM
 * (import-in-the-middle) and CommonJS (require-in-the-middle) consumers. It patches the
 * `Client` and `Server` classes when the SDK loads (`McpServer` uses `Server`, so it is covered;
 * see `surface.ts` for the methods). A version outside these ranges is logged once and left
 * untouched.
 *
 * Register it like any OpenTelemetry instrumentation, before the SDK is loaded
 * (`registerInstrumentations({ instrumentations: [new McpInstrumentation()] })`, or
 * `startToolscope({ instrumentations: [...] })`); ESM applications also need the loader hook,
 * which `node --import @toolscope/instrumentation-mcp/register` sets up.
 *
 * The tracer is looked up on every call (the provider given to `setTracerProvider`, else the
 * process-wide, else the global one), never taken once when the instrumentation is made: an
 * SDK registered later, or through another copy of `@opentelemetry/api`, gets every span. The
 * metrics are the core's recorders, looked up the same way.
 */
export class McpInstrumentation extends InstrumentationBase<McpInstrumentationConfig> {
  // `declare`d, not initialised: the base constructor calls `enable()` before field
  // initialisers would run, and an initialiser would then wipe what `enable()` set.
  /** CommonJS module exports of the 1.x SDK seen by our own require hook, re-patched on `enable()`. */
  declare private cjsExports:
    | { role: Role; exports: unknown; version: string | undefined }[]
    | undefined;
  declare private requireHook: RequireHook | undefined;
  /** Per patched prototype: switched off by `unpatch`, so handlers wrapped earlier go quiet. */
  declare private patchStates: WeakMap<object, { active: boolean }> | undefined;
  /** The tracer getter: of the provider given to `setTracerProvider`, else the rule's. */
  declare private tracerOf: (() => Tracer) | undefined;

  constructor(config: McpInstrumentationConfig = {}) {
    super(SCOPE_NAMES.mcp, TOOLSCOPE_VERSION, config);
  }

  override setTracerProvider(tracerProvider: TracerProvider): void {
    super.setTracerProvider(tracerProvider);
    this.tracerOf = tracerGetter(tracerProvider);
  }

  /**
   * The 1.x ESM files and the 2.x packages' main entries. (The base class's shared require
   * hook cannot see the 1.x CommonJS files: it resolves the package's main entry to tell
   * internal files apart, and the 1.x SDK has none. `enable()` adds a require hook of its own
   * for them. The 2.x packages have a main entry: the base class's hooks cover ESM and CJS.)
   */
  protected override init(): InstrumentationModuleDefinition[] {
    const files = [
      new InstrumentationNodeModuleFile(
        `${SDK}/dist/esm/client/index.js`,
        ['*'],
        (moduleExports: unknown, version?: string) =>
          this.patch(SDK, 'client', moduleExports, version),
        (moduleExports?: unknown) => this.unpatch('client', moduleExports),
      ),
      new InstrumentationNodeModuleFile(
        `${SDK}/dist/esm/server/index.js`,
        ['*'],
        (moduleExports: unknown, version?: string) =>
          this.patch(SDK, 'server', moduleExports, version),
        (moduleExports?: unknown) => this.unpatch('server', moduleExports),
      ),
    ];
    const sdk2 = (name: string, role: Role) =>
      new InstrumentationNodeModuleDefinition(
        name,
        // Every version reaches `patch`, which logs the unsupported ones once.
        ['*'],
        (moduleExports: unknown, version?: string) =>
          this.patch(name, role, moduleExports, version),
        (moduleExports?: unknown) => this.unpatch(role, moduleExports),
      );
    return [
      new InstrumentationNodeModuleDefinition(SDK, ['*'], undefined, undefined, files),
      sdk2(SDK2_CLIENT, 'client'),
      sdk2(SDK2_SERVER, 'server'),
    ];
  }

  override enable(): void {
    super.enable();
    if (this.cjsExports === undefined) this.cjsExports = [];
    if (this.requireHook === undefined) {
      this.requireHook = new RequireHook(
        [...CJS_CLIENT, ...CJS_SERVER],
        { internals: true },
        (moduleExports, name, baseDir) => {
          const role: Role = CJS_CLIENT.includes(name) ? 'client' : 'server';
          const version = packageVersion(baseDir);
          this.cjsExports?.push({ role, exports: moduleExports, version });
          if (this._enabled) this.patch(SDK, role, moduleExports, version);
          return moduleExports;
        },
      );
      return;
    }
    for (const seen of this.cjsExports) this.patch(SDK, seen.role, seen.exports, seen.version);
  }

  override disable(): void {
    super.disable();
    for (const seen of this.cjsExports ?? []) this.unpatch(seen.role, seen.exports);
  }

  /**
   * Hooks of the patch of one prototype: the tracer follows `setTracerProvider` and the global
   * registration; tracing stops on `disable()` and when this
   * prototype is unpatched (handlers wrapped lazily before that stay in the handler maps, as
   * pass-throughs).
   */
  private patchHooks(prototype: object): PatchHooks {
    this.patchStates ??= new WeakMap();
    // One state per prototype: patching again (enable after disable) revives old wrappers too.
    let state = this.patchStates.get(prototype);
    if (state === undefined) {
      state = { active: true };
      this.patchStates.set(prototype, state);
    }
    state.active = true;
    const live = state;
    return {
      tracer: () => {
        this.tracerOf ??= tracerGetter();
        return this.tracerOf();
      },
      isEnabled: () => this._enabled && live.active,
    };
  }

  private patch(
    name: string,
    role: Role,
    moduleExports: unknown,
    version: string | undefined,
  ): unknown {
    if (!checkSdkVersion(name, version)) return moduleExports;
    const className = role === 'client' ? 'Client' : 'Server';
    const cls = classExport(moduleExports, className);
    const prototype = cls?.prototype;
    if (
      prototype === undefined ||
      typeof prototype._onrequest !== 'function' ||
      typeof prototype.request !== 'function'
    ) {
      warnOnce(
        `${name} ${version}: ${className}.prototype is not as expected; left uninstrumented`,
      );
      return moduleExports;
    }
    applyPatches(prototype, role, this.patchHooks(prototype));
    return moduleExports;
  }

  private unpatch(role: Role, moduleExports: unknown): void {
    const cls = classExport(moduleExports, role === 'client' ? 'Client' : 'Server');
    if (cls === undefined) return;
    removePatches(cls.prototype);
    const state = this.patchStates?.get(cls.prototype);
    if (state !== undefined) state.active = false;
  }
}
