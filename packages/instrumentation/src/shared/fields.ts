/**
 * The one key convention of toolscope's config files (probe checks, objectives) and options,
 * and the reader that applies it:
 * - camelCase keys are canonical; snake_case is the same key (`failure_threshold` is
 *   `failureThreshold`);
 * - a renamed key stays accepted as a deprecated alias (`intervalMs` for `interval`), with a
 *   one-line warning through the diag logger, once per key and process;
 * - errors name the key as the user wrote it (`interval_ms`, not `interval`), under the path
 *   the caller gives.
 *
 * @example
 * // raw = { interval_ms: 5000, failure_threshold: 0 }
 * const f = readFields(v, 'checks[0]', raw, { interval: ['intervalMs'], failureThreshold: [] });
 * f.get('interval') === 5000;
 * f.field('failureThreshold') === 'checks[0].failure_threshold';
 */
import type { Validators } from './validate.ts';

/** Canonical camelCase field names, each with its deprecated aliases (camelCase too). */
export type FieldSpec = Readonly<Record<string, readonly string[]>>;

/** The fields of one object, read under any accepted spelling. */
export interface FieldReader {
  /** The value under `name` or any spelling of it; `undefined` when absent. */
  get(name: string): unknown;
  /** The key as the user wrote it (`interval_ms`), or `name` when absent. */
  key(name: string): string;
  /** `key(name)` under the reader's path (`checks[0].interval_ms`): the field of an error. */
  field(name: string): string;
}

/** Options of `readFields`. */
export interface ReadFieldsOptions {
  /**
   * Where deprecated aliases are reported (a file's document). Left out, they are accepted
   * silently: in the code API the old names are the typed ones.
   */
  readonly warn?: (message: string) => void;
  /** What the warning calls the document. @default 'config' */
  readonly document?: string;
}

/** `failure_threshold` → `failureThreshold`; a camelCase key stays as it is. */
export function camelCaseKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const warned = new Set<string>();

/** Calls `warn(message)` the first time `key` is seen in this process, never again. */
export function warnOnce(warn: (message: string) => void, key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  warn(message);
}

/**
 * Reads `value`'s fields by `spec`. Throws the validators' config error, naming the key as
 * written, on a key that is no field of `spec` and on two spellings of one field.
 */
export function readFields(
  v: Validators,
  path: string,
  value: Record<string, unknown>,
  spec: FieldSpec,
  options: ReadFieldsOptions = {},
): FieldReader {
  const canonical = new Map<string, string>();
  for (const [name, aliases] of Object.entries(spec)) {
    canonical.set(name, name);
    for (const alias of aliases) canonical.set(alias, name);
  }
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  const written = new Map<string, string>();
  for (const key of Object.keys(value)) {
    const camel = camelCaseKey(key);
    const name = canonical.get(camel);
    if (name === undefined) {
      throw v.error(at(key), `is not a known field; allowed: ${Object.keys(spec).join(', ')}`);
    }
    const other = written.get(name);
    if (other !== undefined) {
      throw v.error(at(key), `is the same field as ${other}; keep one`);
    }
    written.set(name, key);
    if (camel !== name && options.warn !== undefined) {
      const document = options.document ?? 'config';
      warnOnce(
        options.warn,
        `${document}\u0000${key}`,
        `${document}: "${key}" is deprecated; write "${name}" instead (same value)`,
      );
    }
  }
  const key = (name: string) => written.get(name) ?? name;
  return {
    get: (name) => {
      const k = written.get(name);
      return k === undefined ? undefined : value[k];
    },
    key,
    field: (name) => at(key(name)),
  };
}
