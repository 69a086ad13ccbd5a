import { isRecord } from '@toolscope/instrumentation/internal';

/**
 * Definitions validated once — by a config loader — with their normalised form, so that the
 * monitor and the webhook take them as they are instead of validating them again. A kept
 * definition is frozen (deeply), so it cannot drift from its normalised form.
 *
 * @example
 * const checks = new Validated<CheckDefinition, NormalizedCheck>();
 * const def = checks.keep(definitionOf(check), check); // what `parseProbeConfig` returns
 * checks.get(def) === check; // what `new HealthMonitor({ checks: [def] })` uses
 */
export class Validated<D extends object, N> {
  private readonly normalized = new WeakMap<object, N>();

  /** Freezes `definition` and remembers `normalized` as its validated form. */
  keep(definition: D, normalized: N): D {
    this.normalized.set(deepFreeze(definition), normalized);
    return definition;
  }

  /** The normalised form of a kept definition; undefined for anything else. */
  get(definition: unknown): N | undefined {
    return isRecord(definition) ? this.normalized.get(definition) : undefined;
  }
}

/** Freezes plain objects and arrays, recursively (a definition holds nothing else). */
function deepFreeze<T>(value: T): T {
  if (
    Array.isArray(value) ||
    (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype)
  ) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
