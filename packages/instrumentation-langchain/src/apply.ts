/**
 * Applying the patches of one target to a loaded module's exports (an ESM namespace or a
 * CommonJS `exports` object). Only class prototypes change, never the module's bindings, so an
 * already-loaded module and classes created before patching are covered. Patches are never
 * removed: a disabled instrumentation leaves pass-through wrappers (one boolean check per
 * call, `state.ts`), so enabling and disabling are cheap and never make V8 throw away the
 * optimised code of LangChain's hot paths.
 */
import { warnOnce } from './diag.ts';
import { wrapMethod } from './patch.ts';
import type { Target } from './targets.ts';

function prototypeOf(moduleExports: unknown, className: string): object | undefined {
  if (moduleExports === null || typeof moduleExports !== 'object') return undefined;
  try {
    const cls = (moduleExports as Record<string, unknown>)[className];
    const proto =
      typeof cls === 'function' ? (cls as { prototype?: unknown }).prototype : undefined;
    return proto !== null && typeof proto === 'object' ? proto : undefined;
  } catch {
    return undefined;
  }
}

/** Wraps the target's methods on the class `moduleExports` holds; returns `moduleExports`. */
export function applyTarget(target: Target, moduleExports: unknown, version?: string): unknown {
  const proto = prototypeOf(moduleExports, target.className);
  const where = `${target.pkg}${version === undefined ? '' : `@${version}`} ${target.file}`;
  if (proto === undefined) {
    warnOnce(`${where}: no ${target.className} class found; left uninstrumented`);
    return moduleExports;
  }
  for (const [method, factory] of Object.entries(target.methods)) {
    if (!wrapMethod(proto, method, factory)) {
      warnOnce(`${where}: ${target.className}.prototype.${method} not found; left uninstrumented`);
    }
  }
  return moduleExports;
}
