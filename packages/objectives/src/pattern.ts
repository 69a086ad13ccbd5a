import { type Validators, validate } from '@toolscope/instrumentation/internal';

/** The key of the default entry. */
export const DEFAULT_PATTERN = '*';

/** A validated name pattern. */
export interface NamePattern {
  readonly key: string;
  /** Whether it has a wildcard (`*` or `?`). */
  readonly isGlob: boolean;
  /** Non-wildcard characters: the more, the more specific. */
  readonly literalChars: number;
  /** Anchored JavaScript regular expression matching the names. */
  readonly regex: RegExp;
  /** The same set as an RE2 regular expression for PromQL `=~` (which anchors it itself). */
  readonly promRegex: string;
}

const RESERVED = /[[\]{}\\]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const REGEX_META = /[.+^$()|[\]{}\\*?]/g;

/**
 * Parses a tool or workflow key: an exact name, or a glob where `*` matches any run of
 * characters (also none) and `?` exactly one. `search_*` becomes the regular expression
 * `search_.*`; `v?_api` becomes `v._api`. Brackets, braces and backslashes are reserved
 * and rejected, so a pattern means the same in process and in PromQL.
 */
export function parsePattern(field: string, key: string, v: Validators = validate): NamePattern {
  if (key.trim() === '' || key.trim() !== key) {
    throw v.error(
      field,
      'must be a tool or workflow name or glob without surrounding spaces (got ' +
        `${JSON.stringify(key)})`,
    );
  }
  if (CONTROL.test(key) || RESERVED.test(key)) {
    throw v.error(
      field,
      `is not a valid pattern (got ${JSON.stringify(key)}): only '*' and '?' are wildcards; ` +
        `'[', ']', '{', '}', '\\' and control characters are not allowed`,
    );
  }
  let promRegex = '';
  let literalChars = 0;
  for (const ch of key) {
    if (ch === '*') promRegex += '.*';
    else if (ch === '?') promRegex += '.';
    else {
      literalChars++;
      promRegex += ch.replace(REGEX_META, '\\$&');
    }
  }
  const isGlob = key.includes('*') || key.includes('?');
  return {
    key,
    isGlob,
    literalChars,
    regex: new RegExp(`^(?:${promRegex})$`, 's'),
    promRegex,
  };
}

/**
 * Orders patterns from the highest precedence to the lowest: exact names, then globs with
 * more literal characters, then (on a tie) the one declared later, and `*` last.
 * `order` is the declaration index.
 */
export function comparePrecedence(
  a: { pattern: NamePattern; order: number },
  b: { pattern: NamePattern; order: number },
): number {
  const rank = (p: NamePattern): number => (p.isGlob ? (p.key === DEFAULT_PATTERN ? 2 : 1) : 0);
  return (
    rank(a.pattern) - rank(b.pattern) ||
    b.pattern.literalChars - a.pattern.literalChars ||
    b.order - a.order
  );
}
