import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import * as coreTools from '@langchain/core/tools';
import { StructuredTool, tool } from '@langchain/core/tools';
import { trace } from '@opentelemetry/api';
import type { InstrumentationModuleFile } from '@opentelemetry/instrumentation';
import { SCOPE_NAMES, TOOLSCOPE_VERSION } from '@toolscope/instrumentation/internal';
import { createAgent } from 'langchain';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentLangChain, LangChainInstrumentation } from '../src/index.ts';
import { one, toolSpans, useHarness } from './helpers/setup.ts';
import { add } from './helpers/tools.ts';

function files(instrumentation: LangChainInstrumentation): InstrumentationModuleFile[] {
  return instrumentation.getModuleDefinitions().flatMap((d) => d.files);
}

describe('LangChainInstrumentation', () => {
  const h = useHarness();
  const extra: LangChainInstrumentation[] = [];
  afterEach(() => {
    for (const instrumentation of extra.splice(0)) instrumentation.disable();
    h.instrumentation.enable();
    h.instrumentation.setConfig({});
  });

  it('is an OpenTelemetry instrumentation of the three packages, ESM and CommonJS files', () => {
    const instrumentation = h.instrumentation;
    expect(instrumentation.instrumentationName).toBe(SCOPE_NAMES.langchain);
    expect(instrumentation.instrumentationVersion).toBe(TOOLSCOPE_VERSION);
    expect(instrumentation.getModuleDefinitions().map((d) => d.name)).toEqual([
      '@langchain/core',
      '@langchain/langgraph',
      'langchain',
    ]);
    expect(files(instrumentation).map((f) => f.name)).toEqual([
      '@langchain/core/dist/tools/index.js',
      '@langchain/core/dist/tools/index.cjs',
      '@langchain/core/dist/runnables/base.js',
      '@langchain/core/dist/runnables/base.cjs',
      '@langchain/langgraph/dist/pregel/index.js',
      '@langchain/langgraph/dist/pregel/index.cjs',
      '@langchain/langgraph/dist/prebuilt/tool_node.js',
      '@langchain/langgraph/dist/prebuilt/tool_node.cjs',
      'langchain/dist/agents/nodes/ToolNode.js',
      'langchain/dist/agents/nodes/ToolNode.cjs',
    ]);
  });

  it('patched the already-loaded ESM build when enabled after it was imported', async () => {
    await add.invoke({ a: 1, b: 2 });
    expect(toolSpans(h.otel)).toHaveLength(1);
  });

  it('wraps once however often it is enabled: two instances, the one-liner twice, the hook again', async () => {
    const call = StructuredTool.prototype.call;
    extra.push(new LangChainInstrumentation(), instrumentLangChain(), instrumentLangChain());
    h.instrumentation.enable();
    const esmTools = files(h.instrumentation).find((f) => f.name.endsWith('tools/index.js'))!;
    esmTools.patch(coreTools, '1.4.0');
    expect(StructuredTool.prototype.call).toBe(call);
    await add.invoke({ a: 1, b: 2 });
    expect(toolSpans(h.otel)).toHaveLength(1);
  });

  it('goes quiet only when every instance is disabled, its wrappers passing through', async () => {
    const wrapped = StructuredTool.prototype.call;
    const other = instrumentLangChain();
    h.instrumentation.disable();
    await add.invoke({ a: 1, b: 2 });
    expect(toolSpans(h.otel)).toHaveLength(1);
    other.disable();
    h.otel.reset();
    expect(await add.invoke({ a: 1, b: 2 })).toBe('3');
    expect(toolSpans(h.otel)).toEqual([]);
    h.instrumentation.enable();
    expect(StructuredTool.prototype.call).toBe(wrapped);
    await add.invoke({ a: 1, b: 2 });
    expect(toolSpans(h.otel)).toHaveLength(1);
  });

  it('leaves agent spans out with agentRuns: false (tool spans stay)', async () => {
    h.instrumentation.setConfig({ agentRuns: false });
    const model = fakeModel()
      .respondWithTools([{ name: 'add', args: { a: 1, b: 2 }, id: 'call_x' }])
      .respond(new AIMessage('done'));
    await createAgent({ model, tools: [add] }).invoke({ messages: [new HumanMessage('go')] });
    expect(h.otel.spans().filter((s) => s.name.startsWith('invoke_agent'))).toEqual([]);
    expect(toolSpans(h.otel)).toHaveLength(1);
  });

  it("records on another library's active execute_tool span for the same tool instead of a second one", async () => {
    await trace
      .getTracer('other-lib')
      .startActiveSpan(
        'execute_tool add',
        { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'add' } },
        async (span) => {
          await add.invoke({ a: 1, b: 2 });
          span.end();
        },
      );
    const span = one(h.otel, 'execute_tool add');
    expect(span.instrumentationScope.name).toBe('other-lib');
    expect(span.attributes['gen_ai.tool.type']).toBe('function');
  });

  it('runs a tool without a usable name untraced, result unchanged', async () => {
    const nameless = tool(async () => 'ok', { name: '', description: 'nameless' });
    expect(await nameless.invoke('x')).toBe('ok');
    expect(toolSpans(h.otel)).toEqual([]);
  });
});
