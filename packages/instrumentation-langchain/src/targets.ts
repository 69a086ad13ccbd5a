/**
 * What this package patches: for each LangChain package, the built files (each ships an ESM
 * `.js` and a CommonJS `.cjs` build with separate classes), the class each exports and the
 * methods wrapped on its prototype.
 */
import { traceGraphRun } from './graph.ts';
import type { AnyMethod } from './patch.ts';
import { traceSequence } from './sequence.ts';
import { traceToolCall } from './tool-call.ts';
import { traceRunTool, traceToolNodeRun } from './tool-node.ts';

export type PackageName = '@langchain/core' | '@langchain/langgraph' | 'langchain';

export interface Target {
  readonly pkg: PackageName;
  /** Path inside the package, without the extension (`.js` for ESM, `.cjs` for CommonJS). */
  readonly file: string;
  /** The exported class whose prototype is patched. */
  readonly className: string;
  /** Method name → wrapper factory. */
  readonly methods: Readonly<Record<string, (original: AnyMethod) => AnyMethod>>;
}

/** The supported major version of every package. */
export const SUPPORTED_VERSIONS = ['>=1.0.0 <2.0.0'];

export const PACKAGES: readonly PackageName[] = [
  '@langchain/core',
  '@langchain/langgraph',
  'langchain',
];

export const TARGETS: readonly Target[] = [
  {
    pkg: '@langchain/core',
    file: 'dist/tools/index',
    className: 'StructuredTool',
    methods: { call: traceToolCall },
  },
  {
    pkg: '@langchain/core',
    file: 'dist/runnables/base',
    className: 'RunnableSequence',
    methods: {
      invoke: traceSequence,
      batch: traceSequence,
      _streamIterator: traceSequence,
    },
  },
  {
    pkg: '@langchain/langgraph',
    file: 'dist/pregel/index',
    className: 'Pregel',
    methods: { _streamIterator: traceGraphRun },
  },
  {
    pkg: '@langchain/langgraph',
    file: 'dist/prebuilt/tool_node',
    className: 'ToolNode',
    methods: { runTool: traceRunTool, run: traceToolNodeRun },
  },
  {
    pkg: 'langchain',
    file: 'dist/agents/nodes/ToolNode',
    className: 'ToolNode',
    methods: { runTool: traceRunTool, run: traceToolNodeRun },
  },
];

/**
 * The ESM files this package patches, as an import-in-the-middle loader hook's `include`
 * (`register.ts` uses it; a process-wide hook for several integrations can add it to its own).
 */
export const LOADER_HOOK_INCLUDE = new RegExp(
  `/node_modules/(?:${TARGETS.map((t) => `${t.pkg}/${t.file}`.replaceAll('/', '\\/')).join('|')})\\.js$`,
);
