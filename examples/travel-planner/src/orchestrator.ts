/**
 * The instrumented travel-planner orchestrator: MCP clients for the demo servers, every call
 * a `withTool` invocation (retries inside the span, fallbacks marked), workflows as
 * `withWorkflow` runs, restaurant search chosen by a ranking of candidates.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SpanKind } from '@opentelemetry/api';
import { type ToolInvocation, withTool, withWorkflow } from '@toolscope/instrumentation';
import type { Ledger } from './ledger.ts';
import { META_DELAY, META_ERROR_TYPE, REJECT_DELAY_MS, TOOLS, type ToolName } from './scenario.ts';

/** Deadline of one MCP request, ms (above the servers' latency cap). */
export const CALL_TIMEOUT_MS = 5_000;
/** Retries of a retryable failure, and the backoff before retry n (n = 0, 1): 40, 80 ms. */
export const MAX_RETRIES = 2;
export const backoffMs = (retry: number) => 40 * 2 ** retry;

/**
 * Failures worth retrying at once: transport-level rejections (the next attempt may well
 * succeed). A tool result with `isError` is an answer, not a glitch: it is not retried.
 */
const RETRYABLE = new Set(['http_429', 'http_503']);

/** A candidate ranked for a task, best first. */
export interface RankedTool {
  readonly tool: string;
  /** 0..1 */
  readonly confidence: number;
}

/** Ranks candidate tools for a task (the core's `ToolSelector` in the demo). */
export type ToolChooser = (task: string, candidates: readonly string[]) => readonly RankedTool[];

/** Thrown for transport-level failures; `code` becomes the span's `error.type`. */
export class ToolCallError extends Error {
  override readonly name = 'ToolCallError';
  readonly code: string;
  constructor(tool: string, code: string) {
    super(`${tool}: ${code}`);
    this.code = code;
  }
}

/** What one tool call produced, for the workflow logic. */
export type CallOutcome = { ok: true; data: unknown } | { ok: false; errorType: string };

interface Attempt {
  readonly ok: boolean;
  readonly errorType?: string;
  /** The MCP result said `isError` (a tool-level failure, not a transport one). */
  readonly toolError?: boolean;
  readonly refused?: boolean;
  readonly delayMs: number;
  readonly data?: unknown;
  readonly bytes?: number;
}

function transportErrorType(err: unknown): { errorType: string; refused: boolean } {
  const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  const causeCode = typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  if (causeCode !== undefined) return { errorType: causeCode, refused: true };
  if (e?.code === -32001) return { errorType: 'timeout', refused: false };
  if (typeof e?.code === 'number') return { errorType: `http_${e.code}`, refused: false };
  if (String(e?.message ?? '').includes('fetch failed')) {
    return { errorType: 'ECONNREFUSED', refused: true };
  }
  return { errorType: err instanceof Error ? err.name : '_OTHER', refused: false };
}

export interface OrchestratorOptions {
  /** MCP client per tool name. */
  readonly clients: ReadonlyMap<string, Client>;
  readonly ledger: Ledger;
  readonly choose: ToolChooser;
}

export class Orchestrator {
  private readonly clients: ReadonlyMap<string, Client>;
  private readonly ledger: Ledger;
  private readonly choose: ToolChooser;

  constructor(options: OrchestratorOptions) {
    this.clients = options.clients;
    this.ledger = options.ledger;
    this.choose = options.choose;
  }

  private async attempt(name: string, args: Record<string, unknown>): Promise<Attempt> {
    const client = this.clients.get(name);
    if (client === undefined) throw new Error(`no MCP client for tool ${name}`);
    try {
      const result = await client.callTool({ name, arguments: args }, undefined, {
        timeout: CALL_TIMEOUT_MS,
      });
      const meta = (result._meta ?? {}) as Record<string, unknown>;
      const delayMs = typeof meta[META_DELAY] === 'number' ? meta[META_DELAY] : 0;
      const content = Array.isArray(result.content) ? result.content : [];
      const text = content
        .map((c: { type?: string; text?: string }) => (c.type === 'text' ? (c.text ?? '') : ''))
        .join('');
      if (result.isError === true) {
        const errorType =
          typeof meta[META_ERROR_TYPE] === 'string' ? meta[META_ERROR_TYPE] : 'tool_error';
        return { ok: false, errorType, toolError: true, delayMs };
      }
      return {
        ok: true,
        delayMs,
        data: JSON.parse(text || 'null'),
        bytes: Buffer.byteLength(text),
      };
    } catch (err) {
      const { errorType, refused } = transportErrorType(err);
      return {
        ok: false,
        errorType,
        refused,
        delayMs: errorType === 'http_429' || errorType === 'http_503' ? REJECT_DELAY_MS : 0,
      };
    }
  }

  /**
   * One tool call: an `execute_tool` span (CLIENT) with retries inside it. A tool-level
   * failure (`isError`) fails the span without throwing; a transport failure throws a
   * `ToolCallError` whose code is the `error.type`. Either way the caller gets an outcome.
   */
  async call(
    name: ToolName,
    args: Record<string, unknown>,
    options: { fallbackFor?: string; confidence?: number } = {},
  ): Promise<CallOutcome> {
    const behaviour = TOOLS[name];
    let attempts = 0;
    let refused = 0;
    let injectedMs = 0;
    let last: Attempt | undefined;
    const body = JSON.stringify(args);
    const run = async (inv: ToolInvocation): Promise<CallOutcome> => {
      inv.setInputSize(Buffer.byteLength(body));
      for (let retry = 0; ; retry++) {
        attempts++;
        last = await this.attempt(name, args);
        injectedMs += last.delayMs;
        if (last.refused) refused++;
        if (last.ok) {
          if (last.bytes !== undefined) inv.setOutputSize(last.bytes);
          return { ok: true, data: last.data };
        }
        const errorType = last.errorType ?? '_OTHER';
        if (RETRYABLE.has(errorType) && retry < MAX_RETRIES) {
          inv.recordRetry(errorType);
          injectedMs += backoffMs(retry);
          await sleep(backoffMs(retry));
          continue;
        }
        if (last.toolError) {
          inv.fail(errorType, `${name} returned an error result`);
          return { ok: false, errorType };
        }
        throw new ToolCallError(name, errorType);
      }
    };
    let outcome: CallOutcome;
    try {
      outcome = await withTool(
        {
          name,
          type: 'extension',
          kind: SpanKind.CLIENT,
          description: behaviour.description,
          expectedPerformanceMs: behaviour.expectedPerformanceMs,
          confidence: options.confidence,
          fallbackFor: options.fallbackFor,
        },
        run,
      );
    } catch (err) {
      outcome = { ok: false, errorType: err instanceof ToolCallError ? err.code : '_OTHER' };
    }
    this.ledger.recordCall({
      tool: name,
      ok: outcome.ok,
      errorType: outcome.ok ? undefined : outcome.errorType,
      attempts,
      refusedAttempts: refused,
      fallbackFor: options.fallbackFor,
      injectedMs,
    });
    return outcome;
  }

  /** Restaurant search: the best-ranked candidate, then the next one as a fallback. */
  private async searchRestaurants(city: string, cuisine: string): Promise<CallOutcome> {
    const ranked = this.choose('restaurant_search', [
      'restaurant_search',
      'restaurant_search_backup',
    ]);
    const [first, second] = ranked;
    if (first === undefined) return { ok: false, errorType: 'no_candidate' };
    const primary = await this.call(
      first.tool as ToolName,
      { city, cuisine },
      {
        confidence: first.confidence,
      },
    );
    if (primary.ok || second === undefined) return primary;
    return this.call(
      second.tool as ToolName,
      { city, cuisine },
      {
        fallbackFor: first.tool,
        confidence: second.confidence,
      },
    );
  }

  private async recommend(mbti: string, search: unknown): Promise<CallOutcome> {
    const results = (search as { results?: { id: string }[] })?.results ?? [];
    return this.call('restaurant_reasoning', { mbti, restaurantIds: results.map((r) => r.id) });
  }

  /** geocode → restaurant search (ranked, with fallback) → restaurant reasoning. */
  searchAndRecommend(request: { city: string; cuisine: string; mbti: string }) {
    return this.workflow('search_and_recommend', 3, async (step) => {
      const place = await this.call('geocode', { city: request.city });
      if (!place.ok) throw new ToolCallError('geocode', place.errorType);
      step();
      const found = await this.searchRestaurants(request.city, request.cuisine);
      if (!found.ok) throw new ToolCallError('restaurant search', found.errorType);
      step();
      const ranked = await this.recommend(request.mbti, found.data);
      if (ranked.ok) step();
    });
  }

  /** geocode → weather (optional) → hotels → restaurants → reasoning. */
  planTrip(request: { city: string; cuisine: string; mbti: string; nights: number }) {
    return this.workflow('plan_trip', 5, async (step) => {
      const place = await this.call('geocode', { city: request.city });
      if (!place.ok) throw new ToolCallError('geocode', place.errorType);
      step();
      if ((await this.call('weather', { city: request.city })).ok) step();
      if ((await this.call('hotel_search', { city: request.city, nights: request.nights })).ok) {
        step();
      }
      const found = await this.searchRestaurants(request.city, request.cuisine);
      if (!found.ok) return;
      step();
      if ((await this.recommend(request.mbti, found.data)).ok) step();
    });
  }

  private async workflow(
    name: string,
    totalSteps: number,
    body: (step: () => void) => Promise<void>,
  ): Promise<void> {
    let completed = 0;
    try {
      await withWorkflow({ name, totalSteps }, (run) =>
        body(() => {
          completed++;
          run.completeStep();
        }),
      );
    } catch {
      this.ledger.recordWorkflow(name, 'failed');
      return;
    }
    this.ledger.recordWorkflow(name, completed === totalSteps ? 'completed' : 'partial');
  }
}
