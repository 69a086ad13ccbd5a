/**
 * MCP tools through the Agents SDK (`MCPServerStdio`, which uses `@modelcontextprotocol/client`
 * 2.x) against a real stdio MCP server on `@modelcontextprotocol/server` 2.x: one tool span per
 * call, parented under the agent in the caller's workflow, with and without toolscope's MCP
 * instrumentation loaded (its zero-code hook, in a process of its own). With it, the MCP call
 * enriches the active `execute_tool` span (the core's adoption rule) instead of opening a
 * `tools/call` span of its own.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import type { MCPServerStdio } from '@openai/agents';
import { trace } from '@opentelemetry/api';
import { currentToolInvocation, withTool } from '@toolscope/instrumentation';
import { METRIC_GEN_AI_EXECUTE_TOOL_DURATION } from '@toolscope/instrumentation/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestOtel } from '../../../test/support/otel.ts';
import { instrumentOpenAIAgents, type OpenAIAgentsInstrumentation } from '../src/index.ts';
import { connectTinyServer, runMcpScenario, serverPid } from './fixtures/mcp-scenario.ts';
import { idOf, only, parentOf, pointsOf, setupAgentsOtel } from './helpers/agents.ts';

interface SpanSummary {
  name: string;
  id: string;
  parent: string | undefined;
  attributes: Record<string, unknown>;
}

/** The spans that stand for one call of MCP tool `tool` (toolscope's or the MCP layer's). */
const callSpans = (spans: SpanSummary[], tool: string) =>
  spans.filter(
    (s) =>
      s.attributes['gen_ai.tool.name'] === tool &&
      (s.attributes['gen_ai.operation.name'] === 'execute_tool' ||
        s.attributes['mcp.method.name'] === 'tools/call'),
  );

/**
 * One span per call, under the agent, under the workflow: what must hold in every set-up. With
 * toolscope's MCP instrumentation loaded (`mcpLayer`), the MCP call enriches that one span: the
 * MCP attributes, and the server's `isError` result as `tool_error`.
 */
function expectOneSpanPerCall(spans: SpanSummary[], mcpLayer = false): void {
  const workflow = spans.filter((s) => s.name === 'invoke_workflow mcp_workflow');
  const agent = spans.filter((s) => s.name === 'invoke_agent Calculator');
  expect(workflow).toHaveLength(1);
  expect(agent).toHaveLength(1);
  expect(agent[0]!.parent).toBe(workflow[0]!.id);
  for (const [tool, callId] of [
    ['add', 'call_add'],
    ['fail', 'call_fail'],
  ] as const) {
    const found = callSpans(spans, tool);
    expect(found.map((s) => s.name)).toEqual([`execute_tool ${tool}`]);
    expect(found[0]!.parent).toBe(agent[0]!.id);
    expect(found[0]!.attributes).toMatchObject({
      'gen_ai.tool.type': 'extension',
      'gen_ai.tool.call.id': callId,
      'toolscope.mcp.server.name': 'tiny',
    });
  }
  // The server's `isError` result is visible only through the MCP layer.
  const failed = callSpans(spans, 'fail')[0]!.attributes['error.type'];
  if (mcpLayer) {
    expect(failed).toBe('tool_error');
    for (const tool of ['add', 'fail']) {
      expect(callSpans(spans, tool)[0]!.attributes['mcp.method.name']).toBe('tools/call');
    }
  } else {
    expect([undefined, 'tool_error']).toContain(failed);
  }
}

describe('in process, with a stand-in MCP client layer', () => {
  let otel: TestOtel;
  let instrumentation: OpenAIAgentsInstrumentation;
  let server: MCPServerStdio;
  /** What `Client.callTool` saw: the active span and toolscope invocation. */
  const seen: string[] = [];
  const callTool = Client.prototype.callTool;

  beforeAll(async () => {
    // The contract with an MCP client layer: during `Client.callTool` the call's execute_tool
    // span is active with toolscope's invocation, so a layer using the core's rule (as
    // `withTool` does here, and toolscope's MCP instrumentation does) joins it.
    Client.prototype.callTool = function (this: Client, ...args: Parameters<Client['callTool']>) {
      const name = args[0].name;
      seen.push(
        `${name}: ${trace.getActiveSpan() !== undefined ? 'span' : 'none'} ${currentToolInvocation()?.name}`,
      );
      return withTool({ name, type: 'extension' }, async (invocation) => {
        const result = await callTool.apply(this, args);
        if (result.isError === true) invocation.fail('tool_error');
        return result;
      });
    } as Client['callTool'];
    otel = setupAgentsOtel();
    instrumentation = instrumentOpenAIAgents();
    server = await connectTinyServer();
  });
  afterAll(async () => {
    Client.prototype.callTool = callTool;
    const pid = serverPid(server);
    await server?.close();
    instrumentation?.disable();
    await otel?.shutdown();
    // The server process is gone (bounded wait: closing the transport ends it).
    if (pid !== undefined) {
      const deadline = Date.now() + 5_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(isAlive(pid)).toBe(false);
    }
  });

  it('gives each MCP tool call one execute_tool span under the agent and one histogram point', async () => {
    expect(serverPid(server)).toBeTypeOf('number');
    expect(await runMcpScenario(server)).toBe('computed');
    const spans: SpanSummary[] = otel.spans().map((s) => ({
      name: s.name,
      id: idOf(s),
      parent: parentOf(s),
      attributes: s.attributes,
    }));
    expectOneSpanPerCall(spans);
    expect(seen.sort()).toEqual(['add: span add', 'fail: span fail']);
    // The layer's verdict on the server's isError result lands on the one span.
    expect(callSpans(spans, 'fail')[0]!.attributes['error.type']).toBe('tool_error');
    const add = callSpans(spans, 'add')[0]!;
    expect(otel.spans().find((s) => idOf(s) === add.id)?.name).toBe('execute_tool add');
    expect(parentOf(only(otel, 'invoke_agent Calculator'))).toBe(
      idOf(only(otel, 'invoke_workflow mcp_workflow')),
    );
    const points = (tool: string) =>
      pointsOf(
        otel,
        METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
        (a) => a['gen_ai.tool.name'] === tool && a['gen_ai.tool.type'] === 'extension',
      );
    expect(await points('add')).toBe(1);
    expect(await points('fail')).toBe(1);
    expect(
      await pointsOf(
        otel,
        METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
        (a) => a['error.type'] === 'tool_error',
      ),
    ).toBe(1);
  });
});

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs `fixtures/mcp-app.ts` in its own process with `flags`; returns its spans. */
async function runApp(flags: string[]): Promise<SpanSummary[]> {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=toolscope-source', ...flags, 'test/fixtures/mcp-app.ts'],
    { cwd: packageDir, timeout: 60_000 },
  );
  const line = stdout.trim().split('\n').at(-1) ?? '[]';
  return JSON.parse(line) as SpanSummary[];
}

describe('in an application of its own', () => {
  it('one span per call with the Agents integration alone', async () => {
    expectOneSpanPerCall(await runApp([]));
  });

  it('one span per call with toolscope’s MCP instrumentation loaded too (zero-code hook)', async () => {
    expectOneSpanPerCall(
      await runApp(['--import', '@toolscope/instrumentation-mcp/register']),
      true,
    );
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
