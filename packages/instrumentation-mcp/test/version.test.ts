import { describe, expect, it } from 'vitest';
import {
  isSupportedSdk2Version,
  isSupportedSdkVersion,
  SUPPORTED_SDK_VERSIONS,
  SUPPORTED_SDK2_VERSIONS,
} from '../src/index.ts';

describe('isSupportedSdkVersion (@modelcontextprotocol/sdk)', () => {
  it('accepts the v1 line from 1.10.0', () => {
    expect(SUPPORTED_SDK_VERSIONS).toBe('>=1.10.0 <2.0.0');
    for (const v of ['1.10.0', '1.10.1-rc.1', '1.11.0', '1.32.2', '1.99.99']) {
      expect(isSupportedSdkVersion(v)).toBe(true);
    }
  });
  it('rejects older, newer-major and unparseable versions', () => {
    for (const v of ['1.9.9', '1.0.0', '0.6.0', '2.0.0', '2.0.0-beta.5', 'latest', '', undefined]) {
      expect(isSupportedSdkVersion(v)).toBe(false);
    }
  });
});

describe('isSupportedSdk2Version (@modelcontextprotocol/client, /server)', () => {
  it('accepts the v2 line', () => {
    expect(SUPPORTED_SDK2_VERSIONS).toBe('>=2.0.0 <3.0.0');
    for (const v of ['2.0.0', '2.4.0', '2.99.1', '2.0.0-rc.1']) {
      expect(isSupportedSdk2Version(v)).toBe(true);
    }
  });
  it('rejects the v1 line, the next major and unparseable versions', () => {
    for (const v of ['1.32.2', '3.0.0', '3.0.0-alpha.1', 'next', undefined]) {
      expect(isSupportedSdk2Version(v)).toBe(false);
    }
  });
});
