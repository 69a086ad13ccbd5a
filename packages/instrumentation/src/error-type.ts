import { ERROR_TYPE_VALUE_OTHER } from './semconv.ts';

/**
 * `value[key]`, or undefined when reading it throws (a throwing getter, a Proxy trap, a revoked
 * Proxy). Thrown values come from anywhere: describing one must never throw.
 */
export function readProperty(value: unknown, key: PropertyKey): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return undefined;
  }
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/**
 * The low-cardinality `error.type` of a thrown value: `error.code || error.name || '_OTHER'`.
 * Never the message. Never throws: a property that cannot be read counts as absent.
 *
 * @example errorTypeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' })) === 'ECONNRESET'
 * @example errorTypeOf(new TypeError('x')) === 'TypeError'
 * @example errorTypeOf('boom') === '_OTHER'
 */
export function errorTypeOf(err: unknown): string {
  const code = readProperty(err, 'code');
  if ((typeof code === 'string' && code !== '') || typeof code === 'number') return String(code);
  const name = readProperty(err, 'name');
  if (typeof name === 'string' && name !== '') return name;
  return ERROR_TYPE_VALUE_OTHER;
}
