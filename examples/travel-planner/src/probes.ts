/**
 * Health probes on the demo servers: one MCP check per tool (`@toolscope/health-probe`), on
 * an interval scaled to the run so the outage is noticed and the recovery confirmed within
 * it. Results go to the core's health registry, where the tool selector reads them.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  HealthMonitor,
  type HealthSummary,
  type HealthMonitor as Monitor,
} from '@toolscope/health-probe';
import type { ServerHandle } from './fleet.ts';
import { seededRandom } from './random.ts';

export interface Probes {
  readonly monitor: Monitor;
  /** Stops the schedule; the summary stays readable. */
  stop(): Promise<void>;
  summary(windowMs: number): HealthSummary;
  /**
   * Waits until no check is unhealthy while its server is up again, at most the time the
   * recovery threshold needs (two rounds and a half). Resolves either way.
   */
  settle(): Promise<void>;
}

/**
 * Probe interval for a run of `runMs`: about 12 rounds per run, 1 s to 2 s. An MCP check is
 * a handshake, a ping and a tools/list (four requests) and the demo shares the machine with
 * its servers, so each run gets the whole interval as its deadline.
 */
export function probeIntervalMs(runMs: number): number {
  return Math.min(2_000, Math.max(1_000, Math.round(runMs / 12)));
}

export async function startProbes(
  servers: readonly ServerHandle[],
  runMs: number,
  seed: number,
): Promise<Probes> {
  const intervalMs = probeIntervalMs(runMs);
  const monitor = new HealthMonitor({
    random: seededRandom(seed + 1),
    checks: servers.flatMap((server) =>
      server.spec.tools.map((tool) => ({
        id: `${server.spec.id}/${tool.name}`,
        name: `${tool.name} on ${server.spec.id}`,
        tool: tool.name,
        type: 'mcp' as const,
        endpoint: server.url,
        protocol: 'legacy' as const,
        expectTools: [tool.name],
        intervalMs,
        timeoutMs: intervalMs,
        failureThreshold: 2,
        recoveryThreshold: 2,
      })),
    ),
  });
  monitor.start();
  return {
    monitor,
    stop: () => monitor.close(),
    summary: (windowMs) => monitor.summary({ windowMs }),
    async settle() {
      const deadline = Date.now() + 2.5 * intervalMs;
      while (Date.now() < deadline && monitor.statuses().some((s) => s.status === 'unhealthy')) {
        await sleep(100);
      }
    },
  };
}
