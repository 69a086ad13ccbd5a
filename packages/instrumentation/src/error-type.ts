import { ERROR_TYPE_VALUE_OTHER } from './semconv.ts';

/**
 * The low-cardinality `error.type` of a thrown value: `error.code || error.name || '_OTHER'`.
 * Never the message.
 *
 * @example errorTypeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' })) === 'ECONNRESET'
 * @example errorTypeOf(new TypeError('x')) === 'TypeError'
 * @example errorTypeOf('boom') === '_OTHER'
 */
export function errorTypeOf(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if ((typeof code === 'string' && code !== '') || typeof code === 'number') return String(code);
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return ERROR_TYPE_VALUE_OTHER;
}
