import { warnOnce } from './diag.ts';

/** The `@modelcontextprotocol/sdk` versions this package patches (the v1 line from 1.10.0). */
export const SUPPORTED_SDK_VERSIONS = '>=1.10.0 <2.0.0' as const;
/**
 * The versions of the split v2 packages, `@modelcontextprotocol/client` and
 * `@modelcontextprotocol/server`, this package patches.
 */
export const SUPPORTED_SDK2_VERSIONS = '>=2.0.0 <3.0.0' as const;

type Triple = readonly [number, number, number];

/** One supported line: from `min` (inclusive) up to, not including, the next major. */
interface Line {
  readonly packages: readonly string[];
  readonly min: Triple;
  readonly range: string;
}

const SDK_V1: Line = {
  packages: ['@modelcontextprotocol/sdk'],
  min: [1, 10, 0],
  range: SUPPORTED_SDK_VERSIONS,
};
const SDK_V2: Line = {
  packages: ['@modelcontextprotocol/client', '@modelcontextprotocol/server'],
  min: [2, 0, 0],
  range: SUPPORTED_SDK2_VERSIONS,
};

function inLine(version: string | undefined, line: Line): boolean {
  if (version === undefined) return false;
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) return false;
  const v = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (v[0] !== line.min[0]) return false;
  for (let i = 0; i < 3; i++) {
    if (v[i]! > line.min[i]!) return true;
    if (v[i]! < line.min[i]!) return false;
  }
  return true;
}

/**
 * Whether `version` (a package.json version string) of `@modelcontextprotocol/sdk` is in
 * `SUPPORTED_SDK_VERSIONS`. Pre-release tags are ignored: `1.10.0-rc.1` counts as `1.10.0`.
 *
 * @example isSupportedSdkVersion('1.32.2') === true
 * @example isSupportedSdkVersion('1.9.0') === false
 * @example isSupportedSdkVersion('2.0.0') === false
 */
export function isSupportedSdkVersion(version: string | undefined): boolean {
  return inLine(version, SDK_V1);
}

/**
 * Whether `version` of `@modelcontextprotocol/client` or `@modelcontextprotocol/server` is in
 * `SUPPORTED_SDK2_VERSIONS`.
 *
 * @example isSupportedSdk2Version('2.4.0') === true
 * @example isSupportedSdk2Version('3.0.0') === false
 */
export function isSupportedSdk2Version(version: string | undefined): boolean {
  return inLine(version, SDK_V2);
}

/**
 * True when `version` of package `name` is supported; otherwise logs once (per package and
 * version) and returns false.
 */
export function checkSdkVersion(name: string, version: string | undefined): boolean {
  const line = SDK_V2.packages.includes(name) ? SDK_V2 : SDK_V1;
  if (inLine(version, line)) return true;
  warnOnce(
    `${name} ${version ?? '(unknown version)'} is not supported ` +
      `(supported: ${line.range}); left uninstrumented`,
  );
  return false;
}
