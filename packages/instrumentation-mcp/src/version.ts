import { warnOnce } from './diag.ts';

/** The `@modelcontextprotocol/sdk` versions this package patches (the v1 line from 1.10.0). */
export const SUPPORTED_SDK_VERSIONS = '>=1.10.0 <2.0.0' as const;

const MIN: readonly [number, number, number] = [1, 10, 0];

/**
 * Whether `version` (a package.json version string) is in `SUPPORTED_SDK_VERSIONS`.
 * Pre-release tags are ignored: `1.10.0-rc.1` counts as `1.10.0`.
 *
 * @example isSupportedSdkVersion('1.32.2') === true
 * @example isSupportedSdkVersion('1.9.0') === false
 * @example isSupportedSdkVersion('2.0.0') === false
 */
export function isSupportedSdkVersion(version: string | undefined): boolean {
  if (version === undefined) return false;
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) return false;
  const v = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (v[0] !== 1) return false;
  for (let i = 0; i < 3; i++) {
    if (v[i]! > MIN[i]!) return true;
    if (v[i]! < MIN[i]!) return false;
  }
  return true;
}

/** True when supported; otherwise logs once (per version) and returns false. */
export function checkSdkVersion(version: string | undefined): boolean {
  if (isSupportedSdkVersion(version)) return true;
  warnOnce(
    `@modelcontextprotocol/sdk ${version ?? '(unknown version)'} is not supported ` +
      `(supported: ${SUPPORTED_SDK_VERSIONS}); left uninstrumented`,
  );
  return false;
}
