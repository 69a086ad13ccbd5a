import { createRequire } from 'node:module';

/**
 * The version of toolscope, read once from this package's `package.json` (the packages are
 * released together, so it is every toolscope package's version): the instrumentation scope
 * version of every tracer and meter, and the webhook's `User-Agent`.
 *
 * `src/shared/version.ts` and `dist/shared/version.js` both sit two levels below the package
 * root, so the same relative path works from sources and from the build.
 */
export const TOOLSCOPE_VERSION: string = (() => {
  try {
    const pkg = createRequire(import.meta.url)('../../package.json') as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
