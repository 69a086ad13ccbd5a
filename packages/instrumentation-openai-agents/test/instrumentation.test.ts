import {
  Agent,
  addTraceProcessor,
  Runner,
  run,
  setTraceProcessors,
  type TracingProcessor,
  tool,
} from '@openai/agents';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  configureInstrumentation,
  resetInstrumentation,
  traceTool,
  withCorrelationId,
  withWorkflow,
} from '@toolscope/instrumentation';
import {
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
} from '@toolscope/instrumentation/internal';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TestOtel } from '../../../test/support/otel.ts';
import { instrumentOpenAIAgents, type OpenAIAgentsInstrumentation } from '../src/index.ts';
import {
  attributeSetsOf,
  call,
  idOf,
  isAgentSpan,
  isToolSpan,
  names,
  only,
  parentOf,
  pointsOf,
  say,
  scripted,
  setupAgentsOtel,
  toolSpansOf,
} from './helpers/agents.ts';

let otel: TestOtel;
let instrumentation: OpenAIAgentsInstrumentation;

beforeAll(() => {
  otel = setupAgentsOtel();
  instrumentation = instrumentOpenAIAgents();
});
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(async () => {
  instrumentation.disable();
  await otel.shutdown();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A weather tool named `name` that takes a few ms. */
function weather(name: string, execute?: (city: string) => Promise<string>) {
  return tool({
    name,
    description: 'the weather in a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      if (execute !== undefined) return execute(city);
      await pause(5);
      return `sunny in ${city}`;
    },
  });
}

const toolPoints = (tool: string, errorType?: string) =>
  pointsOf(
    otel,
    METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
    (a) => a['gen_ai.tool.name'] === tool && a['error.type'] === errorType,
  );

const agentPoints = (agent: string, errorType?: string) =>
  pointsOf(
    otel,
    METRIC_GEN_AI_INVOKE_AGENT_DURATION,
    (a) => a['gen_ai.agent.name'] === agent && a['error.type'] === errorType,
  );

/** An agent `name` whose model calls its one tool `{name}_tool` for Paris, then answers. */
const parisAgent = (name: string) =>
  new Agent({
    name,
    instructions: 'x',
    tools: [weather(`${name}_tool`, async (city) => `sunny in ${city}`)],
    model: scripted([call(`${name}_tool`, { city: 'Paris' }, 'call_c')], [say('ok')]),
  });

/** The tool outputs the SDK gave the model in a run. */
const outputsOf = (result: { newItems: { type: string }[] }) =>
  result.newItems
    .filter((i) => i.type === 'tool_call_output_item')
    .map((i) => (i as unknown as { output: unknown }).output);

describe('tool calls', () => {
  it('gives each call one execute_tool span under the agent, under the caller’s workflow, and one histogram point', async () => {
    const agent = new Agent({
      name: 'Planner',
      instructions: 'plan',
      tools: [weather('get_weather')],
      model: scripted(
        [
          call('get_weather', { city: 'Paris' }, 'call_p'),
          call('get_weather', { city: 'Oslo' }, 'call_o'),
        ],
        [call('get_weather', { city: 'Rome' }, 'call_r')],
        [say('done')],
      ),
    });
    const steps = await withWorkflow({ name: 'trip', totalSteps: 3 }, async (wf) => {
      const result = await run(agent, 'plan a trip');
      expect(result.finalOutput).toBe('done');
      return wf.stepsCompleted;
    });

    const workflow = only(otel, 'invoke_workflow trip');
    const agentSpan = only(otel, 'invoke_agent Planner');
    const tools = toolSpansOf(otel, 'get_weather');
    expect(tools.map((s) => s.attributes['gen_ai.tool.call.id']).sort()).toEqual([
      'call_o',
      'call_p',
      'call_r',
    ]);
    expect(otel.spans().filter(isToolSpan)).toHaveLength(3);
    expect(parentOf(agentSpan)).toBe(idOf(workflow));
    expect(agentSpan.spanContext().traceId).toBe(workflow.spanContext().traceId);
    for (const s of tools) {
      expect(s.name).toBe('execute_tool get_weather');
      expect(parentOf(s)).toBe(idOf(agentSpan));
      expect(s.attributes).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.type': 'function',
      });
      expect(s.status.code).toBe(SpanStatusCode.UNSET);
    }
    expect(agentSpan.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'Planner',
    });
    expect(await toolPoints('get_weather')).toBe(3);
    expect(await agentPoints('Planner')).toBe(1);
    // Three model turns, each one step of the workflow.
    expect(steps).toBe(3);
    expect(workflow.attributes['toolscope.workflow.outcome']).toBe('completed');
  });

  it('a turn in which a tool call failed is not a completed step: the workflow ends partial', async () => {
    const hostile = {
      get message(): string {
        throw new Error('hostile message getter');
      },
      toString(): string {
        throw new Error('hostile toString');
      },
    };
    const agent = new Agent({
      name: 'Failing',
      instructions: 'x',
      tools: [
        weather('fine_tool', async (city) => `sunny in ${city}`),
        weather('json_tool'),
        weather('throwing_tool', async () => {
          throw new Error('down');
        }),
        weather('hostile_tool', async () => {
          throw hostile;
        }),
      ],
      model: scripted(
        [
          call('fine_tool', { city: 'Paris' }, 'call_ok'),
          call('json_tool', '{"city":', 'call_json'),
          call('throwing_tool', { city: 'Oslo' }, 'call_throw'),
          call('hostile_tool', { city: 'Rome' }, 'call_hostile'),
        ],
        [say('done despite failures')],
      ),
    });
    const steps = await withWorkflow({ name: 'failing-turn', totalSteps: 2 }, async (wf) => {
      expect((await run(agent, 'go')).finalOutput).toBe('done despite failures');
      return wf.stepsCompleted;
    });
    const failed = otel
      .spans()
      .filter(isToolSpan)
      .filter((s) => s.status.code === SpanStatusCode.ERROR);
    expect(failed).toHaveLength(3);
    // Turn 1 failed three of its four tool calls; only turn 2 completed.
    expect(steps).toBe(1);
    const workflow = only(otel, 'invoke_workflow failing-turn');
    expect(workflow.attributes['toolscope.workflow.steps.completed']).toBe(1);
    expect(workflow.attributes['toolscope.workflow.outcome']).toBe('partial');
  });

  it('runs parallel calls in overlapping spans, each with its own id and parent', async () => {
    const agent = new Agent({
      name: 'Parallel',
      instructions: 'x',
      tools: [
        weather('slow_weather', async (city) => {
          await pause(30);
          return city;
        }),
      ],
      model: scripted(
        [
          call('slow_weather', { city: 'A' }, 'call_a'),
          call('slow_weather', { city: 'B' }, 'call_b'),
        ],
        [say('ok')],
      ),
    });
    await run(agent, 'go');
    const [a, b] = toolSpansOf(otel, 'slow_weather').sort(
      (x, y) => x.startTime[1] - y.startTime[1] + (x.startTime[0] - y.startTime[0]) * 1e9,
    );
    const ns = (t: [number, number]) => t[0] * 1e9 + t[1];
    expect(ns(b!.startTime)).toBeLessThan(ns(a!.endTime));
    expect(new Set([a, b].map((s) => s!.attributes['gen_ai.tool.call.id']))).toEqual(
      new Set(['call_a', 'call_b']),
    );
    expect(parentOf(a!)).toBe(parentOf(b!));
    // Outside any workflow the agent span is a root.
    expect(parentOf(only(otel, 'invoke_agent Parallel'))).toBeUndefined();
  });

  it('makes the tool’s span active while it runs: its own spans nest under it, a traceTool of the same call joins it', async () => {
    const lookup = traceTool(async (city: string) => `${city}: 20°C`, { name: 'forecast' });
    const byCallId = traceTool(async (city: string) => `${city}: dry`, {
      name: 'forecast_backend',
      callId: () => 'call_f',
    });
    const forecast = weather('forecast', async (city) => {
      const inner = trace.getTracer('app').startSpan('http GET /forecast');
      inner.end();
      return `${await lookup(city)} ${await byCallId(city)}`;
    });
    const agent = new Agent({
      name: 'Forecaster',
      instructions: 'x',
      tools: [forecast],
      model: scripted([call('forecast', { city: 'Paris' }, 'call_f')], [say('ok')]),
    });
    const result = await run(agent, 'go');
    expect(result.finalOutput).toBe('ok');

    const spans = otel.spans();
    const toolSpan = only(otel, 'execute_tool forecast');
    expect(spans.filter(isToolSpan).map((s) => s.name)).toEqual(['execute_tool forecast']);
    expect(parentOf(only(otel, 'http GET /forecast'))).toBe(idOf(toolSpan));
    expect(await toolPoints('forecast')).toBe(1);
    expect(await toolPoints('forecast_backend')).toBe(0);
  });

  it('keeps the SDK’s result exactly as it is', async () => {
    expect(outputsOf(await run(parisAgent('echo'), 'go'))).toEqual(['sunny in Paris']);
  });
});

describe('failed calls', () => {
  it('records a tool that threw, with the SDK’s default error handling, as a failed call; the run goes on', async () => {
    const agent = new Agent({
      name: 'Thrower',
      instructions: 'x',
      tools: [weather('flaky', async () => Promise.reject(new TypeError('kaboom secret')))],
      model: scripted([call('flaky', { city: 'X' }, 'call_t')], [say('recovered')]),
    });
    const result = await run(agent, 'go');
    expect(result.finalOutput).toBe('recovered');
    const span = only(otel, 'execute_tool flaky');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    // The SDK redacts the exception by default: only the fact of the failure is known.
    expect(span.attributes['error.type']).toBe('_OTHER');
    expect(JSON.stringify(span.events)).not.toContain('secret');
    expect(await toolPoints('flaky', '_OTHER')).toBe(1);
    expect(await toolPoints('flaky')).toBe(0);
  });

  it('takes the exception’s class when the SDK keeps it (custom errorFunction; errorFunction: null fails the run)', async () => {
    const custom = tool({
      name: 'custom_flaky',
      description: 'x',
      parameters: z.object({ city: z.string() }),
      execute: async () => {
        throw new RangeError('out of range');
      },
      errorFunction: (_ctx, err) => `failed: ${String(err)}`,
    });
    const strict = tool({
      name: 'strict_flaky',
      description: 'x',
      parameters: z.object({ city: z.string() }),
      execute: async () => {
        throw new TypeError('boom');
      },
      errorFunction: null,
    });
    const agent = new Agent({
      name: 'Strict',
      instructions: 'x',
      tools: [custom, strict],
      model: scripted(
        [call('custom_flaky', { city: 'X' }, 'call_c')],
        [call('strict_flaky', { city: 'X' }, 'call_s')],
        [say('never')],
      ),
    });
    await expect(run(agent, 'go')).rejects.toMatchObject({ name: 'ToolCallError' });
    expect(only(otel, 'execute_tool custom_flaky').attributes['error.type']).toBe('RangeError');
    expect(only(otel, 'execute_tool strict_flaky').attributes['error.type']).toBe('TypeError');
    const agentSpan = only(otel, 'invoke_agent Strict');
    expect(agentSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(agentSpan.attributes['error.type']).toBe('ToolCallError');
    expect(await agentPoints('Strict', 'ToolCallError')).toBe(1);
  });

  it('records arguments that are not JSON, and arguments that fail the schema, as failed calls', async () => {
    const agent = new Agent({
      name: 'Typed',
      instructions: 'x',
      tools: [weather('typed_weather')],
      model: scripted(
        [
          call('typed_weather', '{"city":', 'call_json'),
          call('typed_weather', { town: 1 }, 'call_schema'),
        ],
        [say('ok')],
      ),
    });
    expect((await run(agent, 'go')).finalOutput).toBe('ok');
    const spans = toolSpansOf(otel, 'typed_weather');
    expect(spans).toHaveLength(2);
    // Not JSON: the SDK fails the call before starting the tool. Schema: the SDK redacts the
    // details of invalid input (OPENAI_AGENTS_DONT_LOG_TOOL_DATA), so it looks like a throw.
    expect(spans.map((s) => s.attributes['error.type']).sort()).toEqual([
      'InvalidToolInputError',
      '_OTHER',
    ]);
    const schema = spans.find((s) => s.attributes['error.type'] === '_OTHER')!;
    expect(schema.attributes['gen_ai.tool.call.id']).toBe('call_schema');
    for (const s of spans) expect(s.status.code).toBe(SpanStatusCode.ERROR);
    expect(await toolPoints('typed_weather', 'InvalidToolInputError')).toBe(1);
    expect(await toolPoints('typed_weather', '_OTHER')).toBe(1);
  });

  it('records a call the model made to a tool the agent lacks, and the run that failed on it', async () => {
    const agent = new Agent({
      name: 'Lost',
      instructions: 'x',
      tools: [weather('real_tool')],
      model: scripted([call('no_such_tool', {}, 'call_n')], [say('never')]),
    });
    await withWorkflow({ name: 'lost' }, async () => {
      await expect(run(agent, 'go')).rejects.toMatchObject({ name: 'ModelBehaviorError' });
    });
    const agentSpan = only(otel, 'invoke_agent Lost');
    const unknown = only(otel, 'execute_tool no_such_tool');
    expect(parentOf(unknown)).toBe(idOf(agentSpan));
    expect(unknown.attributes['error.type']).toBe('tool_not_found');
    expect(unknown.status.code).toBe(SpanStatusCode.ERROR);
    expect(agentSpan.attributes['error.type']).toBe('ModelBehaviorError');
    expect(await toolPoints('no_such_tool', 'tool_not_found')).toBe(1);
  });

  it('records a rejected approval as a failed call, and the approved one on resume', async () => {
    const guarded = tool({
      name: 'delete_records',
      description: 'x',
      parameters: z.object({ id: z.string() }),
      needsApproval: true,
      execute: async ({ id }) => `deleted ${id}`,
    });
    const agent = new Agent({
      name: 'Admin',
      instructions: 'x',
      tools: [guarded],
      model: scripted(
        [
          call('delete_records', { id: 'a' }, 'call_a'),
          call('delete_records', { id: 'b' }, 'call_b'),
        ],
        [say('done')],
      ),
    });
    const first = await run(agent, 'go');
    expect(first.interruptions).toHaveLength(2);
    expect(toolSpansOf(otel, 'delete_records')).toHaveLength(0);
    const [a, b] = first.interruptions!;
    first.state.approve(a!);
    first.state.reject(b!);
    const second = await run(agent, first.state);
    expect(second.finalOutput).toBe('done');
    const spans = toolSpansOf(otel, 'delete_records');
    const byCall = Object.fromEntries(
      spans.map((s) => [s.attributes['gen_ai.tool.call.id'] ?? 'none', s.attributes['error.type']]),
    );
    expect(spans).toHaveLength(2);
    expect(byCall.call_a).toBeUndefined();
    expect(Object.values(byCall)).toContain('tool_rejected');
    expect(await toolPoints('delete_records', 'tool_rejected')).toBe(1);
    expect(await toolPoints('delete_records')).toBe(1);
  });
});

describe('agents', () => {
  it('records a handoff as an event on the handing agent and a link from the receiving one', async () => {
    const specialist = new Agent({
      name: 'Specialist',
      instructions: 'x',
      tools: [weather('specialist_weather')],
      model: scripted([call('specialist_weather', { city: 'Oslo' }, 'call_s')], [say('answered')]),
    });
    const triage = new Agent({
      name: 'Triage',
      instructions: 'x',
      handoffs: [specialist],
      model: scripted([call('transfer_to_Specialist', {}, 'call_h')]),
    });
    await withWorkflow({ name: 'support' }, async () => {
      expect((await run(triage, 'help')).finalOutput).toBe('answered');
    });
    const workflow = only(otel, 'invoke_workflow support');
    const from = only(otel, 'invoke_agent Triage');
    const to = only(otel, 'invoke_agent Specialist');
    expect(parentOf(from)).toBe(idOf(workflow));
    expect(parentOf(to)).toBe(idOf(workflow));
    expect(from.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'toolscope.agent.handoff',
        { 'toolscope.handoff.from_agent': 'Triage', 'toolscope.handoff.to_agent': 'Specialist' },
      ],
    ]);
    expect(to.links.map((l) => [l.context.spanId, l.attributes])).toEqual([
      [idOf(from), { 'toolscope.handoff.from_agent': 'Triage' }],
    ]);
    expect(parentOf(only(otel, 'execute_tool specialist_weather'))).toBe(idOf(to));
    // The handoff itself is not a tool call.
    expect(
      otel
        .spans()
        .filter(isToolSpan)
        .map((s) => s.name),
    ).toEqual(['execute_tool specialist_weather']);
  });

  it('nests an agent used as a tool under that tool’s span; its turns are not workflow steps', async () => {
    const researcher = new Agent({
      name: 'Researcher',
      instructions: 'x',
      tools: [weather('research_weather')],
      model: scripted(
        [call('research_weather', { city: 'Quito' }, 'call_inner')],
        [say('research done')],
      ),
    });
    const lead = new Agent({
      name: 'Lead',
      instructions: 'x',
      tools: [researcher.asTool({ toolName: 'research', toolDescription: 'ask the researcher' })],
      model: scripted([call('research', { input: 'quito' }, 'call_outer')], [say('lead done')]),
    });
    const steps = await withWorkflow({ name: 'nested', totalSteps: 2 }, async (wf) => {
      expect((await run(lead, 'go')).finalOutput).toBe('lead done');
      return wf.stepsCompleted;
    });
    const leadSpan = only(otel, 'invoke_agent Lead');
    const outer = only(otel, 'execute_tool research');
    const inner = only(otel, 'invoke_agent Researcher');
    const innerTool = only(otel, 'execute_tool research_weather');
    expect(parentOf(outer)).toBe(idOf(leadSpan));
    expect(parentOf(inner)).toBe(idOf(outer));
    expect(parentOf(innerTool)).toBe(idOf(inner));
    expect(outer.attributes['gen_ai.tool.call.id']).toBe('call_outer');
    expect(innerTool.attributes['gen_ai.tool.call.id']).toBe('call_inner');
    expect(otel.spans().filter(isAgentSpan)).toHaveLength(2);
    expect(steps).toBe(2);
  });

  it('traces streamed runs the same way', async () => {
    const agent = new Agent({
      name: 'Streamer',
      instructions: 'x',
      tools: [weather('stream_weather')],
      model: scripted([call('stream_weather', { city: 'Bern' }, 'call_st')], [say('streamed')]),
    });
    await withWorkflow({ name: 'streaming' }, async () => {
      const result = await run(agent, 'go', { stream: true });
      for await (const _event of result.toStream()) {
        // drain
      }
      await result.completed;
      expect(result.finalOutput).toBe('streamed');
    });
    const agentSpan = only(otel, 'invoke_agent Streamer');
    const toolSpan = only(otel, 'execute_tool stream_weather');
    expect(parentOf(agentSpan)).toBe(idOf(only(otel, 'invoke_workflow streaming')));
    expect(parentOf(toolSpan)).toBe(idOf(agentSpan));
    expect(toolSpan.attributes['gen_ai.tool.call.id']).toBe('call_st');
    expect(await toolPoints('stream_weather')).toBe(1);
  });
});

describe('content, correlation, registration', () => {
  it('captures no content by default, whatever the SDK’s traceIncludeSensitiveData says', async () => {
    await new Runner({ traceIncludeSensitiveData: true }).run(parisAgent('private'), 'go');
    const span = only(otel, 'execute_tool private_tool');
    expect(span.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    expect(span.attributes['gen_ai.tool.call.result']).toBeUndefined();
  });

  it('captures arguments and results when the user opted in, even with the SDK’s own capture off', async () => {
    configureInstrumentation({ captureContent: true });
    await new Runner({ traceIncludeSensitiveData: false }).run(parisAgent('shared'), 'go');
    const span = only(otel, 'execute_tool shared_tool');
    expect(span.attributes['gen_ai.tool.call.arguments']).toBe('{"city":"Paris"}');
    expect(span.attributes['gen_ai.tool.call.result']).toBe('sunny in Paris');
  });

  it('captures content per the integration’s own option, over the process-wide setting', async () => {
    configureInstrumentation({ captureContent: true });
    instrumentation.setConfig({ captureContent: false });
    try {
      await run(parisAgent('overridden'), 'go');
    } finally {
      instrumentation.setConfig({});
    }
    expect(
      only(otel, 'execute_tool overridden_tool').attributes['gen_ai.tool.call.arguments'],
    ).toBe(undefined);
  });

  it('puts the correlation ID on spans and never on metrics', async () => {
    await withCorrelationId('req-42', () =>
      withWorkflow({ name: 'correlated' }, () => run(parisAgent('correlated'), 'go')),
    );
    expect(only(otel, 'execute_tool correlated_tool').attributes['toolscope.correlation_id']).toBe(
      'req-42',
    );
    expect(only(otel, 'invoke_agent correlated').attributes['toolscope.correlation_id']).toBe(
      'req-42',
    );
    const sets = [
      ...(await attributeSetsOf(otel, METRIC_GEN_AI_EXECUTE_TOOL_DURATION, () => true)),
      ...(await attributeSetsOf(otel, METRIC_GEN_AI_INVOKE_AGENT_DURATION, () => true)),
    ];
    expect(sets.length).toBeGreaterThan(0);
    for (const attributes of sets) {
      expect(Object.keys(attributes)).not.toContain('toolscope.correlation_id');
      expect(Object.keys(attributes)).not.toContain('gen_ai.tool.call.id');
    }
  });

  it('stays one span per call when enabled again, and records nothing once every instance is disabled', async () => {
    const again = instrumentOpenAIAgents();
    again.enable();
    await run(parisAgent('twice'), 'go');
    expect(toolSpansOf(otel, 'twice_tool')).toHaveLength(1);
    expect(otel.spans().filter(isAgentSpan)).toHaveLength(1);

    again.disable();
    instrumentation.disable();
    otel.reset();
    await run(parisAgent('off'), 'go');
    expect(names(otel)).toBe('');

    instrumentation.enable();
    await run(parisAgent('back'), 'go');
    expect(toolSpansOf(otel, 'back_tool')).toHaveLength(1);
  });

  it('leaves the user’s processors in place and keeps its own across setTraceProcessors', async () => {
    const seen: string[] = [];
    const mine: TracingProcessor = {
      onTraceStart: async () => {},
      onTraceEnd: async () => {},
      onSpanStart: async () => {},
      onSpanEnd: async (span) => {
        if (span.spanData.type === 'function') seen.push(span.spanData.name);
      },
      shutdown: async () => {},
      forceFlush: async () => {},
    };
    addTraceProcessor(mine);
    await run(parisAgent('added'), 'go');
    setTraceProcessors([mine]);
    await run(parisAgent('replaced'), 'go');
    setTraceProcessors([]);
    expect(seen).toEqual(['added_tool', 'replaced_tool']);
    expect(toolSpansOf(otel, 'added_tool')).toHaveLength(1);
    expect(toolSpansOf(otel, 'replaced_tool')).toHaveLength(1);
  });
});

describe('never breaks the run', () => {
  it('keeps the run and the span when the user’s redact hook throws', async () => {
    configureInstrumentation({
      captureContent: true,
      redact: () => {
        throw new Error('hook failure');
      },
    });
    const result = await run(parisAgent('redacting'), 'go');
    expect(outputsOf(result)).toEqual(['sunny in Paris']);
    const span = only(otel, 'execute_tool redacting_tool');
    expect(span.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('keeps the run when the tracer throws', async () => {
    configureInstrumentation({
      tracerProvider: {
        getTracer: () => {
          throw new Error('broken provider');
        },
      },
    });
    const result = await run(parisAgent('untraced'), 'go');
    expect(result.finalOutput).toBe('ok');
    expect(outputsOf(result)).toEqual(['sunny in Paris']);
  });

  it('bounds a tool name the model made up', async () => {
    const long = `x${'y'.repeat(5_000)}`;
    const agent = new Agent({
      name: 'Bounded',
      instructions: 'x',
      tools: [weather('bounded_tool')],
      model: scripted([call(long, {}, 'call_long')]),
    });
    await expect(run(agent, 'go')).rejects.toMatchObject({ name: 'ModelBehaviorError' });
    const span = otel.spans().find((s) => s.attributes['error.type'] === 'tool_not_found');
    expect(span).toBeDefined();
    expect(String(span!.attributes['gen_ai.tool.name']).length).toBeLessThanOrEqual(256);
    expect(span!.name.length).toBeLessThanOrEqual(300);
  });
});
