import { createTracedRequest } from './client.ts';
import { warnOnce } from './diag.ts';
import type { PatchHooks, ProtocolLike } from './internal-types.ts';
import { isTraced, patchMethod } from './patch.ts';
import { createTracedOnRequest } from './server.ts';
import { tracerGetter } from './tracer.ts';
import type { InstrumentMcpOptions } from './types.ts';
import { optionalTracerProvider, requireObject } from './validate.ts';
import { SUPPORTED_SDK_VERSIONS } from './version.ts';

function hooksFor(options: InstrumentMcpOptions | undefined): PatchHooks {
  if (options !== undefined) requireObject('options', options, 'an object or be left out');
  optionalTracerProvider('options.tracerProvider', options?.tracerProvider);
  return { getTracer: tracerGetter(options?.tracerProvider), isEnabled: () => true };
}

/**
 * Instruments one MCP `Client` (of `@modelcontextprotocol/sdk`): every request it sends gets a
 * CLIENT span and carries the trace context and baggage in `params._meta`; `tools/call` is a
 * tool invocation (duration histogram, success rate). Returns the same client. Idempotent, and
 * a no-op on a client the zero-code `McpInstrumentation` already covers.
 *
 * @example
 * const client = instrumentMcpClient(new Client({ name: 'orchestrator', version: '1.0.0' }));
 * await client.connect(transport);
 * await client.callTool({ name: 'search', arguments: { q: 'ramen' } }); // span "tools/call search"
 */
export function instrumentMcpClient<T extends object>(
  client: T,
  options?: InstrumentMcpOptions,
): T {
  requireObject('client', client, 'an MCP Client from @modelcontextprotocol/sdk');
  const hooks = hooksFor(options);
  const target = client as ProtocolLike;
  if (typeof target.request !== 'function') {
    warnOnce(
      `instrumentMcpClient: the object has no request() method; only @modelcontextprotocol/sdk ` +
        `${SUPPORTED_SDK_VERSIONS} clients are supported; left uninstrumented`,
    );
    return client;
  }
  if (!isTraced(target.request)) {
    patchMethod(target, 'request', (original) => createTracedRequest(original, hooks));
  }
  return client;
}

/**
 * Instruments one MCP server, an `McpServer` or a low-level `Server`: every request it handles
 * gets a SERVER span, child of the caller's span found in `params._meta`, with the caller's
 * correlation ID. Returns the same server. Idempotent, and a no-op on a server the zero-code
 * `McpInstrumentation` already covers.
 *
 * @example
 * const server = instrumentMcpServer(new McpServer({ name: 'search', version: '1.0.0' }));
 */
export function instrumentMcpServer<T extends object>(
  server: T,
  options?: InstrumentMcpOptions,
): T {
  requireObject('server', server, 'an McpServer or Server from @modelcontextprotocol/sdk');
  const hooks = hooksFor(options);
  const inner = (server as { server?: unknown }).server;
  const target = (
    inner !== null &&
    typeof inner === 'object' &&
    typeof (inner as ProtocolLike)._onrequest === 'function'
      ? inner
      : server
  ) as ProtocolLike;
  if (typeof target._onrequest !== 'function' || !(target._requestHandlers instanceof Map)) {
    warnOnce(
      `instrumentMcpServer: the object is not an McpServer or Server of @modelcontextprotocol/sdk ` +
        `${SUPPORTED_SDK_VERSIONS} (no _onrequest/_requestHandlers); left uninstrumented`,
    );
    return server;
  }
  if (!isTraced(target._onrequest)) {
    patchMethod(target, '_onrequest', (original) => createTracedOnRequest(original, hooks));
  }
  return server;
}
