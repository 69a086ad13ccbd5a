import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/** Where `npm run bench` installs the comparison baselines (bench/baselines/package.json). */
const BASELINES = fileURLToPath(new URL('../baselines/', import.meta.url));

/**
 * Imports a comparison baseline (OpenLLMetry, prom-client) from bench/baselines/node_modules,
 * where `npm run bench` installs the versions bench/baselines/package-lock.json pins; the CI
 * smoke run goes without them, and their rows print n/a. They live apart from bench/ so that
 * their OpenTelemetry 2.x dependencies never shadow the repository's 3.x for the benchmark's
 * own imports.
 */
export async function baselineImport<T>(specifier: string): Promise<Optional<T>> {
  const notInstalled = { ok: false, reason: 'not installed: npm run bench installs it' } as const;
  let resolved: string;
  try {
    resolved = createRequire(join(BASELINES, 'package.json')).resolve(specifier);
  } catch {
    return notInstalled;
  }
  if (!resolved.startsWith(join(BASELINES, 'node_modules') + sep)) return notInstalled;
  return optionalImport<T>(pathToFileURL(resolved).href);
}

/** Whether `module` exports every function named in `names`. */
export function hasFunctions(module: unknown, names: readonly string[]): boolean {
  return names.every((n) => typeof (module as Record<string, unknown> | null)?.[n] === 'function');
}
