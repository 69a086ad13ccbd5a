/**
 * Making toolscope's span the active OpenTelemetry context while the Agents SDK runs a tool.
 *
 * A trace processor only observes: it cannot wrap the tool's `execute` in `context.with`. The
 * SDK does let its tracing context storage be replaced (`setTracingContextStorage`), and it
 * enters a storage scope (`run(store, cb)`) around every span it starts. toolscope's storage
 * delegates to the SDK's and runs each scope inside `context.with(scope)`, where `scope` is a
 * `ScopeContext`: an OpenTelemetry `Context` that answers with the context of the SDK span
 * current in that scope (the `execute_tool` span and toolscope's invocation for a tool, the
 * `invoke_agent` span for an agent), falling back to the context the scope was entered in.
 *
 * So, during a tool's `execute`, `context.active()` holds toolscope's `execute_tool` span and
 * invocation: spans the tool makes nest under it, a user's `traceTool` and the MCP
 * instrumentation's `tools/call` join it (the core's adoption rule), and nothing changes for
 * code outside the SDK's scopes. Parallel tool calls each have their own scope.
 */
import { type Context, context } from '@opentelemetry/api';
import { spanOfStore } from './agents-sdk.ts';
import type { AgentsContextStorage, AgentsSpan } from './internal-types.ts';

/** What the storage asks of the span tracker. */
export interface ScopeHooks {
  /** Whether toolscope is on (off: the storage only delegates). */
  live(): boolean;
  /** The OpenTelemetry context of an SDK span's work, once toolscope mapped it. */
  contextOf(span: AgentsSpan): Context | undefined;
  /** The SDK made `span` current and is about to start it (synchronously, before `start()`). */
  entering(span: AgentsSpan): void;
}

/**
 * The OpenTelemetry context of one SDK scope, resolved on every read: the context of the SDK
 * span current in `store` when toolscope has one for it, else `base` (the context the scope
 * was entered in).
 */
export class ScopeContext implements Context {
  readonly #base: Context;
  readonly #store: object;
  readonly #hooks: ScopeHooks;

  constructor(base: Context, store: object, hooks: ScopeHooks) {
    this.#base = base;
    this.#store = store;
    this.#hooks = hooks;
  }

  /** The plain context this scope stands for now. */
  resolved(): Context {
    const span = spanOfStore(this.#store);
    const own = span === undefined ? undefined : this.#hooks.contextOf(span);
    if (own !== undefined) return own;
    const base = this.#base;
    return base instanceof ScopeContext ? base.resolved() : base;
  }

  getValue(key: symbol): unknown {
    return this.resolved().getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.resolved().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.resolved().deleteValue(key);
  }
}

/** Marks toolscope's storage and keeps the storage it wraps. */
const WRAPPED = Symbol.for('toolscope.openai-agents.storage');

/** The storage `storage` wraps, when it is toolscope's. */
export function wrappedBy(storage: AgentsContextStorage): AgentsContextStorage | undefined {
  return (storage as unknown as Record<symbol, AgentsContextStorage | undefined>)[WRAPPED];
}

/** toolscope's storage around `inner` (the SDK's `AsyncLocalStorage`, or whatever was set). */
export function createScopeStorage(
  inner: AgentsContextStorage,
  hooks: ScopeHooks,
): AgentsContextStorage {
  const storage: AgentsContextStorage = {
    run<R>(store: unknown, callback: () => R): R {
      if (store === null || typeof store !== 'object' || !hooks.live()) {
        return inner.run(store, callback);
      }
      const scope = new ScopeContext(context.active(), store, hooks);
      return context.with(scope, inner.run, inner, store, callback) as R;
    },
    getStore(): unknown {
      return inner.getStore();
    },
    enterWith(store: unknown): void {
      inner.enterWith(store);
      const span = spanOfStore(store);
      // `setCurrentSpan(span)` right before `span.start()`: the only moment toolscope can
      // open its span before the tool runs, whatever the processors' order.
      if (span !== undefined && span.startedAt === null && hooks.live()) {
        try {
          hooks.entering(span);
        } catch {
          // Never break the SDK.
        }
      }
    },
  };
  Object.defineProperty(storage, WRAPPED, { value: inner });
  return storage;
}
