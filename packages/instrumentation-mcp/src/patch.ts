/**
 * Marking and (un)patching of SDK methods. Every function this package installs carries
 * `ORIGINAL`, pointing at what it wraps, so patching is idempotent: a method already wrapped by
 * this package (on the prototype or on the instance, by the zero-code or the explicit path) is
 * never wrapped again.
 */

/** Shared across copies of this package in one process, so they recognise each other's wraps. */
const ORIGINAL = Symbol.for('toolscope.instrumentation-mcp.original');
const WAS_OWN = Symbol.for('toolscope.instrumentation-mcp.was-own');

// biome-ignore lint/suspicious/noExplicitAny: SDK methods have many signatures
type AnyFunction = (this: any, ...args: any[]) => any;

/** Whether `fn` was installed by this package. */
export function isTraced(fn: unknown): boolean {
  return (
    typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[ORIGINAL] !== undefined
  );
}

/** Marks `wrapped` as this package's wrapper of `original` and returns it. */
export function markTraced<F extends AnyFunction>(wrapped: F, original: AnyFunction): F {
  Object.defineProperty(wrapped, ORIGINAL, { value: original });
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
  return wrapped;
}

/**
 * Replaces `target[name]` (own or inherited) by `factory(original)`, unless it is already
 * traced. Returns false when there is nothing to patch.
 */
export function patchMethod(
  target: object,
  name: string,
  factory: (original: AnyFunction) => AnyFunction,
): boolean {
  const current = (target as Record<string, unknown>)[name];
  if (typeof current !== 'function') return false;
  if (isTraced(current)) return true;
  const wrapped = markTraced(factory(current as AnyFunction), current as AnyFunction);
  Object.defineProperty(wrapped, WAS_OWN, { value: Object.hasOwn(target, name) });
  Object.defineProperty(target, name, {
    value: wrapped,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return true;
}

/** Undoes `patchMethod`: restores the original, or removes the own property it added. */
export function unpatchMethod(target: object, name: string): void {
  if (!Object.hasOwn(target, name)) return;
  const current = (target as Record<string, unknown>)[name] as Record<symbol, unknown>;
  if (!isTraced(current)) return;
  if (current[WAS_OWN] === false) {
    delete (target as Record<string, unknown>)[name];
  } else {
    Object.defineProperty(target, name, {
      value: current[ORIGINAL],
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}
