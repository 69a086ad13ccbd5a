/**
 * Wrapping LangChain's class methods. Every wrapper carries `ORIGINAL` (a registered symbol,
 * so copies of this package recognise each other's wrappers), which makes patching
 * idempotent: a prototype is wrapped once however many instrumentations, copies or enable
 * paths (loader hook, require hook, already-loaded module) reach it. Wrappers stay for the
 * life of the process and pass through while no instrumentation is enabled (`state.ts`).
 */

// biome-ignore lint/suspicious/noExplicitAny: LangChain's methods have many signatures
export type AnyMethod = (this: any, ...args: any[]) => any;

const ORIGINAL = Symbol.for('toolscope.instrumentation-langchain.original');

/** Whether `fn` is a wrapper this package installed. */
function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && Object.hasOwn(fn, ORIGINAL);
}

/**
 * Replaces `proto[name]` by `factory(original)` unless it is already wrapped. Returns false
 * when there is no such method.
 */
export function wrapMethod(
  proto: object,
  name: string,
  factory: (original: AnyMethod) => AnyMethod,
): boolean {
  const current = (proto as Record<string, unknown>)[name];
  if (typeof current !== 'function') return false;
  if (isWrapped(current)) return true;
  const wrapped = factory(current as AnyMethod);
  Object.defineProperty(wrapped, ORIGINAL, { value: current });
  Object.defineProperty(wrapped, 'name', { value: current.name, configurable: true });
  Object.defineProperty(proto, name, {
    value: wrapped,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return true;
}
