/**
 * Registration with the AI SDK: one toolscope integration per process, first in the SDK's
 * global integration list (`globalThis.AI_SDK_TELEMETRY_INTEGRATIONS`, which `registerTelemetry`
 * from `ai` appends to and every installed copy of `ai` reads at each call).
 *
 * - First: the SDK composes `executeTool` / `executeLanguageModelCall` wrappers so that the
 *   first integration is the innermost one; only there does toolscope run inside
 *   `@ai-sdk/otel`'s spans and adopt them. `registerTelemetry` only appends, so a user's
 *   `registerTelemetry(new OpenTelemetry())` before or after keeps toolscope first.
 * - Once: the integration and its holders live under a `Symbol.for` key on `globalThis`, so
 *   enabling twice, two `AiSdkInstrumentation`s, or two copies of this package add one entry.
 * - Works before `ai` is loaded: the list is created if absent (the SDK reads it lazily).
 */
import type { Telemetry } from 'ai';
import { type TelemetrySettings, ToolscopeTelemetry } from './telemetry.ts';
import { ToolSpecs } from './tool-specs.ts';

const SLOT = Symbol.for('toolscope.instrumentation-ai-sdk.integration');

/** What one holder asks for. */
export interface HolderSettings {
  readonly captureContent: boolean | undefined;
  readonly agentRuns: boolean;
}

interface Slot {
  readonly integration: Telemetry;
  /** Applies a holder's settings (the last applied wins). */
  readonly configure: (settings: HolderSettings) => void;
  readonly holders: Set<object>;
}

function slot(): Slot {
  const g = globalThis as { [SLOT]?: Slot };
  let s = g[SLOT];
  if (s === undefined) {
    const specs = new ToolSpecs();
    const settings: TelemetrySettings = { specs, agentRuns: true };
    s = {
      integration: new ToolscopeTelemetry(settings),
      configure(next) {
        specs.setCaptureContent(next.captureContent);
        settings.agentRuns = next.agentRuns;
      },
      holders: new Set(),
    };
    Object.defineProperty(g, SLOT, { value: s, configurable: true, enumerable: false });
  }
  return s;
}

function integrationList(): unknown[] {
  const g = globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown };
  if (!Array.isArray(g.AI_SDK_TELEMETRY_INTEGRATIONS)) g.AI_SDK_TELEMETRY_INTEGRATIONS = [];
  return g.AI_SDK_TELEMETRY_INTEGRATIONS as unknown[];
}

/** Registers `holder`'s interest: the integration is (moved) first in the list, once. */
export function register(holder: object, settings: HolderSettings): void {
  const s = slot();
  s.holders.add(holder);
  s.configure(settings);
  const list = integrationList();
  const at = list.indexOf(s.integration);
  if (at === 0) return;
  if (at > 0) list.splice(at, 1);
  list.unshift(s.integration);
}

/** Applies `holder`'s settings when it is registered. */
export function reconfigure(holder: object, settings: HolderSettings): void {
  const s = slot();
  if (s.holders.has(holder)) s.configure(settings);
}

/** Withdraws `holder`'s interest; the last one out removes the integration from the list. */
export function unregister(holder: object): void {
  const s = slot();
  if (!s.holders.delete(holder) || s.holders.size > 0) return;
  const list = integrationList();
  for (let at = list.indexOf(s.integration); at >= 0; at = list.indexOf(s.integration)) {
    list.splice(at, 1);
  }
}

/**
 * The process's toolscope integration, for AI SDK calls that pass their own
 * `telemetry.integrations` (which replace the global list for that call): put it first,
 * `telemetry: { integrations: [toolscopeTelemetry(), new OpenTelemetry()] }`.
 */
export function toolscopeTelemetry(): Telemetry {
  return slot().integration;
}
