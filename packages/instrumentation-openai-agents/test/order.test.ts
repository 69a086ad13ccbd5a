/**
 * Enabled before the Agents SDK is loaded (this file imports the SDK only after enabling, so it
 * runs in a process where no copy of the SDK exists yet): toolscope registers when the SDK
 * creates its trace provider, survives `@openai/agents` replacing the processor list at load,
 * reports call ids from the first run, and says once that the SDK's tracing is off.
 */
import { DiagLogLevel } from '@opentelemetry/api';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { captureDiag } from '../../../test/support/diag.ts';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { instrumentOpenAIAgents, type OpenAIAgentsInstrumentation } from '../src/index.ts';

const PROVIDER_KEY = Symbol.for('openai.agents.core.traceProvider');

let otel: TestOtel;
let instrumentation: OpenAIAgentsInstrumentation;
const diag = captureDiag(DiagLogLevel.WARN);
// The SDK's OpenAI exporter (installed when `@openai/agents` loads) says it has no API key
// when it flushes; this test drops it, but the flush is asynchronous.
const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});

beforeAll(() => {
  otel = setupTestOtel();
});
afterAll(async () => {
  instrumentation?.disable();
  await otel.shutdown();
  diag.restore();
  consoleError.mockRestore();
});

it('works when enabled before @openai/agents is imported', async () => {
  expect((globalThis as Record<symbol, unknown>)[PROVIDER_KEY]).toBeUndefined();
  instrumentation = instrumentOpenAIAgents();
  instrumentOpenAIAgents(); // twice: still one processor

  const { Agent, run, setTraceProcessors, setTracingDisabled, tool } = await import(
    '@openai/agents'
  );
  const { ScriptedModel, assistantMessage, functionCall } = await import(
    '@openai/agents-core/testing'
  );
  const { z } = await import('zod');
  // vitest runs with NODE_ENV=test, which turns the SDK's tracing off: toolscope said so.
  expect(diag.messages.filter((m) => m.includes('tracing disabled'))).toHaveLength(1);
  setTracingDisabled(false);

  const lookup = tool({
    name: 'lookup',
    description: 'x',
    parameters: z.object({ q: z.string() }),
    execute: async ({ q }) => `found ${q}`,
  });
  const agent = () =>
    new Agent({
      name: 'Early',
      instructions: 'x',
      tools: [lookup],
      model: new ScriptedModel([
        [functionCall('lookup', { q: 'a' }, { callId: 'call_early' })],
        [assistantMessage('ok')],
      ]),
    });
  // The SDK's own entry point replaced the processor list when it loaded; toolscope is in it.
  await run(agent(), 'go');
  setTraceProcessors([]);
  await run(agent(), 'go');

  const tools = otel.spans().filter((s) => s.name === 'execute_tool lookup');
  expect(tools.map((s) => s.attributes['gen_ai.tool.call.id'])).toEqual([
    'call_early',
    'call_early',
  ]);
  expect(otel.spans().filter((s) => s.name === 'invoke_agent Early')).toHaveLength(2);
});
