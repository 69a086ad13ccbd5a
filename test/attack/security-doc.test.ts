/**
 * docs/security.md documents every bound of `LIMITS` with the value the code enforces: each row
 * of its bounds table names a constant and its limit, and this test reads them back. A new
 * limit without a row, or a row whose number drifted from the code, fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../packages/instrumentation/src/internal.ts';

const DOC = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');

/** `256 characters` → 256, `8 MiB` → 8388608, `10 s` → 10000 (ms), `0` → 0. */
function limitOf(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)?/.exec(text.trim());
  if (m === null) throw new Error(`no number in ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const scale: Record<string, number> = { KiB: 1024, MiB: 1024 * 1024, ms: 1, s: 1000 };
  return n * (scale[unit] ?? 1);
}

/** The rows of the bounds table: constant → the limit as written. */
function documented(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of DOC.split('\n')) {
    const m = /^\|(.*)\|\s*(.+?)\s*\|\s*`LIMITS\.(\w+)`\s*\|$/.exec(line);
    if (m !== null) rows.set(m[3]!, m[2]!);
  }
  return rows;
}

describe('docs/security.md and LIMITS agree', () => {
  it('every limit is documented', () => {
    expect([...documented().keys()].sort()).toEqual(Object.keys(LIMITS).sort());
  });

  it.each(Object.entries(LIMITS))('%s is documented as %d', (key, value) => {
    expect(limitOf(documented().get(key) ?? 'missing')).toBe(value);
  });

  it('SECURITY.md asks for a private report and points at the issue tracker', () => {
    const policy = readFileSync(new URL('../../SECURITY.md', import.meta.url), 'utf8');
    expect(policy).toMatch(/privately/);
    expect(policy).toMatch(/issue tracker/);
    expect(DOC).toContain('SECURITY.md');
  });
});
