/**
 * One process-wide hub, whatever the number of instances and copies of this package: two
 * copies (a second module instance, as an ESM and a CommonJS copy or two versions give) both
 * enabled still make one span per call, and the SDK gets its own storage back when the last
 * instance is disabled.
 */
import { Agent, run, tool } from '@openai/agents';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { TestOtel } from '../../../test/support/otel.ts';
import { call, say, scripted, setupAgentsOtel, toolSpansOf } from './helpers/agents.ts';

const STORAGE_KEY = Symbol.for('openai.agents.core.asyncLocalStorage');
const storageNow = () => (globalThis as Record<symbol, unknown>)[STORAGE_KEY];

let otel: TestOtel;
beforeAll(() => {
  otel = setupAgentsOtel();
});
afterAll(() => otel.shutdown());

const echo = tool({
  name: 'echo',
  description: 'x',
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }) => text,
});
const runOnce = () =>
  run(
    new Agent({
      name: 'Echoer',
      instructions: 'x',
      tools: [echo],
      model: scripted([call('echo', { text: 'hi' }, 'call_1')], [say('ok')]),
    }),
    'go',
  );

it('records each call once with two copies of the package enabled, until both are disabled', async () => {
  const before = storageNow();
  const first = await import('../src/index.ts');
  vi.resetModules();
  const second = await import('../src/index.ts');
  expect(second.OpenAIAgentsInstrumentation).not.toBe(first.OpenAIAgentsInstrumentation);

  const a = first.instrumentOpenAIAgents();
  const b = new second.OpenAIAgentsInstrumentation();
  const wrapped = storageNow();
  expect(wrapped).not.toBe(before);
  await runOnce();
  expect(toolSpansOf(otel, 'echo')).toHaveLength(1);

  a.disable();
  otel.reset();
  await runOnce();
  expect(toolSpansOf(otel, 'echo')).toHaveLength(1);

  b.disable();
  otel.reset();
  await runOnce();
  expect(otel.spans()).toHaveLength(0);
  // The SDK's own storage is back (toolscope's only delegated to it).
  expect(storageNow()).not.toBe(wrapped);

  a.enable();
  await runOnce();
  expect(toolSpansOf(otel, 'echo')).toHaveLength(1);
  a.disable();
});
