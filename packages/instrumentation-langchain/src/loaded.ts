/**
 * Patching copies of LangChain that were loaded before the instrumentation was enabled (an ESM
 * application imports statically, so `startToolscope()` or `instrumentLangChain()` in its code
 * runs after LangChain loaded). Since only prototypes change, patching late covers tools
 * created earlier too.
 *
 * - CommonJS: every target file in `require.cache`, whatever copy it belongs to.
 * - ESM: there is no registry of loaded ES modules. When `@langchain/core` has run in this
 *   process (it leaves `globalThis.lc_block_translators_registry`, shared by both builds) and
 *   its CommonJS build is not the one loaded, the ESM target files of the packages installed
 *   where the application (the working directory) and this package resolve them are loaded
 *   with `require()` (the same module instances as the application's `import`; Node >= 22.12)
 *   and patched. When LangChain has not loaded yet, nothing is loaded: the loader hooks patch
 *   it when it does.
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { logger } from './diag.ts';
import { PACKAGES, type PackageName, TARGETS, type Target } from './targets.ts';

const localRequire = createRequire(import.meta.url);

/** Set by `@langchain/core`'s messages module in both builds. */
const CORE_LOADED_MARKER = 'lc_block_translators_registry';

/** The directory of `pkg` as `from` resolves it, or undefined when it is not installed there. */
function packageRoot(from: string, pkg: PackageName): string | undefined {
  const req = createRequire(from);
  try {
    return dirname(req.resolve(`${pkg}/package.json`));
  } catch {
    // `./package.json` may not be exported: walk up from the main entry.
  }
  try {
    for (let dir = dirname(req.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
      try {
        const name = (localRequire(join(dir, 'package.json')) as { name?: unknown }).name;
        if (name === pkg) return dir;
      } catch {
        // No package.json at this level.
      }
    }
  } catch {
    // Not installed where `from` looks.
  }
  return undefined;
}

/** Where the application (the working directory) and this package resolve `pkg`. */
function packageRoots(pkg: PackageName): string[] {
  const roots = new Set<string>();
  for (const from of [join(process.cwd(), 'index.js'), import.meta.url]) {
    const root = packageRoot(from, pkg);
    if (root !== undefined) roots.add(root);
  }
  return [...roots];
}

function versionAt(root: string): string | undefined {
  try {
    const version = (localRequire(join(root, 'package.json')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

function cjsSuffix(target: Target): string {
  return `${sep}node_modules${sep}${join(target.pkg, `${target.file}.cjs`)}`;
}

/**
 * Calls `patch` for every target module already loaded (see above). `isSupported` filters by
 * the package's version. Never throws.
 */
export function patchLoaded(
  patch: (target: Target, moduleExports: unknown, version: string | undefined) => void,
  isSupported: (version: string | undefined) => boolean,
): void {
  const cache = localRequire.cache;
  let coreCjsLoaded = false;
  for (const [file, mod] of Object.entries(cache)) {
    for (const target of TARGETS) {
      if (!file.endsWith(cjsSuffix(target)) || mod === undefined) continue;
      if (target.pkg === '@langchain/core') coreCjsLoaded = true;
      const root = file.slice(0, file.length - cjsSuffix(target).length);
      const version = versionAt(join(root, 'node_modules', target.pkg));
      if (isSupported(version)) patch(target, mod.exports, version);
    }
  }
  if (coreCjsLoaded || (globalThis as Record<string, unknown>)[CORE_LOADED_MARKER] === undefined) {
    return;
  }
  for (const pkg of PACKAGES) {
    for (const root of packageRoots(pkg)) {
      const version = versionAt(root);
      if (!isSupported(version)) continue;
      for (const target of TARGETS) {
        if (target.pkg !== pkg) continue;
        try {
          patch(target, localRequire(join(root, `${target.file}.js`)), version);
        } catch (err) {
          logger.debug(`loading ${pkg}/${target.file}.js to patch it failed; skipped`, err);
        }
      }
    }
  }
}
