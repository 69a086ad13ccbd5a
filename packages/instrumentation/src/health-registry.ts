import { logger } from './diag.ts';
import { describeValue } from './shared/describe.ts';
import { validate } from './shared/validate.ts';
import type { HealthState, ToolHealth } from './types.ts';

/** Every health state, best first (the values of `HealthState`). */
export const HEALTH_STATES = [
  'healthy',
  'degraded',
  'unhealthy',
  'unknown',
  'maintenance',
] as const satisfies readonly HealthState[];
/** Fails to compile when `HealthState` gains a state `HEALTH_STATES` lacks. */
const allStates: Exclude<HealthState, (typeof HEALTH_STATES)[number]> extends never ? true : never =
  true;
void allStates;

const registry = new Map<string, ToolHealth>();
let healthListeners: readonly ((health: ToolHealth) => void)[] = [];

/**
 * Records a tool's current health (written by `@toolscope/health-probe`; read by the report's
 * tool selector). `sinceMs` is kept while the state does not change. Throws a
 * `ToolscopeConfigError` naming the field for a tool that is not a non-empty string, a state
 * that is not one of `HEALTH_STATES` or an `errorType` that is not a string; nothing changes.
 */
export function setToolHealth(
  tool: string,
  state: HealthState,
  details: { latencyMs?: number; errorType?: string; nowMs?: number } = {},
): ToolHealth {
  validate.string('tool', tool);
  validate.oneOf('state', state, HEALTH_STATES);
  if (details.errorType !== undefined && typeof details.errorType !== 'string') {
    throw validate.error('errorType', `must be a string (got ${describeValue(details.errorType)})`);
  }
  const now = details.nowMs ?? Date.now();
  const previous = registry.get(tool);
  const health: ToolHealth = {
    tool,
    state,
    updatedAtMs: now,
    sinceMs: previous !== undefined && previous.state === state ? previous.sinceMs : now,
    ...(details.latencyMs !== undefined ? { latencyMs: details.latencyMs } : {}),
    ...(details.errorType !== undefined ? { errorType: details.errorType } : {}),
  };
  registry.set(tool, health);
  for (const listener of healthListeners) {
    try {
      listener(health);
    } catch (err) {
      logger.warn('health listener threw; ignored', err);
    }
  }
  return health;
}

/** A tool's current health, or undefined when no probe reported on it. */
export function getToolHealth(tool: string): ToolHealth | undefined {
  return registry.get(tool);
}

/** Every tool's current health. */
export function listToolHealth(): ToolHealth[] {
  return [...registry.values()];
}

/** Calls `listener` on every health update. Returns the unsubscribe function. */
export function subscribeToolHealth(listener: (health: ToolHealth) => void): () => void {
  healthListeners = [...healthListeners, listener];
  return () => {
    healthListeners = healthListeners.filter((l) => l !== listener);
  };
}

/** Forgets one tool's health, or every tool's when called without a name. */
export function clearToolHealth(tool?: string): void {
  if (tool === undefined) registry.clear();
  else registry.delete(tool);
}
