/**
 * The mapping from Agents SDK spans to toolscope's telemetry:
 *
 * | SDK span | toolscope |
 * |---|---|
 * | `function` (function tools, MCP tools, agents used as tools) | one tool call of the core: `execute_tool {name}` (or the span it adopts), `gen_ai.execute_tool.duration`, the in-process store |
 * | `agent` | `invoke_agent {name}` and `gen_ai.invoke_agent.duration` |
 * | `turn` (one model call and the tools it asked for) | a step of the caller's workflow (`startFrameworkStep`): completed when the turn did not fail and none of its tool calls failed |
 * | `handoff` | a `toolscope.agent.handoff` event on the handing agent's span, and a link to it from the receiving agent's span |
 * | `mcp_tools` | remembered: which of an agent's tools are MCP tools |
 * | an agent run failed on a tool the agent lacks | a failed tool call, `error.type=tool_not_found` |
 *
 * Parents: the OpenTelemetry context the SDK span was started in (toolscope's storage makes
 * the SDK's scopes carry it, see `context-storage.ts`), read through the SDK's own parent
 * links: a tool's parent is its agent's `invoke_agent` span, a top-level agent's is the
 * caller's context (the user's workflow span), an agent run inside a tool nests under that
 * tool's span, and a context the user's own code set inside a tool is honoured.
 *
 * A tool call starts when the SDK starts the tool (`agent_tool_start`, with its call id and
 * arguments; the span keeps the SDK span's start time), or at the SDK span's start when that
 * event cannot be observed, or at its end for calls the SDK failed before starting the tool
 * (arguments that are not JSON, a rejected approval).
 */
import { type Context, context, type Link, trace } from '@opentelemetry/api';
import {
  type AgentRunHandle,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_TOOLSCOPE_HANDOFF_FROM_AGENT,
  ATTR_TOOLSCOPE_HANDOFF_TO_AGENT,
  ATTR_TOOLSCOPE_MCP_SERVER_NAME,
  boundName,
  coreLogger,
  ERROR_TYPE_VALUE_TOOL_NOT_FOUND,
  EVENT_TOOLSCOPE_AGENT_HANDOFF,
  type FrameworkStep,
  noteFrameworkStep,
  startAgentRun,
  startFrameworkStep,
  startToolCall,
  TOOL_KEY,
  type ToolCallHandle,
  type ToolCallStart,
} from '@toolscope/instrumentation/internal';
import type { ToolEvent } from './call-ids.ts';
import { endTimeOf, startTimeOf } from './clock.ts';
import { ScopeContext } from './context-storage.ts';
import {
  failureOf,
  runErrorType,
  spanErrorOf,
  toolErrorType,
  unknownToolOf,
} from './error-type.ts';
import type { AgentsSpan, AgentsSpanError, Settings } from './internal-types.ts';
import { learnMcpTool, mcpServerOf, specFor } from './tool-specs.ts';

/** Open SDK spans tracked at once; past it the oldest is forgotten (spans that never end). */
const MAX_OPEN = 10_000;
/** Handoffs waiting for the receiving agent's span; bounded the same way. */
const MAX_HANDOFFS = 1_000;
/** Longest parent chain walked (the SDK nests a handful deep; guards a cycle). */
const MAX_DEPTH = 64;

interface Entry {
  readonly parentId: string | null;
  /** The OpenTelemetry context of this span's work, once toolscope maps it. */
  ctx: Context | undefined;
}

interface ToolEntry extends Entry {
  readonly kind: 'tool';
  readonly name: string;
  readonly agent: string | undefined;
  readonly parent: Context;
  readonly startTime: number;
  handle: ToolCallHandle | undefined;
  /** Whether the SDK started the tool (`agent_tool_start` seen). */
  toolStarted: boolean;
  /** What the SDK reported as the tool's output (`agent_tool_end`). */
  output: unknown;
}

interface AgentEntry extends Entry {
  readonly kind: 'agent';
  readonly name: string;
  run: AgentRunHandle | undefined;
  unknownToolRecorded: boolean;
}

/** A turn: its tool spans are its children, its tool calls run in its step's context. */
interface TurnEntry extends Entry {
  readonly kind: 'turn';
  /** The workflow step of the turn (undefined outside a workflow or inside a tool call). */
  readonly step: FrameworkStep | undefined;
}

interface OtherEntry extends Entry {
  readonly kind: 'other';
}

type AnyEntry = ToolEntry | AgentEntry | TurnEntry | OtherEntry;

/** What the tracker needs from the process-wide state. */
export interface TrackerHooks {
  settings(): Settings;
  /** Whether `agent_tool_start` events reach toolscope (a `Runner` is patched). */
  toolEventsLive(): boolean;
  /** Whether toolscope's context storage is the SDK's now. */
  storageLive(): boolean;
}

const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

export class SpanTracker {
  private readonly entries = new Map<string, AnyEntry>();
  private readonly handoffs = new Map<string, Link>();
  private readonly hooks: TrackerHooks;

  constructor(hooks: TrackerHooks) {
    this.hooks = hooks;
  }

  /** The context of an SDK span's work: its own once mapped, else its nearest mapped ancestor's. */
  contextOf(span: AgentsSpan): Context | undefined {
    const own = this.entries.get(span.spanId);
    if (own?.ctx !== undefined) return own.ctx;
    return this.ancestorContext(own !== undefined ? own.parentId : span.parentId);
  }

  private ancestorContext(parentId: string | null): Context | undefined {
    let id = parentId;
    for (let depth = 0; id !== null && depth < MAX_DEPTH; depth++) {
      const entry = this.entries.get(id);
      if (entry === undefined) return undefined;
      if (entry.ctx !== undefined) return entry.ctx;
      id = entry.parentId;
    }
    return undefined;
  }

  private nearestAgent(parentId: string | null): AgentEntry | undefined {
    let id = parentId;
    for (let depth = 0; id !== null && depth < MAX_DEPTH; depth++) {
      const entry = this.entries.get(id);
      if (entry === undefined) return undefined;
      if (entry.kind === 'agent') return entry;
      id = entry.parentId;
    }
    return undefined;
  }

  /**
   * The parent context of a span starting now: a context the user's code set inside the SDK's
   * scope wins; else the nearest mapped SDK ancestor; else the context the scope was entered in
   * (the caller's).
   */
  private parentFor(span: AgentsSpan): Context {
    const active = context.active();
    const inScope = active instanceof ScopeContext;
    if (!inScope && this.hooks.storageLive()) return active;
    return this.ancestorContext(span.parentId) ?? (inScope ? active.resolved() : active);
  }

  private track(span: AgentsSpan, entry: AnyEntry): void {
    if (this.entries.size >= MAX_OPEN) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
      coreLogger.debug('openai-agents: too many open SDK spans; forgot the oldest');
    }
    this.entries.set(span.spanId, entry);
  }

  /** A span started (or, for a tool, is about to): map it. */
  started(span: AgentsSpan): void {
    if (this.entries.has(span.spanId)) return;
    const data = span.spanData;
    if (data.type === 'function') this.toolStarting(span);
    else if (data.type === 'agent') this.agentStarted(span, data.name);
    else if (data.type === 'turn') this.turnStarted(span);
    else this.track(span, { kind: 'other', parentId: span.parentId, ctx: undefined });
  }

  /**
   * A turn of an agent run made in a workflow (not inside a tool call) is one of its steps: the
   * turn's tool calls run in the step's context, so a failed one fails the step (core rule).
   */
  private turnStarted(span: AgentsSpan): void {
    const parent = this.ancestorContext(span.parentId);
    const step =
      parent !== undefined && parent.getValue(TOOL_KEY) === undefined
        ? startFrameworkStep(parent)
        : undefined;
    this.track(span, { kind: 'turn', parentId: span.parentId, ctx: step?.context, step });
  }

  /** The turn a tool span belongs to (its nearest turn ancestor below an agent). */
  private turnOf(parentId: string | null): TurnEntry | undefined {
    let id = parentId;
    for (let depth = 0; id !== null && depth < MAX_DEPTH; depth++) {
      const entry = this.entries.get(id);
      if (entry === undefined || entry.kind === 'agent' || entry.kind === 'tool') return undefined;
      if (entry.kind === 'turn') return entry;
      id = entry.parentId;
    }
    return undefined;
  }

  private toolStarting(span: AgentsSpan): ToolEntry {
    const name = stringOf((span.spanData as { name?: unknown }).name) ?? '';
    const entry: ToolEntry = {
      kind: 'tool',
      parentId: span.parentId,
      ctx: undefined,
      name,
      agent: this.nearestAgent(span.parentId)?.name,
      parent: this.parentFor(span),
      startTime: startTimeOf(span),
      handle: undefined,
      toolStarted: false,
      output: undefined,
    };
    this.track(span, entry);
    if (!this.hooks.toolEventsLive()) this.startTool(entry, undefined);
    return entry;
  }

  private startTool(entry: ToolEntry, event: ToolEvent | undefined): void {
    const server = mcpServerOf(entry.agent, entry.name);
    const spec = specFor(entry.name, server !== undefined, this.hooks.settings().captureContent);
    const start: { -readonly [K in keyof ToolCallStart]: ToolCallStart[K] } = {
      parent: entry.parent,
      startTime: entry.startTime,
    };
    if (event?.callId !== undefined) start.callId = event.callId;
    const args = event?.args;
    if (args !== undefined) {
      start.args = args;
      start.inputSize = Buffer.byteLength(args, 'utf8');
    }
    if (server !== undefined) {
      start.attributes = { [ATTR_TOOLSCOPE_MCP_SERVER_NAME]: boundName(server, 'framework.name') };
    }
    entry.handle = startToolCall(spec, start);
    entry.ctx = entry.handle?.context;
  }

  /** The SDK starts (or has finished) the tool of the function span current where it said so. */
  toolEvent(span: AgentsSpan, event: ToolEvent): void {
    let entry = this.entries.get(span.spanId);
    if (entry === undefined) entry = this.toolStarting(span);
    if (entry.kind !== 'tool') return;
    if (event.phase === 'start') {
      entry.toolStarted = true;
      if (entry.handle === undefined) this.startTool(entry, event);
    } else {
      entry.output = event.output;
    }
  }

  private agentStarted(span: AgentsSpan, name: string): void {
    const run = startAgentRun({
      name,
      parent: this.parentFor(span),
      startTime: startTimeOf(span),
    });
    if (this.handoffs.size > 0 && run !== undefined) {
      const key = handoffKey(span.traceId, name);
      const link = this.handoffs.get(key);
      if (link !== undefined) {
        this.handoffs.delete(key);
        run.span.addLink(link);
      }
    }
    this.track(span, {
      kind: 'agent',
      parentId: span.parentId,
      ctx: run?.context,
      name,
      run,
      unknownToolRecorded: false,
    });
  }

  /** A span ended: finish what toolscope made of it. `live` is false once toolscope is off. */
  ended(span: AgentsSpan, live: boolean): void {
    const entry = this.entries.get(span.spanId);
    const data = span.spanData;
    try {
      if (entry?.kind === 'tool') this.toolEnded(span, entry);
      else if (entry?.kind === 'agent') this.agentEnded(span, entry);
      else if (entry?.kind === 'turn') {
        if (live) this.turnEnded(span, entry);
      } else if (live && data.type === 'turn') this.turnEnded(span, undefined);
      else if (live && data.type === 'handoff') this.handoffEnded(span, data);
      else if (live && data.type === 'mcp_tools') this.mcpToolsListed(span, data);
    } finally {
      this.entries.delete(span.spanId);
    }
  }

  private toolEnded(span: AgentsSpan, entry: ToolEntry): void {
    if (entry.handle === undefined) this.startTool(entry, undefined);
    const handle = entry.handle;
    if (handle === undefined) return;
    const data = span.spanData as { output?: unknown; mcp_data?: unknown };
    const server = serverOf(data.mcp_data);
    if (server !== undefined) {
      if (entry.agent !== undefined) learnMcpTool(entry.agent, entry.name, server);
      if (handle.mode !== 'join') {
        handle.span.setAttributes({
          [ATTR_GEN_AI_TOOL_TYPE]: 'extension',
          [ATTR_TOOLSCOPE_MCP_SERVER_NAME]: boundName(server, 'framework.name'),
        });
      }
    }
    const endTime = endTimeOf(span);
    const error = spanErrorOf(span.error);
    if (error !== undefined) {
      const started = this.hooks.toolEventsLive() ? entry.toolStarted : undefined;
      const type = toolErrorType(error, started);
      handle.end({ error: failureOf(type, error.message), endTime });
      // Its turn failed a tool call (also when the call ran in a context the user's code set).
      this.turnOf(entry.parentId)?.step?.noteToolFailure();
    } else {
      handle.end({ result: entry.output ?? data.output, endTime });
    }
  }

  private agentEnded(span: AgentsSpan, entry: AgentEntry): void {
    const error = spanErrorOf(span.error);
    if (error !== undefined) this.recordUnknownTool(entry, error);
    const endTime = endTimeOf(span);
    if (error === undefined) entry.run?.end({ endTime });
    else entry.run?.end({ error: failureOf(runErrorType(error), error.message), endTime });
  }

  private turnEnded(span: AgentsSpan, entry: TurnEntry | undefined): void {
    const error = spanErrorOf(span.error);
    if (error !== undefined) {
      const agent = this.nearestAgent(span.parentId);
      if (agent !== undefined) this.recordUnknownTool(agent, error);
    }
    if (entry !== undefined) {
      entry.step?.end(error === undefined);
      return;
    }
    // A turn toolscope did not see start (no tool failures known). A turn of an agent running
    // inside a tool call is part of that call, not a workflow step.
    const ctx = this.contextOf(span) ?? context.active();
    if (ctx.getValue(TOOL_KEY) === undefined) noteFrameworkStep(ctx, error === undefined);
  }

  /** The model called a tool the agent lacks: one failed call of that tool, once per agent run. */
  private recordUnknownTool(agent: AgentEntry, error: AgentsSpanError): void {
    if (agent.unknownToolRecorded) return;
    const tool = unknownToolOf(error, agent.name);
    if (tool === undefined) return;
    agent.unknownToolRecorded = true;
    const spec = specFor(tool, false, this.hooks.settings().captureContent);
    startToolCall(spec, { parent: agent.ctx ?? context.active() })?.end({
      error: failureOf(ERROR_TYPE_VALUE_TOOL_NOT_FOUND, `Tool not found in agent ${agent.name}.`),
    });
  }

  private handoffEnded(span: AgentsSpan, data: { from_agent?: unknown; to_agent?: unknown }): void {
    const source = trace.getSpan(this.contextOf(span) ?? context.active());
    const from = boundName(stringOf(data.from_agent) ?? '', 'framework.name');
    const to = stringOf(data.to_agent);
    if (source === undefined || to === undefined) return;
    source.addEvent(EVENT_TOOLSCOPE_AGENT_HANDOFF, {
      [ATTR_TOOLSCOPE_HANDOFF_FROM_AGENT]: from,
      [ATTR_TOOLSCOPE_HANDOFF_TO_AGENT]: boundName(to, 'framework.name'),
    });
    if (this.handoffs.size >= MAX_HANDOFFS) this.handoffs.clear();
    this.handoffs.set(handoffKey(span.traceId, to), {
      context: source.spanContext(),
      attributes: { [ATTR_TOOLSCOPE_HANDOFF_FROM_AGENT]: from },
    });
  }

  private mcpToolsListed(span: AgentsSpan, data: { server?: unknown; result?: unknown }): void {
    const agent = this.nearestAgent(span.parentId);
    const server = stringOf(data.server);
    if (agent === undefined || server === undefined || !Array.isArray(data.result)) return;
    for (const tool of data.result) {
      if (typeof tool === 'string') learnMcpTool(agent.name, tool, server);
    }
  }
}

const handoffKey = (traceId: string, agent: string) => `${traceId}\u0000${agent}`;

/** The MCP server of a tool span (`mcp_data` is `{ server }`, typed as a string by the SDK). */
function serverOf(mcpData: unknown): string | undefined {
  if (typeof mcpData === 'string') return mcpData;
  if (mcpData !== null && typeof mcpData === 'object') {
    return stringOf((mcpData as { server?: unknown }).server);
  }
  return undefined;
}
