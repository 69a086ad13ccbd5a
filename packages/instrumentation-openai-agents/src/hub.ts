/**
 * The process-wide state of the integration, one per process whatever the number of instances
 * or copies of this package (ESM and CommonJS, two versions): a hub behind a `Symbol.for` key.
 * Every `OpenAIAgentsInstrumentation` that is enabled holds it; while one does, the hub:
 *
 * - keeps toolscope's processor registered with the SDK's trace provider, added after the
 *   processors already there (the user's and the SDK's own exporters stay, untouched), now if
 *   the SDK is loaded, else as soon as some copy of it creates its provider; and again after
 *   any `setTraceProcessors([...])` (the SDK's own `@openai/agents` entry point calls it at
 *   load, and users call it to drop the OpenAI exporter), which replaces the list;
 * - installs the context storage that makes toolscope's spans active during tools;
 * - wraps each loaded `Runner` so tool starts report their call ids.
 *
 * When the last instance is disabled, the storage is restored and the processor goes quiet:
 * the SDK has no call to remove one processor, so it stays in the list, inert, until the list
 * is next replaced. Spans already open still end.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { coreLogger } from '@toolscope/instrumentation/internal';
import {
  currentSpan,
  existingProvider,
  installedStorage,
  installStorage,
  isNoop,
  whenProviderCreated,
} from './agents-sdk.ts';
import {
  isToolSpan,
  patchRunner,
  runnerOfLoadedSdk,
  runnerOfLoadedSdkSync,
  type ToolEvent,
} from './call-ids.ts';
import { createScopeStorage, wrappedBy } from './context-storage.ts';
import type { AgentsContextStorage, AgentsTraceProvider, Settings } from './internal-types.ts';
import { ToolscopeTracingProcessor } from './processor.ts';
import { SpanTracker } from './tracker.ts';

const HUB_KEY = Symbol.for('toolscope.instrumentation-openai-agents.hub.v1');
/** Marks a provider whose `setProcessors` keeps toolscope registered. */
const GUARDED = Symbol.for('toolscope.openai-agents.guarded');

const NO_SETTINGS: Settings = { captureContent: undefined };

export class Hub {
  private readonly holders = new Map<object, Settings>();
  private settings: Settings = NO_SETTINGS;
  private readonly tracker: SpanTracker;
  readonly processor: ToolscopeTracingProcessor;
  private storage: AgentsContextStorage | undefined;
  /** Providers toolscope's processor is in the list of. */
  private readonly registered = new WeakSet<object>();
  private untrap: (() => void) | undefined;
  private runnersPatched = 0;
  private disabledWarned = false;

  constructor() {
    this.tracker = new SpanTracker({
      settings: () => this.settings,
      toolEventsLive: () => this.runnersPatched > 0,
      storageLive: () => this.storage !== undefined && installedStorage() === this.storage,
    });
    this.processor = new ToolscopeTracingProcessor({
      spanStarted: (span) => {
        if (this.live && !isNoop(span)) this.tracker.started(span);
      },
      spanEnded: (span) => this.tracker.ended(span, this.live),
    });
  }

  /** Whether an instance holds the hub (toolscope records). */
  get live(): boolean {
    return this.holders.size > 0;
  }

  /** An instance is enabled (or reconfigured): its settings apply from now on. */
  acquire(holder: object, settings: Settings): void {
    this.holders.delete(holder);
    this.holders.set(holder, settings);
    this.settings = settings;
    this.installStorage();
    const provider = existingProvider();
    if (provider !== undefined) this.attach(provider);
    else this.untrap ??= whenProviderCreated((created) => this.attach(created));
  }

  /** An instance is disabled; the hub goes quiet when none is left. */
  release(holder: object): void {
    if (!this.holders.delete(holder)) return;
    const last = [...this.holders.values()].at(-1);
    if (last !== undefined) {
      this.settings = last;
      return;
    }
    this.settings = NO_SETTINGS;
    this.untrap?.();
    this.untrap = undefined;
    const storage = this.storage;
    if (storage !== undefined && installedStorage() === storage) {
      const inner = wrappedBy(storage);
      if (inner !== undefined) installStorage(inner);
    }
    this.storage = undefined;
  }

  /** A copy of the SDK was loaded (module hook): its `Runner`, and the provider. */
  sdkLoaded(sdk: unknown): void {
    this.patch((sdk as { Runner?: unknown } | null)?.Runner);
    const provider = existingProvider();
    if (this.live && provider !== undefined) this.attach(provider);
  }

  private patch(runner: unknown): void {
    if (patchRunner(runner, hub)) this.runnersPatched++;
  }

  private installStorage(): void {
    const current = installedStorage();
    if (current !== undefined && current === this.storage) return;
    // Another toolscope copy's storage (or ours from before) stays; anything else is wrapped.
    if (current !== undefined && wrappedBy(current) !== undefined) {
      this.storage = current;
      return;
    }
    const inner = current ?? new AsyncLocalStorage<unknown>();
    this.storage = createScopeStorage(inner, {
      live: () => this.live,
      contextOf: (span) => this.tracker.contextOf(span),
      entering: (span) => {
        if (isToolSpan(span) && !isNoop(span)) this.tracker.started(span);
      },
    });
    installStorage(this.storage);
  }

  private attach(provider: AgentsTraceProvider): void {
    if (!this.live) return;
    this.guard(provider);
    if (!this.registered.has(provider)) {
      provider.registerProcessor(this.processor);
      this.registered.add(provider);
    }
    this.warnIfTracingDisabled(provider);
    this.patchLoadedRunner();
  }

  /**
   * Patches the loaded SDK's `Runner` now when Node can hand it over synchronously (so the first
   * run already reports call ids), else as soon as it can (a provider just created by a module
   * still being evaluated, or no `require(esm)`).
   */
  private patchLoadedRunner(): void {
    try {
      this.patch(runnerOfLoadedSdkSync());
    } catch {
      queueMicrotask(() => {
        void runnerOfLoadedSdk().then((runner) => this.patch(runner));
      });
    }
  }

  /** Keeps toolscope registered across `setTraceProcessors(...)` while the hub is live. */
  private guard(provider: AgentsTraceProvider): void {
    const target = provider as unknown as Record<PropertyKey, unknown>;
    if (target[GUARDED] === true) return;
    const original = provider.setProcessors;
    const hubOf = hub;
    Object.defineProperty(target, 'setProcessors', {
      configurable: true,
      writable: true,
      enumerable: false,
      value(
        this: AgentsTraceProvider,
        processors: Parameters<AgentsTraceProvider['setProcessors']>[0],
      ) {
        const out = original.call(this, processors);
        try {
          hubOf()?.processorsReplaced(this, processors);
        } catch {
          // Never break the SDK.
        }
        return out;
      },
    });
    Object.defineProperty(target, GUARDED, { value: true });
  }

  /** The provider's processor list was replaced: stay in it while live. */
  processorsReplaced(provider: AgentsTraceProvider, processors: unknown): void {
    if (Array.isArray(processors) && processors.includes(this.processor)) return;
    this.registered.delete(provider);
    if (this.live) {
      provider.registerProcessor(this.processor);
      this.registered.add(provider);
    }
  }

  private warnIfTracingDisabled(provider: AgentsTraceProvider): void {
    if (this.disabledWarned) return;
    try {
      if (provider.createTrace({ name: 'toolscope probe' }).traceId !== 'no-op') return;
    } catch {
      return;
    }
    this.disabledWarned = true;
    coreLogger.warn(
      'openai-agents: the Agents SDK has tracing disabled (NODE_ENV=test or ' +
        'OPENAI_AGENTS_DISABLE_TRACING), so toolscope sees no Agents runs; call ' +
        'setTracingDisabled(false) (and setTraceProcessors([]) to keep the OpenAI exporter off)',
    );
  }

  /** A `Runner` reported a tool start or end: it belongs to the function span current there. */
  onToolEvent(event: ToolEvent): void {
    if (!this.live) return;
    const span = currentSpan();
    if (isToolSpan(span) && !isNoop(span)) this.tracker.toolEvent(span, event);
  }
}

/** The process-wide hub, created by the first copy of this package that asks. */
export function hub(): Hub {
  const globals = globalThis as unknown as Record<symbol, Hub | undefined>;
  let existing = globals[HUB_KEY];
  if (existing === undefined) {
    existing = new Hub();
    Object.defineProperty(globals, HUB_KEY, { value: existing, configurable: true });
  }
  return existing;
}
