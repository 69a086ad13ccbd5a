/**
 * The one bound for strings that come from outside the process — a peer's tool name,
 * JSON-RPC id or protocol version, a probed server's version or error text, an error thrown
 * by a dependency — before they reach a span, a metric, an alert, a terminal or a file.
 *
 * A string longer than its limit is cut (never inside a surrogate pair) and ends with `…`;
 * every cut is counted by site and shows as `toolscope.values.truncated{toolscope.truncation.site}`
 * (see `truncationCounts()`), so a hostile or broken peer is visible, not silently absorbed.
 *
 * Limits (`configureInstrumentation({ maxPeerStringLength, maxPeerTextLength })`):
 * - names, ids, versions (`'name'`): 256 characters by default;
 * - free text such as error messages (`'text'`): 1024 characters by default.
 */

import { LIMITS } from './limits.ts';

/** Where a bounded value was going: a small, fixed set (it becomes a metric attribute). */
export type TruncationSite =
  | 'mcp.tool.name'
  | 'mcp.method.name'
  | 'mcp.request.id'
  | 'mcp.protocol.version'
  | 'mcp.session.id'
  | 'mcp.meta'
  | 'mcp.target'
  | 'probe.server'
  | 'probe.error'
  | 'alert.message'
  | 'error.type'
  | 'error.message'
  | 'framework.name'
  | 'webhook.body'
  | 'report.source';

/** The default limits, in UTF-16 code units (what OTel attribute limits count). */
export const DEFAULT_PEER_STRING_LIMITS = Object.freeze({
  name: LIMITS.peerNameLength,
  text: LIMITS.peerTextLength,
});

const limits: { name: number; text: number } = { ...DEFAULT_PEER_STRING_LIMITS };
const counts = new Map<TruncationSite, number>();
let listener: ((site: TruncationSite) => void) | undefined;

/** Sets the limits (validated by `configureInstrumentation`). */
export function setPeerStringLimits(next: { name?: number; text?: number }): void {
  if (next.name !== undefined) limits.name = next.name;
  if (next.text !== undefined) limits.text = next.text;
}

/** The limits in force. */
export function peerStringLimits(): { readonly name: number; readonly text: number } {
  return { ...limits };
}

/** Called once per cut (the metrics layer counts them on its counter). */
export function onTruncation(fn: ((site: TruncationSite) => void) | undefined): void {
  listener = fn;
}

/** Cuts so far, by site (since start or `resetTruncationCounts`). */
export function truncationCounts(): Readonly<Record<string, number>> {
  return Object.fromEntries(counts);
}

/** Forgets the counts (tests). */
export function resetTruncationCounts(): void {
  counts.clear();
}

/**
 * `value` cut to `max` characters (the marker `…` included), counted at `site` when cut.
 *
 * @example truncate('abcdef', 4, 'mcp.tool.name') === 'abc…'
 */
export function truncate(value: string, max: number, site: TruncationSite): string {
  if (value.length <= max) return value;
  let end = Math.max(0, max - 1);
  // Never leave half of a surrogate pair.
  const code = value.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  counts.set(site, (counts.get(site) ?? 0) + 1);
  try {
    listener?.(site);
  } catch {
    // Counting never breaks the caller.
  }
  return `${value.slice(0, end)}…`;
}

/**
 * A peer-controlled name, id or version, bounded. Anything that is not a string becomes its
 * `String()` first (a numeric JSON-RPC id), never an object dump.
 */
export function boundName(value: unknown, site: TruncationSite): string {
  const text = typeof value === 'string' ? value : safeString(value);
  return truncate(text, limits.name, site);
}

/** Peer-controlled free text (an error message, a server's reason), bounded. */
export function boundText(value: unknown, site: TruncationSite): string {
  const text = typeof value === 'string' ? value : safeString(value);
  return truncate(text, limits.text, site);
}

/** `String(value)` that never throws (a hostile `toString`, a revoked Proxy). */
export function safeString(value: unknown): string {
  try {
    if (typeof value === 'symbol') return value.toString();
    return String(value);
  } catch {
    return '[unprintable]';
  }
}
