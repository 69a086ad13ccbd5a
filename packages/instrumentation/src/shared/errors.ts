/**
 * The one error family of toolscope. Every error a toolscope package throws on purpose —
 * because the user's input, configuration or environment needs fixing, not because of a bug —
 * is a `ToolscopeError`; a bad option or config field is a `ToolscopeConfigError`, which names
 * the field and the fix. Packages subclass these (`ProbeConfigError`, `ReportConfigError`,
 * `ToolscopeSetupError`, …) and the CLI tells user errors from bugs with `instanceof`.
 *
 * `instanceof` works across copies of this package (an app that ends up with two installs of
 * `@toolscope/instrumentation`): it checks a brand registered with `Symbol.for`, not the class
 * identity.
 */

const BRAND = Symbol.for('@toolscope/error');
const CONFIG_BRAND = Symbol.for('@toolscope/config-error');

function branded(value: unknown, brand: symbol): boolean {
  if (value === null || typeof value !== 'object') return false;
  try {
    return (value as Record<symbol, unknown>)[brand] === true;
  } catch {
    // A hostile value (a throwing Proxy trap, a revoked Proxy) is not one of ours.
    return false;
  }
}

/**
 * `value instanceof cls` by the prototype chain, false when walking it throws (a Proxy whose
 * `getPrototypeOf` trap throws, a revoked Proxy): the subclasses' own identity check.
 */
export function isInstance(
  cls: abstract new (...args: never[]) => unknown,
  value: unknown,
): boolean {
  try {
    return Function.prototype[Symbol.hasInstance].call(cls, value);
  } catch {
    return false;
  }
}

/** Base class of every error toolscope throws on purpose: the user can act on its message. */
export class ToolscopeError extends Error {
  override readonly name: string = 'ToolscopeError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, BRAND, { value: true });
  }

  // biome-ignore-start lint/complexity/noThisInStatic: the check must know which class it runs for
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep their own identity check (so `x instanceof ProbeConfigError` stays
    // exact); the base classes accept any branded error, whichever copy made it.
    if (this === ToolscopeError) return branded(value, BRAND);
    return isInstance(this, value);
  }
  // biome-ignore-end lint/complexity/noThisInStatic: the check must know which class it runs for
}

/**
 * A bad option, argument, config field, flag or environment variable. The message is one
 * line: `field: problem` and, when given, `; fix`.
 *
 * @example new ToolscopeConfigError('maxToolNames', 'must be a positive integer (got 0)')
 *   .message === 'maxToolNames: must be a positive integer (got 0)'
 */
export class ToolscopeConfigError extends ToolscopeError {
  override readonly name: string = 'ToolscopeConfigError';
  /** The field that is wrong, as the user wrote it (a dotted path such as `checks[0].timeout`). */
  readonly field: string;
  /** What is wrong, without the field. */
  readonly problem: string;
  /** How to fix it, when there is more to say than the problem does. */
  readonly fix: string | undefined;

  constructor(field: string, problem: string, options?: { fix?: string; cause?: unknown }) {
    super(
      ToolscopeConfigError.format(field, problem, options?.fix),
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    Object.defineProperty(this, CONFIG_BRAND, { value: true });
    this.field = field;
    this.problem = problem;
    this.fix = options?.fix;
  }

  /** The one-line message of a field error: `field: problem; fix`. */
  static format(field: string, problem: string, fix?: string): string {
    return `${field}: ${problem}${fix !== undefined && fix !== '' ? `; ${fix}` : ''}`;
  }

  // biome-ignore-start lint/complexity/noThisInStatic: the check must know which class it runs for
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === ToolscopeConfigError) return branded(value, CONFIG_BRAND);
    return isInstance(this, value);
  }
  // biome-ignore-end lint/complexity/noThisInStatic: the check must know which class it runs for
}

/** Builds the error a validator throws for `field`: packages pass their own subclass. */
export type ConfigErrorFactory = (field: string, problem: string) => ToolscopeConfigError;

/** The default factory: a plain `ToolscopeConfigError`. */
export const configError: ConfigErrorFactory = (field, problem) =>
  new ToolscopeConfigError(field, problem);
