/**
 * The Agents SDK's process-wide objects, found without importing the SDK: its trace provider and
 * its tracing context storage live on `globalThis` under `Symbol.for` keys, so that every copy
 * of `@openai/agents-core` (ESM and CommonJS, or two versions) shares them. Looking them up
 * never loads the SDK, so enabling toolscope in a process that never uses it costs nothing and
 * installs none of the SDK's process listeners.
 */
import type {
  AgentsContextStorage,
  AgentsScopeStore,
  AgentsSpan,
  AgentsTraceProvider,
} from './internal-types.ts';

/** Where the SDK keeps its trace provider (`getGlobalTraceProvider`). */
export const PROVIDER_KEY = Symbol.for('openai.agents.core.traceProvider');
/** Where the SDK keeps its tracing context storage (`setTracingContextStorage`). */
export const STORAGE_KEY = Symbol.for('openai.agents.core.asyncLocalStorage');
/** The id the SDK gives the spans and traces of a disabled tracer. */
export const NOOP_ID = 'no-op';

const globals = globalThis as unknown as Record<symbol, unknown>;

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

/** Whether `value` looks like the SDK's `TraceProvider`. */
export function isTraceProvider(value: unknown): value is AgentsTraceProvider {
  return (
    isObject(value) &&
    typeof value.registerProcessor === 'function' &&
    typeof value.setProcessors === 'function'
  );
}

/** Whether `value` looks like a tracing context storage. */
export function isContextStorage(value: unknown): value is AgentsContextStorage {
  return (
    isObject(value) &&
    typeof value.run === 'function' &&
    typeof value.getStore === 'function' &&
    typeof value.enterWith === 'function'
  );
}

/** What is at `key` on `globalThis`, when it passes `guard` (never throws). */
function globalOf<T>(key: symbol, guard: (value: unknown) => value is T): T | undefined {
  try {
    const value = globals[key];
    return guard(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The SDK's trace provider, once some copy of the SDK has created it. */
export const existingProvider = (): AgentsTraceProvider | undefined =>
  globalOf(PROVIDER_KEY, isTraceProvider);

/** The storage installed now (the SDK's own, toolscope's, or another library's). */
export const installedStorage = (): AgentsContextStorage | undefined =>
  globalOf(STORAGE_KEY, isContextStorage);

/**
 * Installs `storage` as the SDK's tracing context storage: what `setTracingContextStorage`
 * does, possible before the SDK is loaded (it reads the key on every use).
 */
export function installStorage(storage: AgentsContextStorage): void {
  Object.defineProperty(globals, STORAGE_KEY, {
    value: storage,
    writable: true,
    configurable: true,
  });
}

/** The current span of a scope store, when the store has the expected shape. */
export function spanOfStore(store: unknown): AgentsSpan | undefined {
  if (!isObject(store)) return undefined;
  const span = (store as AgentsScopeStore).span;
  return isObject(span) && typeof span.spanId === 'string' ? span : undefined;
}

/** The SDK's current span in this async context (what `getCurrentSpan()` returns). */
export function currentSpan(): AgentsSpan | undefined {
  try {
    return spanOfStore(installedStorage()?.getStore());
  } catch {
    return undefined;
  }
}

/** Whether a span is one a disabled tracer made (no processor ever sees it). */
export function isNoop(span: AgentsSpan): boolean {
  return span.spanId === NOOP_ID || span.traceId === NOOP_ID;
}

/**
 * Calls `onProvider` once with the SDK's trace provider when some copy of the SDK creates it
 * later: a setter on the provider's `globalThis` key (the SDK assigns the provider there).
 * Returns the function that removes the trap while it has not fired. A no-op when the key is
 * already taken.
 */
export function whenProviderCreated(
  onProvider: (provider: AgentsTraceProvider) => void,
): () => void {
  const existing = Object.getOwnPropertyDescriptor(globals, PROVIDER_KEY);
  if (existing !== undefined && (!existing.configurable || existing.value !== undefined)) {
    return () => {};
  }
  const trap: PropertyDescriptor = {
    configurable: true,
    enumerable: false,
    get: () => undefined,
    set(value: unknown) {
      Object.defineProperty(globals, PROVIDER_KEY, {
        value,
        writable: true,
        configurable: true,
        enumerable: false,
      });
      if (isTraceProvider(value)) {
        try {
          onProvider(value);
        } catch {
          // Never break the SDK's own start-up.
        }
      }
    },
  };
  try {
    Object.defineProperty(globals, PROVIDER_KEY, trap);
  } catch {
    return () => {};
  }
  return () => {
    const now = Object.getOwnPropertyDescriptor(globals, PROVIDER_KEY);
    if (now?.set === trap.set) delete globals[PROVIDER_KEY];
  };
}
