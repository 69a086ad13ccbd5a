import type { TracerProvider } from '@opentelemetry/api';
import { warnOnce } from './diag.ts';
import type { PatchHooks, ProtocolLike } from './internal-types.ts';
import { tracerGetter } from './providers.ts';
import { applyPatches } from './surface.ts';
import type { InstrumentMcpOptions } from './types.ts';
import { optionalProvider, requireObject } from './validate.ts';
import { SUPPORTED_SDK_VERSIONS, SUPPORTED_SDK2_VERSIONS } from './version.ts';

const SUPPORTED =
  `@modelcontextprotocol/sdk ${SUPPORTED_SDK_VERSIONS} and ` +
  `@modelcontextprotocol/client / server ${SUPPORTED_SDK2_VERSIONS}`;

function hooksFor(options: InstrumentMcpOptions | undefined): PatchHooks {
  if (options !== undefined) requireObject('options', options, 'an object or be left out');
  optionalProvider(
    'options.tracerProvider',
    options?.tracerProvider,
    'getTracer',
    'TracerProvider',
  );
  const tracer = tracerGetter(options?.tracerProvider as TracerProvider | undefined);
  return { tracer, isEnabled: () => true };
}

/**
 * Instruments one MCP `Client` (`@modelcontextprotocol/sdk` 1.x or `@modelcontextprotocol/client`
 * 2.x): every request and notification it sends gets a CLIENT span and carries the trace context
 * and baggage in `params._meta`; requests the server sends it (sampling, elicitation, roots)
 * get SERVER spans; `tools/call` is a tool call of the core (duration histogram, success rate,
 * adoption of an enclosing `execute_tool` span of the same tool); the MCP histograms are
 * recorded. Returns the same client. Idempotent, and a no-op on a client the zero-code
 * `McpInstrumentation` already covers.
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
  requireObject('client', client, 'an MCP Client');
  const hooks = hooksFor(options);
  const target = client as ProtocolLike;
  if (typeof target.request !== 'function' || typeof target._onrequest !== 'function') {
    warnOnce(
      `instrumentMcpClient: the object has no request()/_onrequest(); only Clients of ` +
        `${SUPPORTED} are supported; left uninstrumented`,
    );
    return client;
  }
  applyPatches(target, 'client', hooks);
  return client;
}

/**
 * Instruments one MCP server, an `McpServer` or a low-level `Server` of either SDK line: every
 * request and notification it handles gets a SERVER span, child of the caller's span found in
 * `params._meta` (or, on Streamable HTTP, in the `traceparent` header), with the caller's
 * correlation ID; what it sends the client (sampling, elicitation, roots, progress, logging)
 * gets CLIENT spans. Returns the same server. Idempotent, and a no-op on a server the zero-code
 * `McpInstrumentation` already covers.
 *
 * @example
 * const server = instrumentMcpServer(new McpServer({ name: 'search', version: '1.0.0' }));
 */
export function instrumentMcpServer<T extends object>(
  server: T,
  options?: InstrumentMcpOptions,
): T {
  requireObject('server', server, 'an McpServer or Server');
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
      `instrumentMcpServer: the object is not an McpServer or Server of ${SUPPORTED} ` +
        `(no _onrequest/_requestHandlers); left uninstrumented`,
    );
    return server;
  }
  applyPatches(target, 'server', hooks);
  return server;
}
