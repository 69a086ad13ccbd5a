/**
 * The frameworks toolscope instruments with no code changes: each integration only acts when
 * the application loads (or calls) its framework, so enabling one whose framework is absent
 * costs nothing but its hooks.
 *
 * Ids follow OpenTelemetry's `OTEL_NODE_ENABLED_INSTRUMENTATIONS` /
 * `OTEL_NODE_DISABLED_INSTRUMENTATIONS` convention: the package name after
 * `@toolscope/instrumentation-`.
 */
import { AiSdkInstrumentation } from '@toolscope/instrumentation-ai-sdk';
import {
  LOADER_HOOK_INCLUDE as LANGCHAIN_LOADER_INCLUDE,
  LangChainInstrumentation,
} from '@toolscope/instrumentation-langchain';
import { MCP_LOADER_INCLUDE, McpInstrumentation } from '@toolscope/instrumentation-mcp';
import { OpenAIAgentsInstrumentation } from '@toolscope/instrumentation-openai-agents';

/** An integration of a framework, by id. */
export interface FrameworkIntegration {
  /** `mcp`, `ai-sdk`, … (also the key of the `frameworks` option, camelCased). */
  readonly id: FrameworkId;
  /** Makes the (not yet enabled) instrumentation. */
  create(): { enable?(): void; disable?(): void };
}

/** The ids of the frameworks toolscope instruments. */
export type FrameworkId = 'mcp' | 'ai-sdk' | 'openai-agents' | 'langchain';

export const FRAMEWORKS: readonly FrameworkIntegration[] = [
  { id: 'mcp', create: () => new McpInstrumentation({ enabled: false }) },
  { id: 'ai-sdk', create: () => new AiSdkInstrumentation({ enabled: false }) },
  {
    id: 'openai-agents',
    create: () => new OpenAIAgentsInstrumentation({ enabled: false }),
  },
  { id: 'langchain', create: () => new LangChainInstrumentation({ enabled: false }) },
];

/** The option key of a framework id: `ai-sdk` → `aiSdk`. */
export function frameworkOptionKey(id: FrameworkId): string {
  return id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The files of the frameworks the ESM loader hook must see (every other module loads
 * untouched). One hook serves every integration: import-in-the-middle takes one synchronous
 * registration per process, so each integration's own `register` must not be added beside it. The AI SDK integration needs none: it registers with the SDK's telemetry list.
 */
export const HOOKED_MODULE_FILES: readonly RegExp[] = [
  MCP_LOADER_INCLUDE,
  // The LangChain and LangGraph files whose classes the LangChain integration patches.
  LANGCHAIN_LOADER_INCLUDE,
  // Lets the OpenAI Agents integration see every copy of the SDK as it loads (it also finds the
  // SDK without the hook).
  /\/node_modules\/@openai\/agents-core\//,
];
