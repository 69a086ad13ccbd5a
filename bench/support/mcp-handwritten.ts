/**
 * MCP instrumentation hand-written: plain code that gives a `tools/call` what the MCP
 * conventions and toolscope's names contract ask for on the happy path, written for the bench
 * (never shipped). It is what a straightforward instrumentation of the same conventions pays,
 * so the MCP rows can say how much of their cost is toolscope's own:
 *
 * - client: a CLIENT span `tools/call {tool}` with `mcp.method.name`, `gen_ai.operation.name`,
 *   `gen_ai.tool.name`, `gen_ai.tool.type` at creation, `jsonrpc.request.id` and
 *   `mcp.protocol.version` after; the context injected into a copy of `params._meta` and active
 *   while the SDK sends; `gen_ai.execute_tool.duration` and `mcp.client.operation.duration`
 *   recorded when the response arrives;
 * - server: the context extracted from `_meta`, a SERVER span with the same attributes (no
 *   tool type), active while the handler runs; `mcp.server.operation.duration` recorded.
 *
 * Nothing else: no bounds on what the peer sends, no adoption of another library's span, no
 * error paths, no sessions, transports or other methods, metric attribute sets fixed for the
 * one tool.
 */
import { type Attributes, context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { getRecorders } from '@toolscope/instrumentation/internal';

const TOOL_METRIC: Attributes = Object.freeze({
  'gen_ai.operation.name': 'execute_tool',
  'gen_ai.tool.name': 'echo',
  'gen_ai.tool.type': 'extension',
});
const MCP_METRIC: Attributes = Object.freeze({
  'mcp.method.name': 'tools/call',
  'gen_ai.operation.name': 'execute_tool',
  'gen_ai.tool.name': 'echo',
});

type Send = (this: unknown, request: unknown, a1?: unknown, a2?: unknown) => Promise<unknown>;
type Handler = (this: unknown, request: unknown, extra?: unknown) => Promise<unknown>;

interface ToolsCall {
  id?: unknown;
  params: { name: string; _meta?: Record<string, unknown> };
}

/** Instruments `client.request` (both SDK lines) by hand. */
export function handwrittenClient(client: object, version: string): void {
  const tracer = trace.getTracer('bench-handwritten');
  const target = client as { request: Send; _requestMessageId: number };
  const send = target.request;
  target.request = function (this: unknown, request: unknown, a1?: unknown, a2?: unknown) {
    const req = request as ToolsCall;
    const parent = context.active();
    const span = tracer.startSpan(
      `tools/call ${req.params.name}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'mcp.method.name': 'tools/call',
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': req.params.name,
          'gen_ai.tool.type': 'extension',
        },
      },
      parent,
    );
    span.setAttribute('jsonrpc.request.id', String(target._requestMessageId));
    span.setAttribute('mcp.protocol.version', version);
    const ctx = trace.setSpan(parent, span);
    const meta: Record<string, unknown> = { ...req.params._meta };
    propagation.inject(ctx, meta);
    const sent = { ...req, params: { ...req.params, _meta: meta } };
    const start = performance.now();
    const pending = context.with(ctx, send, this, sent, a1, a2);
    pending.then(
      () => {
        span.end();
        const seconds = (performance.now() - start) / 1000;
        const recorders = getRecorders();
        recorders.toolDuration.record(seconds, TOOL_METRIC);
        recorders.mcpClientOperation.record(seconds, MCP_METRIC);
      },
      () => span.end(),
    );
    return pending;
  };
}

/**
 * Instruments the `tools/call` handler of `server` (an `McpServer`, connected, with its tools
 * registered) by hand.
 */
export function handwrittenServer(server: object, version: string): void {
  const tracer = trace.getTracer('bench-handwritten');
  const low = (server as { server: { _requestHandlers: Map<string, Handler> } }).server;
  const handle = low._requestHandlers.get('tools/call');
  if (typeof handle !== 'function') throw new Error('bench handwritten: no tools/call handler');
  low._requestHandlers.set('tools/call', function (this: unknown, request, extra) {
    const req = request as ToolsCall;
    const parent = propagation.extract(context.active(), req.params._meta);
    const span = tracer.startSpan(
      `tools/call ${req.params.name}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'mcp.method.name': 'tools/call',
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': req.params.name,
        },
      },
      parent,
    );
    span.setAttribute('jsonrpc.request.id', String(req.id));
    span.setAttribute('mcp.protocol.version', version);
    const start = performance.now();
    const pending = context.with(trace.setSpan(parent, span), handle, this, request, extra);
    pending.then(
      () => {
        span.end();
        getRecorders().mcpServerOperation.record((performance.now() - start) / 1000, MCP_METRIC);
      },
      () => span.end(),
    );
    return pending;
  });
}
