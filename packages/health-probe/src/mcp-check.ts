import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  describeBytes,
  LIMITS,
  readProperty,
  TOOLSCOPE_VERSION,
} from '@toolscope/instrumentation/internal';
import { type Dispatcher, fetch as undiciFetch } from 'undici';
import { classifyError, DeadlineExceeded, ErrorClass, ProbeFailure } from './classify.ts';
import { raceSignal, type VerdictClock } from './deadline.ts';
import { logger } from './diag.ts';
import type { NormalizedMcpCheck } from './internal-types.ts';
import { GroupStdioTransport } from './stdio-transport.ts';

/** The protocol revision that replaced `initialize`/`ping` with `server/discover`. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
/** JSON-RPC error codes only a modern (2026-07-28+) server sends. */
const MODERN_ERROR_CODES = new Set([-32020, -32021, -32022]);
const UNSUPPORTED_PROTOCOL_VERSION = -32022;
const CLIENT_INFO = { name: 'toolscope-health-probe', version: TOOLSCOPE_VERSION };
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
  'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
  'io.modelcontextprotocol/clientCapabilities': {},
};
/** No GET-stream reconnection timers may outlive a run. */
const NO_RECONNECT = {
  initialReconnectionDelay: 1000,
  maxReconnectionDelay: 1000,
  reconnectionDelayGrowFactor: 1,
  maxRetries: 0,
};
const MAX_TOOL_PAGES = 20;

/** The era the server was found to speak, remembered per check (`auto` mode). */
export interface EraMemory {
  era: 'legacy' | 'modern' | undefined;
}

/** What a passing MCP run reports. */
export interface McpOutcome {
  readonly protocolVersion: string | undefined;
  readonly era: 'legacy' | 'modern';
}

interface ProbeContext {
  readonly check: NormalizedMcpCheck;
  readonly signal: AbortSignal;
  readonly remaining: () => number;
  readonly clock: VerdictClock;
  readonly memory: EraMemory;
  readonly dispatcher: Dispatcher;
  /** Set when an answer exceeded `LIMITS.mcpMessageBytes`: why the run failed. */
  tooLarge?: ProbeFailure;
}

/**
 * One MCP probe with the official SDK client: for legacy servers the `initialize` handshake
 * and `ping`; for 2026-07-28 servers `server/discover`; optionally `tools/list` against
 * `expectTools`. The session is closed after every run (HTTP: DELETE; stdio: the server's whole
 * process group is ended and reaped before this returns, see `stdio-transport.ts`). Throws
 * `ProbeFailure` on failure.
 */
export async function probeMcp(
  check: NormalizedMcpCheck,
  options: {
    signal: AbortSignal;
    remaining: () => number;
    clock: VerdictClock;
    memory: EraMemory;
    dispatcher: Dispatcher;
  },
): Promise<McpOutcome> {
  const ctx: ProbeContext = { check, ...options };
  try {
    const outcome =
      check.transport === 'http' ? await probeOverHttp(ctx) : await probeOverStdio(ctx);
    if (check.protocol === 'auto') ctx.memory.era = outcome.era;
    return outcome;
  } catch (err) {
    ctx.clock.mark();
    // Re-detect the era next time: the cached assumption may be what failed.
    ctx.memory.era = undefined;
    throw ctx.tooLarge ?? toProbeFailure(err, ctx.signal);
  }
}

// ---------------------------------------------------------------------------------------
// Streamable HTTP
// ---------------------------------------------------------------------------------------

async function probeOverHttp(ctx: ProbeContext): Promise<McpOutcome> {
  const mode = ctx.check.protocol === 'auto' ? (ctx.memory.era ?? 'auto') : ctx.check.protocol;
  if (mode !== 'legacy') {
    const answer = await modernHttpRequest(ctx, 'server/discover', {});
    if (answer.kind === 'modern')
      return finishModern(ctx, answer.message, (m, p) => modernHttpRequest(ctx, m, p));
    if (mode === 'modern') {
      throw new ProbeFailure(
        ErrorClass.protocolError,
        `server/discover was not answered as a ${MODERN_PROTOCOL_VERSION} server would`,
      );
    }
    logger.debug(
      `check ${ctx.check.id}: no modern answer to server/discover; trying the initialize handshake`,
    );
  }
  const transport = new StreamableHTTPClientTransport(ctx.check.url!, {
    requestInit: { headers: { ...ctx.check.headers } },
    fetch: boundFetch(ctx),
    reconnectionOptions: NO_RECONNECT,
  });
  return legacyHandshake(ctx, transport, async () => {
    await bounded(transport.terminateSession(), 1000);
  });
}

type ModernAnswer = { kind: 'modern'; message: JSONRPCMessage } | { kind: 'not-modern' };

/** One stateless 2026-07-28 request over Streamable HTTP, through the SDK transport. */
async function modernHttpRequest(
  ctx: ProbeContext,
  method: string,
  params: Record<string, unknown>,
): Promise<ModernAnswer> {
  const transport = new StreamableHTTPClientTransport(ctx.check.url!, {
    requestInit: { headers: { ...ctx.check.headers, 'Mcp-Method': method } },
    fetch: boundFetch(ctx),
    reconnectionOptions: NO_RECONNECT,
  });
  transport.setProtocolVersion(MODERN_PROTOCOL_VERSION);
  const id = 1;
  const response = new Promise<JSONRPCMessage>((resolve) => {
    transport.onmessage = (message) => {
      if ('id' in message && message.id === id && ('result' in message || 'error' in message)) {
        resolve(message);
      }
    };
  });
  transport.onerror = () => undefined; // send() rejects with the same error
  await transport.start();
  try {
    try {
      await transport.send({
        jsonrpc: '2.0',
        id,
        method,
        params: { ...params, _meta: MODERN_META },
      });
    } catch (err) {
      if (err instanceof StreamableHTTPError && typeof err.code === 'number' && err.code >= 400) {
        const body = jsonRpcErrorIn(err.message);
        if (body !== undefined && MODERN_ERROR_CODES.has(body.code)) {
          return { kind: 'modern', message: { jsonrpc: '2.0', id, error: body } as JSONRPCMessage };
        }
        return { kind: 'not-modern' };
      }
      throw err;
    }
    const message = await raceSignal(response, ctx.signal);
    return isModernAnswer(message) ? { kind: 'modern', message } : { kind: 'not-modern' };
  } finally {
    await transport.close().catch(() => undefined);
  }
}

/** The JSON-RPC error object in a StreamableHTTPError message (`… endpoint: {json}`). */
function jsonRpcErrorIn(
  message: string,
): { code: number; message: string; data?: unknown } | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(message.slice(start)) as {
      error?: { code?: unknown; message?: unknown; data?: unknown };
    };
    const e = parsed.error;
    if (e !== undefined && typeof e.code === 'number') {
      return {
        code: e.code,
        message: String(e.message ?? ''),
        ...(e.data !== undefined ? { data: e.data } : {}),
      };
    }
  } catch {
    // not JSON: a legacy server's plain-text error
  }
  return undefined;
}

/** A result, or an error with a modern-only code, identifies a modern server. */
function isModernAnswer(message: JSONRPCMessage): boolean {
  if ('result' in message) return true;
  if ('error' in message) return MODERN_ERROR_CODES.has(message.error.code);
  return false;
}

/** Judges a modern server's answer to `server/discover`, then checks its tools if asked. */
async function finishModern(
  ctx: ProbeContext,
  message: JSONRPCMessage,
  send: (method: string, params: Record<string, unknown>) => Promise<ModernAnswer | JSONRPCMessage>,
): Promise<McpOutcome> {
  if ('error' in message) {
    const { code, data } = message.error;
    if (code === UNSUPPORTED_PROTOCOL_VERSION) {
      const supported = (data as { supported?: unknown } | undefined)?.supported;
      throw new ProbeFailure(
        ErrorClass.unsupportedProtocolVersion,
        `server does not speak ${MODERN_PROTOCOL_VERSION}${Array.isArray(supported) ? ` (supports ${supported.join(', ')})` : ''}`,
      );
    }
    throw new ProbeFailure(ErrorClass.mcpError, `server/discover failed with code ${code}`);
  }
  if ('result' in message) {
    const supported = (message.result as { supportedVersions?: unknown }).supportedVersions;
    if (Array.isArray(supported) && !supported.includes(MODERN_PROTOCOL_VERSION)) {
      throw new ProbeFailure(
        ErrorClass.unsupportedProtocolVersion,
        `server supports ${supported.join(', ')}, not ${MODERN_PROTOCOL_VERSION}`,
      );
    }
  }
  if (ctx.check.expectTools.length > 0) {
    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const answer = await send('tools/list', cursor !== undefined ? { cursor } : {});
      const reply =
        'kind' in answer ? (answer.kind === 'modern' ? answer.message : undefined) : answer;
      if (reply === undefined || !('result' in reply)) {
        throw new ProbeFailure(ErrorClass.mcpError, 'tools/list failed');
      }
      const result = reply.result as { tools?: unknown; nextCursor?: unknown };
      if (!Array.isArray(result.tools)) {
        throw new ProbeFailure(
          ErrorClass.protocolError,
          'tools/list answered without a tools list',
        );
      }
      for (const t of result.tools) {
        const name = readProperty(t, 'name');
        if (typeof name === 'string') names.push(name);
      }
      if (typeof result.nextCursor !== 'string') break;
      cursor = result.nextCursor;
    }
    assertTools(ctx, names);
  }
  ctx.clock.mark();
  return { protocolVersion: MODERN_PROTOCOL_VERSION, era: 'modern' };
}

// ---------------------------------------------------------------------------------------
// stdio
// ---------------------------------------------------------------------------------------

async function probeOverStdio(ctx: ProbeContext): Promise<McpOutcome> {
  const check = ctx.check;
  const inner = new GroupStdioTransport({
    command: check.command!,
    args: check.args,
    env: check.env,
    cwd: check.cwd,
  });
  let exited = false;
  const exitWaiters: (() => void)[] = [];
  inner.onclose = () => {
    exited = true;
    for (const w of exitWaiters) w();
  };
  inner.onerror = () => undefined;
  try {
    try {
      await raceSignal(inner.start(), ctx.signal);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') {
        throw new ProbeFailure(ErrorClass.spawnFailed, `cannot start the server command (${code})`);
      }
      throw err;
    }
    const mode = check.protocol === 'auto' ? (ctx.memory.era ?? 'auto') : check.protocol;
    if (mode !== 'legacy') {
      let nextId = 1;
      const ask = async (method: string, params: Record<string, unknown>, budgetMs: number) => {
        const id = nextId++;
        const reply = new Promise<JSONRPCMessage | 'exited' | 'silent'>((resolve) => {
          const timer = setTimeout(() => resolve('silent'), budgetMs);
          timer.unref();
          exitWaiters.push(() => {
            clearTimeout(timer);
            resolve('exited');
          });
          inner.onmessage = (message) => {
            if (
              'id' in message &&
              message.id === id &&
              ('result' in message || 'error' in message)
            ) {
              clearTimeout(timer);
              resolve(message);
            }
          };
        });
        if (exited) throw new ProbeFailure(ErrorClass.connectionClosed, 'server process exited');
        await inner.send({ jsonrpc: '2.0', id, method, params: { ...params, _meta: MODERN_META } });
        const answer = await raceSignal(reply, ctx.signal);
        if (answer === 'exited')
          throw new ProbeFailure(ErrorClass.connectionClosed, 'server process exited');
        return answer;
      };
      // A legacy server may stay silent on server/discover: in auto mode give it part of the
      // budget, then fall back to the handshake (2026-07-28 stdio backward compatibility).
      const budget =
        mode === 'auto' ? Math.max(200, Math.floor(ctx.remaining() / 3)) : ctx.remaining();
      const answer = await ask('server/discover', {}, budget);
      if (answer !== 'silent' && isModernAnswer(answer)) {
        return await finishModern(ctx, answer, async (m, p) => {
          const a = await ask(m, p, ctx.remaining());
          if (a === 'silent') throw new DeadlineExceeded(`timed out waiting for ${m}`);
          return a;
        });
      }
      if (mode === 'modern') {
        throw new ProbeFailure(
          ErrorClass.protocolError,
          `server/discover was not answered as a ${MODERN_PROTOCOL_VERSION} server would`,
        );
      }
      inner.onmessage = undefined;
    }
    if (exited) throw new ProbeFailure(ErrorClass.connectionClosed, 'server process exited');
    return await legacyHandshake(ctx, new StartedTransport(inner), async () => undefined);
  } catch (err) {
    // A server that broke the protocol (a line too long) failed the run, whatever came after.
    throw inner.failure ?? err;
  } finally {
    // Stdin closed, then SIGTERM, then SIGKILL to the server's process group: nothing it
    // started runs when this returns.
    await inner
      .close()
      .catch((err: unknown) =>
        logger.debug(`check ${check.id}: closing the server process failed`, err),
      );
  }
}

/**
 * A transport that is already started: lets the SDK `Client` take over a stdio process on
 * which `server/discover` was tried first (the SDK transport refuses a second `start()`).
 */
class StartedTransport implements Transport {
  private readonly inner: Transport;
  protocolVersion: string | undefined;
  constructor(inner: Transport) {
    this.inner = inner;
  }
  async start(): Promise<void> {}
  send(...args: Parameters<Transport['send']>): Promise<void> {
    return this.inner.send(...args);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  get onclose() {
    return this.inner.onclose;
  }
  set onclose(fn) {
    this.inner.onclose = fn;
  }
  get onerror() {
    return this.inner.onerror;
  }
  set onerror(fn) {
    this.inner.onerror = fn;
  }
  get onmessage() {
    return this.inner.onmessage;
  }
  set onmessage(fn) {
    this.inner.onmessage = fn;
  }
  get sessionId() {
    return this.inner.sessionId;
  }
  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    this.inner.setProtocolVersion?.(version);
  }
}

// ---------------------------------------------------------------------------------------
// Legacy era: initialize + ping (+ tools/list)
// ---------------------------------------------------------------------------------------

async function legacyHandshake(
  ctx: ProbeContext,
  transport: Transport & { protocolVersion?: string | undefined },
  endSession: () => Promise<void>,
): Promise<McpOutcome> {
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  const opts = () => ({ signal: ctx.signal, timeout: ctx.remaining() });
  try {
    await client.connect(transport, opts());
    await client.ping(opts());
    if (ctx.check.expectTools.length > 0) {
      const names: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_TOOL_PAGES; page++) {
        const result = await client.listTools(cursor !== undefined ? { cursor } : {}, opts());
        for (const t of result.tools) names.push(t.name);
        if (result.nextCursor === undefined) break;
        cursor = result.nextCursor;
      }
      assertTools(ctx, names);
    }
    ctx.clock.mark();
    return { protocolVersion: transport.protocolVersion, era: 'legacy' };
  } finally {
    ctx.clock.mark();
    await endSession().catch(() => undefined);
    await client.close().catch(() => undefined);
  }
}

function assertTools(ctx: ProbeContext, names: readonly string[]): void {
  const missing = ctx.check.expectTools.filter((t) => !names.includes(t));
  if (missing.length > 0) {
    throw new ProbeFailure(ErrorClass.missingTools, `tools/list lacks ${missing.join(', ')}`);
  }
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/**
 * fetch through the probe's undici dispatcher, bounded by the run's deadline, and its answer
 * by `LIMITS.mcpMessageBytes` (declared or read): a larger body fails the run as
 * `body_too_large` without being read further.
 */
function boundFetch(
  ctx: ProbeContext,
): (url: string | URL, init?: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, ctx.signal]) : ctx.signal;
    const res = (await undiciFetch(url, {
      ...(init as Record<string, unknown>),
      signal,
      dispatcher: ctx.dispatcher,
    } as Parameters<typeof undiciFetch>[1])) as unknown as Response;
    const tooLarge = () =>
      new ProbeFailure(
        ErrorClass.bodyTooLarge,
        `the server's answer exceeds ${describeBytes(LIMITS.mcpMessageBytes)}`,
      );
    if (Number(res.headers.get('content-length')) > LIMITS.mcpMessageBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    // A status that has no body (204, 304, …) cannot be given one back: nothing to cap.
    if (res.body === null || NULL_BODY_STATUSES.has(res.status)) return res;
    let size = 0;
    const capped = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.byteLength;
          if (size > LIMITS.mcpMessageBytes) {
            // Remembered: the SDK may report the stream's error as its own.
            ctx.tooLarge = tooLarge();
            controller.error(ctx.tooLarge);
          } else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(capped, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

function bounded(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([promise.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/** Maps SDK errors (McpError codes, HTTP statuses) and transport errors to probe failures. */
function toProbeFailure(err: unknown, signal: AbortSignal): ProbeFailure {
  if (err instanceof ProbeFailure) return err;
  if (signal.aborted && signal.reason instanceof DeadlineExceeded) {
    return new ProbeFailure(ErrorClass.timeout, signal.reason.message);
  }
  if (err instanceof McpError) {
    if (err.code === ErrorCode.RequestTimeout)
      return new ProbeFailure(ErrorClass.timeout, 'MCP request timed out');
    if (err.code === ErrorCode.ConnectionClosed) {
      return new ProbeFailure(
        ErrorClass.connectionClosed,
        'connection closed before the server answered',
      );
    }
    return new ProbeFailure(ErrorClass.mcpError, `MCP error ${err.code}`);
  }
  if (err instanceof StreamableHTTPError) {
    if (typeof err.code === 'number' && err.code >= 100) {
      return new ProbeFailure(
        ErrorClass.unexpectedStatus,
        `unexpected HTTP status ${err.code}`,
        err.code,
      );
    }
    // The SDK's code -1: an answer that is not JSON-RPC (an HTML page, another service).
    return new ProbeFailure(
      ErrorClass.protocolError,
      'the answer is not MCP over Streamable HTTP (unexpected content type); is this the MCP endpoint?',
    );
  }
  const { errorType, message } = classifyError(err);
  if (KNOWN_CLASSES.has(errorType)) return new ProbeFailure(errorType, message);
  const text = readProperty(err, 'message');
  if (typeof text === 'string' && /unsupported protocol version/i.test(text)) {
    return new ProbeFailure(
      ErrorClass.unsupportedProtocolVersion,
      'server protocol version not supported',
    );
  }
  if (typeof text === 'string' && /not connected|connection closed/i.test(text)) {
    return new ProbeFailure(ErrorClass.connectionClosed, 'connection closed');
  }
  if (errorType === 'Error' || errorType === '_OTHER') {
    return new ProbeFailure(ErrorClass.mcpError, 'MCP client error');
  }
  // A TypeError, SyntaxError or schema error out of the client: the server's answer was not
  // what MCP allows.
  return new ProbeFailure(ErrorClass.protocolError, `malformed MCP answer (${errorType})`);
}

const KNOWN_CLASSES: ReadonlySet<string> = new Set(Object.values(ErrorClass));
