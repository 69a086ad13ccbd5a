/**
 * Probes that scale out: `toolscope probe --shard i/n` runs only the checks whose id hashes to
 * shard i of n, so n instances with the same config split the checks between them, each
 * check run by exactly one. The hash is FNV-1a (32 bits) of the id's UTF-8 bytes, modulo n:
 * stable across processes, hosts and releases, and independent of the order of the checks in
 * the file. Changing n moves checks between shards (about (n−1)/n of them).
 *
 * Each instance also reports that it is alive, per shard: `toolscope.probe.last_check` (Unix
 * time of its latest completed run), `toolscope.probe.check_interval` (its longest check
 * interval) and `toolscope.probe.shards` (n), all with `toolscope.probe.shard="i/n"`. The
 * `ProbeShardAbsent` rule (collector-config/gateway/probe-rules.yml) fires when a shard's
 * last check is older than three of its intervals, or when fewer shards report than there are.
 */
import type { Meter, ObservableResult } from '@opentelemetry/api';
import { ToolscopeConfigError } from '@toolscope/instrumentation';
import {
  ATTR_TOOLSCOPE_PROBE_SHARD,
  createObservableGauge,
  PROBE_CHECK_INTERVAL,
  PROBE_LAST_CHECK,
  PROBE_SHARDS,
} from '@toolscope/instrumentation/internal';
import { DEFAULT_INTERVAL_MS } from './config.ts';
import type { CheckDefinition } from './types.ts';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The whole set of checks: what an instance without `--shard` runs. */
export const ALL_CHECKS: Shard = Object.freeze({ index: 1, count: 1 });

/** Most shards `--shard` accepts. */
const MAX_SHARDS = 1000;

/**
 * Parses `i/n` (1 ≤ i ≤ n ≤ 1000). Throws a `ToolscopeConfigError` of `--shard` whose message
 * says what to write.
 *
 * @example parseShard('2/3') // { index: 2, count: 3 }
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !(count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count)) {
    throw new ToolscopeConfigError(
      '--shard',
      `must be i/n with 1 <= i <= n <= ${MAX_SHARDS} (got ${JSON.stringify(text)})`,
      { fix: 'for example --shard 2/3' },
    );
  }
  return { index, count };
}

/** `i/n`, as the `toolscope.probe.shard` attribute and the `--shard` flag write it. */
export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** FNV-1a, 32 bits, of the UTF-8 bytes of `text`. */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The shard (1-based) check `id` belongs to when the checks are split `count` ways. */
export function shardOf(id: string, count: number): number {
  return (fnv1a32(id) % count) + 1;
}

/** The checks of `shard`, in their order. */
export function checksOfShard<T extends Pick<CheckDefinition, 'id'>>(
  checks: readonly T[],
  shard: Shard,
): T[] {
  return checks.filter((c) => shardOf(c.id, shard.count) === shard.index);
}

/**
 * Reports that this instance is alive, on `meter`: the three shard gauges. `lastCheckMs`
 * answers the time of the latest completed run (undefined before the first one, when the
 * instance's start time is reported). Returns the function that stops reporting.
 */
export function reportShard(
  meter: Meter,
  shard: Shard,
  checks: ReadonlyArray<Pick<CheckDefinition, 'intervalMs'>>,
  lastCheckMs: () => number | undefined,
): () => void {
  const attributes = { [ATTR_TOOLSCOPE_PROBE_SHARD]: shardLabel(shard) };
  const startedMs = Date.now();
  const longestMs = Math.max(0, ...checks.map((c) => c.intervalMs ?? DEFAULT_INTERVAL_MS));
  const lastCheck = createObservableGauge(meter, PROBE_LAST_CHECK);
  const interval = createObservableGauge(meter, PROBE_CHECK_INTERVAL);
  const shards = createObservableGauge(meter, PROBE_SHARDS);
  // An instance that owns no check has nothing to fall behind on: it reports the time of
  // reading, so only a stopped instance goes stale.
  const last = (r: ObservableResult) =>
    r.observe((checks.length === 0 ? Date.now() : (lastCheckMs() ?? startedMs)) / 1000, attributes);
  const every = (r: ObservableResult) => r.observe(longestMs / 1000, attributes);
  const count = (r: ObservableResult) => r.observe(shard.count, attributes);
  lastCheck.addCallback(last);
  interval.addCallback(every);
  shards.addCallback(count);
  return () => {
    lastCheck.removeCallback(last);
    interval.removeCallback(every);
    shards.removeCallback(count);
  };
}
