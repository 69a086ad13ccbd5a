import { describe, expect, it } from 'vitest';
import { isSupportedSdkVersion, SUPPORTED_SDK_VERSIONS } from '../src/index.ts';

describe('isSupportedSdkVersion', () => {
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
