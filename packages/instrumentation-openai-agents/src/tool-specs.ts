/**
 * The core's tool-call specs for Agents tools (`frameworkToolSpec`), and which tools are MCP
 * tools. The SDK says a call went to an MCP server only while it runs
 * (`mcp_data` on its span), but the tool type is a metric attribute fixed when the call starts;
 * so the MCP tools an agent listed (its `mcp_tools` spans, one per turn unless the server
 * caches its list) are remembered by agent and tool name, and the calls' `mcp_data` confirms
 * them for later calls.
 */
import { frameworkToolSpec, type ToolCallSpec } from '@toolscope/instrumentation/internal';

/** Bound on remembered MCP tools (names come from the model and from servers). */
const MAX_ENTRIES = 2_000;

/** `agent\0tool` → MCP server name. */
const mcpTools = new Map<string, string>();

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_ENTRIES && !map.has(key)) map.clear();
  map.set(key, value);
}

const mcpKey = (agent: string, tool: string) => `${agent}\u0000${tool}`;

/** Remembers that `agent` has MCP tool `tool` from server `server`. */
export function learnMcpTool(agent: string, tool: string, server: string): void {
  remember(mcpTools, mcpKey(agent, tool), server);
}

/** The MCP server of `agent`'s tool `tool`, when it is a known MCP tool. */
export function mcpServerOf(agent: string | undefined, tool: string): string | undefined {
  return agent === undefined ? undefined : mcpTools.get(mcpKey(agent, tool));
}

/**
 * The spec of a call of tool `name` (an SDK or model name: the core bounds it) of type
 * `function` or, for MCP tools, `extension`.
 */
export function specFor(
  name: string,
  mcp: boolean,
  captureContent: boolean | undefined,
): ToolCallSpec {
  return frameworkToolSpec(name === '' ? 'unknown' : name, {
    type: mcp ? 'extension' : 'function',
    ...(captureContent !== undefined ? { captureContent } : {}),
  });
}
