/**
 * (8) LangChain.js: the cost of `@toolscope/instrumentation-langchain` on the framework's own
 * calls, with toolscope set up as `startToolscope` sets it up (pre-aggregated metrics through
 * a MetricProducer, the in-process store on). Two workloads, each in interleaved rounds (the
 * order rotating each round), every variant measured in the same process:
 *
 * - agent: a `createAgent` run (`langchain`) with `fakeModel()` (no network) making one tool
 *   call: two model calls, one tool call, four graph steps;
 * - tool: `tool.invoke(args)` of a trivial `tool()` (the framework call with the least work
 *   of its own, so the instrumentation's fixed cost shows most).
 *
 * Variants: `bare` (the instrumentation disabled: once patched, LangChain's methods keep a
 * wrapper that passes straight through, one boolean check per call), `toolscope`
 * (enabled: one `execute_tool` span and histogram point per tool call, one `invoke_agent`
 * span and point per run), and, for the agent, `openllmetry`: OpenLLMetry's
 * `@traceloop/instrumentation-langchain` (a callback handler added to every
 * `CallbackManager`; spans for every chain, model and tool run; content off), switched on and
 * off per round by swapping the `CallbackManager._configureSync` it patches. Wall time per
 * call (median of rounds) and the per-round ratio to `bare`; CPU time per call too, which the
 * other processes of a shared machine disturb less.
 */
import { configureInstrumentation, InvocationStore } from '@toolscope/instrumentation';
import { enablePreAggregatedMetrics } from '@toolscope/instrumentation/internal';
import { ToolscopeMetricProducer } from '@toolscope/node';
import { baselineImport, optionalImport } from '../support/optional-import.ts';
import { createBenchOtel, registerContext } from '../support/otel.ts';
import { median, yieldToLoop } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

interface Switch {
  enable(): void;
  disable(): void;
}
interface InstrumentationModule {
  LangChainInstrumentation: new (config: { enabled: boolean }) => Switch;
}
interface Invokable {
  invoke(input: unknown): Promise<unknown>;
}
interface FakeModel {
  respondWithTools(calls: { name: string; args: unknown; id: string }[]): FakeModel;
  respond(message: unknown): FakeModel;
}
interface LangChain {
  tool: (
    fn: (input: { a: number }) => Promise<string>,
    fields: Record<string, unknown>,
  ) => Invokable;
  fakeModel: () => FakeModel;
  AIMessage: new (content: string) => unknown;
  HumanMessage: new (content: string) => unknown;
  createAgent: (params: Record<string, unknown>) => Invokable;
  CallbackManager: { _configureSync: unknown };
  z: { object(shape: Record<string, unknown>): unknown; number(): unknown };
}

async function loadLangChain(): Promise<LangChain | string> {
  const [tools, testing, messages, agents, callbacks, zod] = await Promise.all([
    optionalImport<Record<string, unknown>>('@langchain/core/tools'),
    optionalImport<Record<string, unknown>>('@langchain/core/testing'),
    optionalImport<Record<string, unknown>>('@langchain/core/messages'),
    optionalImport<Record<string, unknown>>('langchain'),
    optionalImport<Record<string, unknown>>('@langchain/core/callbacks/manager'),
    optionalImport<Record<string, unknown>>('zod'),
  ]);
  for (const m of [tools, testing, messages, agents, callbacks, zod]) {
    if (!m.ok) return `LangChain not installed: ${m.reason}`;
  }
  const get = (m: typeof tools) => (m.ok ? m.module : {});
  return {
    tool: get(tools).tool,
    fakeModel: get(testing).fakeModel,
    AIMessage: get(messages).AIMessage,
    HumanMessage: get(messages).HumanMessage,
    createAgent: get(agents).createAgent,
    CallbackManager: get(callbacks).CallbackManager,
    z: get(zod).z,
  } as LangChain;
}

/**
 * OpenLLMetry's LangChain instrumentation, as a switch: it patches `_configureSync` of the
 * ESM `CallbackManager` asynchronously and cannot be disabled, so the two versions of the
 * method are swapped instead.
 */
async function openllmetrySwitch(lc: LangChain): Promise<Switch | string> {
  const mod = await baselineImport<{
    LangChainInstrumentation: new (config: Record<string, unknown>) => unknown;
  }>('@traceloop/instrumentation-langchain');
  if (!mod.ok) return mod.reason;
  const manager = lc.CallbackManager;
  const original = manager._configureSync;
  new mod.module.LangChainInstrumentation({ traceContent: false });
  for (let i = 0; i < 200 && manager._configureSync === original; i++) await yieldToLoop();
  const patched = manager._configureSync;
  if (patched === original) return 'did not patch @langchain/core';
  manager._configureSync = original;
  return {
    enable: () => {
      manager._configureSync = patched;
    },
    disable: () => {
      manager._configureSync = original;
    },
  };
}

interface Workload {
  iterations: number;
  run(i: number): Promise<unknown>;
  variants: Record<string, Switch | undefined>;
}

async function measure(
  workload: Workload,
  rounds: number,
  warmup: number,
  all: Switch[],
): Promise<Record<string, number>> {
  const names = Object.keys(workload.variants);
  const wall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const wallRatio: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpuRatio: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    const perWall: Record<string, number> = {};
    const perCpu: Record<string, number> = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length]!;
      for (const s of all) s.disable();
      workload.variants[name]?.enable();
      await yieldToLoop();
      const cpu0 = process.cpuUsage();
      const start = process.hrtime.bigint();
      for (let i = 0; i < workload.iterations; i++) {
        await workload.run(i);
        if ((i & 63) === 63) await yieldToLoop();
      }
      perWall[name] = Number(process.hrtime.bigint() - start) / workload.iterations / 1000;
      const used = process.cpuUsage(cpu0);
      perCpu[name] = (used.user + used.system) / workload.iterations;
    }
    if (round < warmup) continue;
    for (const name of names) {
      wall[name]!.push(perWall[name]!);
      cpu[name]!.push(perCpu[name]!);
      wallRatio[name]!.push(perWall[name]! / perWall.bare!);
      cpuRatio[name]!.push(perCpu[name]! / perCpu.bare!);
    }
  }
  for (const s of all) s.disable();
  const out: Record<string, number> = {};
  for (const name of names) {
    out[`${name}.us`] = median(wall[name]!);
    out[`${name}.cpuUs`] = median(cpu[name]!);
    out[`${name}.xBare`] = median(wallRatio[name]!);
    out[`${name}.cpuXBare`] = median(cpuRatio[name]!);
  }
  return out;
}

export async function langchain(options: ScenarioOptions): Promise<ScenarioOutput> {
  const notes: Record<string, string> = {};
  const ours = await optionalImport<InstrumentationModule>('@toolscope/instrumentation-langchain');
  if (!ours.ok) return { metrics: {}, notes: { unavailable: ours.reason } };
  const lc = await loadLangChain();
  if (typeof lc === 'string') return { metrics: {}, notes: { unavailable: lc } };

  registerContext();
  const otel = createBenchOtel({ metricProducers: [new ToolscopeMetricProducer()] });
  configureInstrumentation({
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
  });
  enablePreAggregatedMetrics();
  const store = new InvocationStore();
  store.attach();

  const toolscope = new ours.module.LangChainInstrumentation({ enabled: false });
  const peer = await openllmetrySwitch(lc);
  if (typeof peer === 'string') notes.openllmetry = peer;
  const switches = [toolscope, ...(typeof peer === 'string' ? [] : [peer])];

  const echo = lc.tool(async ({ a }) => String(a), {
    name: 'echo',
    description: 'echoes a number',
    schema: lc.z.object({ a: lc.z.number() }),
  });
  const model = lc.fakeModel();
  const agent = lc.createAgent({ model, tools: [echo] });
  const question = new lc.HumanMessage('echo something');
  const answer = new lc.AIMessage('done');

  const agentWorkload: Workload = {
    iterations: options.quick ? 10 : 40,
    run: (i) => {
      model.respondWithTools([{ name: 'echo', args: { a: i }, id: `call_${i}` }]).respond(answer);
      return agent.invoke({ messages: [question] });
    },
    variants: {
      bare: undefined,
      toolscope,
      ...(typeof peer === 'string' ? {} : { openllmetry: peer }),
    },
  };
  const toolWorkload: Workload = {
    iterations: options.quick ? 200 : 1_000,
    run: (i) => echo.invoke({ a: i }),
    variants: { bare: undefined, toolscope },
  };
  const rounds = options.quick ? 2 : 24;
  const warmup = options.quick ? 1 : 4;
  const agentResults = await measure(agentWorkload, rounds, warmup, switches);
  const toolResults = await measure(toolWorkload, rounds, warmup, switches);
  store.close();

  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(agentResults)) metrics[`agent.${key}`] = value;
  for (const [key, value] of Object.entries(toolResults)) metrics[`tool.${key}`] = value;
  return { metrics, notes };
}
