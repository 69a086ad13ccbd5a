/**
 * The one validator module: fail-fast checks of options, config fields and flags. Every
 * check names the field, says what is allowed and shows what was given (`describeValue`),
 * through the error factory the package passes (its own `ToolscopeConfigError` subclass).
 *
 * @example
 * const v = validators((field, problem) => new ProbeConfigError(checkId, field, problem));
 * const threshold = v.optionalNumber('failureThreshold', def.failureThreshold, { min: 1, integer: true });
 */
import { describeValue } from './describe.ts';
import { optionalDuration, parseDuration } from './duration.ts';
import { type ConfigErrorFactory, configError } from './errors.ts';
import { terminalText } from './sanitize.ts';

/** The range a number must fall in. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  readonly integer?: boolean;
  /** What to say instead of the derived `must be …` text. */
  readonly hint?: string;
}

/** `must be …` text of a range: `an integer >= 1`, `a number > 0`, `a number from 0 to 1`. */
export function describeRange(range: NumberRange): string {
  const { min, max } = range;
  if (min !== undefined && max !== undefined && !range.minExclusive && !range.maxExclusive) {
    return `${range.integer === true ? 'an integer' : 'a number'} from ${min} to ${max}`;
  }
  const what = range.integer === true ? 'an integer' : 'a finite number';
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${range.minExclusive ? '>' : '>='} ${min}`);
  if (max !== undefined) parts.push(`${range.maxExclusive ? '<' : '<='} ${max}`);
  return parts.length === 0 ? what : `${what} ${parts.join(' and ')}`;
}

function inRange(value: number, r: NumberRange): boolean {
  if (!Number.isFinite(value)) return false;
  if (r.integer === true && !Number.isInteger(value)) return false;
  if (r.min !== undefined && (r.minExclusive ? value <= r.min : value < r.min)) return false;
  if (r.max !== undefined && (r.maxExclusive ? value >= r.max : value > r.max)) return false;
  return true;
}

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The checks, bound to one error factory. */
export interface Validators {
  /** A plain object; `what` says what it should hold. */
  object(field: string, value: unknown, what?: string): Record<string, unknown>;
  /** A non-empty string (white space alone is empty). */
  string(field: string, value: unknown): string;
  optionalString(field: string, value: unknown): string | undefined;
  number(field: string, value: unknown, range?: NumberRange): number;
  optionalNumber(field: string, value: unknown, range?: NumberRange): number | undefined;
  optionalBoolean(field: string, value: unknown): boolean | undefined;
  /** One of `allowed`; the message lists them. */
  oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T;
  optionalOneOf<T extends string>(
    field: string,
    value: unknown,
    allowed: readonly T[],
  ): T | undefined;
  /** A list of strings; `undefined` is the empty list. */
  stringList(field: string, value: unknown): string[];
  /** A map of names to strings; values are never echoed (headers carry secrets). */
  stringRecord(field: string, value: unknown): Record<string, string>;
  /**
   * HTTP request headers (`httpHeaderProblem`): a map of names to strings whose every name is an
   * RFC 9110 token and every value field text, so no header can carry another. Values are never
   * echoed; a name is shown with its control characters escaped.
   */
  httpHeaders(field: string, value: unknown): Record<string, string>;
  /** A duration of the one grammar (`duration.ts`), in ms. */
  duration(field: string, value: unknown, options?: { allowZero?: boolean; min?: number }): number;
  optionalDuration(
    field: string,
    value: unknown,
    options?: { allowZero?: boolean; min?: number },
  ): number | undefined;
  /** An absolute URL of one of `protocols` (default http and https). */
  url(field: string, value: unknown, protocols?: readonly string[]): URL;
  /** Throws on the first key of `value` that is not in `allowed`, naming it as `prefix.key`. */
  knownKeys(prefix: string, value: Record<string, unknown>, allowed: Iterable<string>): void;
  /** The factory, for checks of the package's own. */
  readonly error: ConfigErrorFactory;
}

/** The validators for a package's error factory. */
export function validators(make: ConfigErrorFactory = configError): Validators {
  const got = (value: unknown) => `(got ${describeValue(value)})`;
  const v: Validators = {
    error: make,
    object(field, value, what = 'an object') {
      if (!isRecord(value)) throw make(field, `must be ${what} ${got(value)}`);
      return value;
    },
    string(field, value) {
      if (typeof value !== 'string' || value.trim() === '') {
        throw make(field, `must be a non-empty string ${got(value)}`);
      }
      return value;
    },
    optionalString(field, value) {
      return value === undefined ? undefined : v.string(field, value);
    },
    number(field, value, range = {}) {
      if (typeof value !== 'number' || !inRange(value, range)) {
        throw make(field, `must be ${range.hint ?? describeRange(range)} ${got(value)}`);
      }
      return value;
    },
    optionalNumber(field, value, range = {}) {
      return value === undefined ? undefined : v.number(field, value, range);
    },
    optionalBoolean(field, value) {
      if (value === undefined) return undefined;
      if (typeof value !== 'boolean') throw make(field, `must be true or false ${got(value)}`);
      return value;
    },
    optionalOneOf(field, value, allowed) {
      return value === undefined ? undefined : v.oneOf(field, value, allowed);
    },
    oneOf(field, value, allowed) {
      if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        throw make(
          field,
          `must be one of ${allowed.map((a) => `'${a}'`).join(', ')} ${got(value)}`,
        );
      }
      return value as (typeof allowed)[number];
    },
    stringList(field, value) {
      if (value === undefined) return [];
      if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
        throw make(field, `must be a list of strings ${got(value)}`);
      }
      return [...(value as string[])];
    },
    stringRecord(field, value) {
      if (value === undefined) return {};
      if (!isRecord(value)) throw make(field, 'must be a map of names to string values');
      const out: Record<string, string> = {};
      for (const [k, s] of Object.entries(value)) {
        if (typeof s !== 'string') throw make(`${field}.${k}`, 'must be a string');
        out[k] = s;
      }
      return out;
    },
    httpHeaders(field, value) {
      const headers = v.stringRecord(field, value);
      for (const [name, text] of Object.entries(headers)) {
        const problem = httpHeaderProblem(name, text);
        if (problem !== undefined) throw make(`${field}.${terminalText(name)}`, problem);
      }
      return headers;
    },
    duration(field, value, options = {}) {
      return parseDuration(field, value, { ...options, make });
    },
    optionalDuration(field, value, options = {}) {
      return optionalDuration(field, value, { ...options, make });
    },
    url(field, value, protocols = ['http:', 'https:']) {
      if (typeof value !== 'string' || value.trim() === '') {
        throw make(field, `must be a URL ${got(value)}`);
      }
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        // Never echo the text: a URL may carry credentials.
        throw make(field, 'is not a valid absolute URL (for example http://127.0.0.1:8080/health)');
      }
      if (!protocols.includes(url.protocol)) {
        throw make(
          field,
          `must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL (got ${url.protocol.replace(':', '')})`,
        );
      }
      return url;
    },
    knownKeys(prefix, value, allowed) {
      const set = allowed instanceof Set ? (allowed as Set<string>) : new Set(allowed);
      for (const key of Object.keys(value)) {
        if (!set.has(key)) {
          throw make(
            prefix === '' ? key : `${prefix}.${key}`,
            `is not a known field; allowed: ${[...set].join(', ')}`,
          );
        }
      }
    },
  };
  return v;
}

/** RFC 9110 `token`: the characters of a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * RFC 9110 field text: visible ASCII, space, tab and obs-text (0x80–0xFF) — what an HTTP/1.1
 * client sends as is. No CR, LF, NUL or other control character, nothing past Latin-1.
 */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/**
 * Headers the HTTP client (undici) manages itself and refuses to be given: connection framing
 * and upgrades (hop-by-hop, RFC 9110 §7.6.1) and `Expect`.
 */
const CLIENT_HEADERS: ReadonlySet<string> = new Set([
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
]);

/**
 * Why `name: value` cannot be sent as an HTTP request header, or undefined when it can. The
 * problem never quotes the value (headers carry secrets).
 *
 * @example httpHeaderProblem('X\nY', 'a') // 'must be a valid HTTP header name (letters, …); fix the key'
 * @example httpHeaderProblem('Authorization', 'Bearer t') === undefined
 */
export function httpHeaderProblem(name: string, value: string): string | undefined {
  if (!HEADER_NAME.test(name)) {
    return "must be a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~); fix the key";
  }
  if (CLIENT_HEADERS.has(name.toLowerCase())) {
    return 'cannot be set: the HTTP client manages this header itself; remove it';
  }
  if (!HEADER_VALUE.test(value)) {
    return 'must be a valid HTTP header value (no CR, LF or other control character but tab, and only Latin-1 text); fix the value';
  }
  return undefined;
}

/** The validators with plain `ToolscopeConfigError`s. */
export const validate: Validators = validators();
