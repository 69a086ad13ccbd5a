import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  InstrumentationBase,
  type InstrumentationModuleDefinition,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { SCOPE_NAMES, TOOLSCOPE_VERSION } from '@toolscope/instrumentation/internal';
import { Hook as RequireHook } from 'require-in-the-middle';
import { createTracedRequest } from './client.ts';
import { warnOnce } from './diag.ts';
import type { PatchHooks } from './internal-types.ts';
import { isTraced, patchMethod, unpatchMethod } from './patch.ts';
import { createTracedOnRequest } from './server.ts';
import type { McpInstrumentationConfig } from './types.ts';
import { checkSdkVersion, SUPPORTED_SDK_VERSIONS } from './version.ts';

const SDK = '@modelcontextprotocol/sdk';

/**
 * CommonJS entry points, as `require-in-the-middle` names them: the public specifiers (matched
 * when the application requires them) and the package-relative paths, which
 * require-in-the-middle normalises by dropping `/index.js` (matched when the SDK requires the
 * file itself, as `server/mcp.js` does with `./index.js`).
 */
const CJS_CLIENT = [`${SDK}/client/index.js`, `${SDK}/client`, `${SDK}/dist/cjs/client`];
const CJS_SERVER = [`${SDK}/server/index.js`, `${SDK}/server`, `${SDK}/dist/cjs/server`];

type ClassLike = { prototype: Record<string, unknown> };
type Side = 'client' | 'server';

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
 * Zero-code instrumentation of the MCP TypeScript SDK (`@modelcontextprotocol/sdk`
 * `>=1.10.0 <2.0.0`) for ESM (import-in-the-middle) and CommonJS (require-in-the-middle)
 * consumers: patches `Client.prototype.request` and `Server.prototype._onrequest` when the SDK's
 * `client/index.js` / `server/index.js` are loaded (`McpServer` uses `Server`, so it is covered).
 * An unsupported SDK version is logged once and left untouched.
 *
 * Register it like any OpenTelemetry instrumentation, before the SDK is loaded
 * (`registerInstrumentations({ instrumentations: [new McpInstrumentation()] })`, or
 * `startToolscope({ instrumentations: [...] })`); ESM applications also need the loader hook,
 * which `node --import @toolscope/instrumentation-mcp/register` sets up.
 */
export class McpInstrumentation extends InstrumentationBase<McpInstrumentationConfig> {
  // `declare`d, not initialised: the base constructor calls `enable()` before field
  // initialisers would run, and an initialiser would then wipe what `enable()` set.
  /** CommonJS module exports seen by our own require hook, re-patched on `enable()`. */
  declare private cjsExports:
    | { side: Side; exports: unknown; version: string | undefined }[]
    | undefined;
  declare private requireHook: RequireHook | undefined;
  /** Per patched prototype: switched off by `unpatch`, so handlers wrapped earlier go quiet. */
  declare private patchStates: WeakMap<object, { active: boolean }> | undefined;

  constructor(config: McpInstrumentationConfig = {}) {
    super(SCOPE_NAMES.mcp, TOOLSCOPE_VERSION, config);
  }

  /**
   * The ESM files, hooked by the base class through import-in-the-middle. (The base class's
   * shared require hook cannot see this package's CommonJS files: it resolves the package's
   * main entry to tell internal files apart, and the SDK has none. `enable()` adds a require
   * hook of its own for them.)
   */
  protected override init(): InstrumentationModuleDefinition[] {
    const files = [
      new InstrumentationNodeModuleFile(
        `${SDK}/dist/esm/client/index.js`,
        ['*'],
        (moduleExports: unknown, version?: string) => this.patch('client', moduleExports, version),
        (moduleExports?: unknown) => this.unpatch('client', moduleExports),
      ),
      new InstrumentationNodeModuleFile(
        `${SDK}/dist/esm/server/index.js`,
        ['*'],
        (moduleExports: unknown, version?: string) => this.patch('server', moduleExports, version),
        (moduleExports?: unknown) => this.unpatch('server', moduleExports),
      ),
    ];
    return [new InstrumentationNodeModuleDefinition(SDK, ['*'], undefined, undefined, files)];
  }

  override enable(): void {
    super.enable();
    if (this.cjsExports === undefined) this.cjsExports = [];
    if (this.requireHook === undefined) {
      this.requireHook = new RequireHook(
        [...CJS_CLIENT, ...CJS_SERVER],
        { internals: true },
        (moduleExports, name, baseDir) => {
          const side: Side = CJS_CLIENT.includes(name) ? 'client' : 'server';
          const version = packageVersion(baseDir);
          this.cjsExports?.push({ side, exports: moduleExports, version });
          if (this._enabled) this.patch(side, moduleExports, version);
          return moduleExports;
        },
      );
      return;
    }
    for (const seen of this.cjsExports) this.patch(seen.side, seen.exports, seen.version);
  }

  override disable(): void {
    super.disable();
    for (const seen of this.cjsExports ?? []) this.unpatch(seen.side, seen.exports);
  }

  /**
   * Hooks of the patch of one prototype: the tracer follows `setTracerProvider`; tracing stops
   * on `disable()` and when this prototype is unpatched (handlers wrapped lazily before that
   * stay in the servers' handler maps, as pass-throughs).
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
    return { getTracer: () => this.tracer, isEnabled: () => this._enabled && live.active };
  }

  private patch(side: Side, moduleExports: unknown, version: string | undefined): unknown {
    if (!checkSdkVersion(version)) return moduleExports;
    if (side === 'client') {
      const Client = classExport(moduleExports, 'Client');
      if (Client === undefined || typeof Client.prototype.request !== 'function') {
        warnOnce(`${SDK} ${version}: Client.prototype.request not found; left uninstrumented`);
        return moduleExports;
      }
      if (isTraced(Client.prototype.request)) return moduleExports;
      const hooks = this.patchHooks(Client.prototype);
      patchMethod(Client.prototype, 'request', (original) => createTracedRequest(original, hooks));
    } else {
      const Server = classExport(moduleExports, 'Server');
      if (Server === undefined || typeof Server.prototype._onrequest !== 'function') {
        warnOnce(
          `${SDK} ${version}: Server.prototype._onrequest not found (supported: ` +
            `${SUPPORTED_SDK_VERSIONS}); left uninstrumented`,
        );
        return moduleExports;
      }
      if (isTraced(Server.prototype._onrequest)) return moduleExports;
      const hooks = this.patchHooks(Server.prototype);
      patchMethod(Server.prototype, '_onrequest', (original) =>
        createTracedOnRequest(original, hooks),
      );
    }
    return moduleExports;
  }

  private unpatch(side: Side, moduleExports: unknown): void {
    const cls = classExport(moduleExports, side === 'client' ? 'Client' : 'Server');
    if (cls === undefined) return;
    unpatchMethod(cls.prototype, side === 'client' ? 'request' : '_onrequest');
    const state = this.patchStates?.get(cls.prototype);
    if (state !== undefined) state.active = false;
  }
}
