/**
 * Imports a sibling package that may not exist yet (packages are written in parallel): the
 * module, or the reason it cannot be loaded. The specifier goes through a variable so the
 * type checker does not require the package to exist.
 */
export type Optional<T> = { ok: true; module: T } | { ok: false; reason: string };

export async function optionalImport<T>(specifier: string): Promise<Optional<T>> {
  try {
    const module = (await import(specifier)) as T;
    return { ok: true, module };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const missing = e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
    return {
      ok: false,
      reason: missing ? 'not built yet' : `cannot load: ${String(e.message).split('\n')[0]}`,
    };
  }
}

/** Whether `module` exports every function named in `names`. */
export function hasFunctions(module: unknown, names: readonly string[]): boolean {
  return names.every((n) => typeof (module as Record<string, unknown> | null)?.[n] === 'function');
}
