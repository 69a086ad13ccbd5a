/** LangChain tools of the tests, each opening a nested user span while it runs. */

import { DynamicStructuredTool, DynamicTool, StructuredTool, tool } from '@langchain/core/tools';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';

/**
 * Runs `fn` in a user span `inner(name)`: it must nest under the tool's span. The tracer is
 * looked up on each call: the test providers are registered after this module loads.
 */
export function inner<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return trace.getTracer('test-tools').startActiveSpan(`inner(${name})`, async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const add = tool(async ({ a, b }) => inner('add', async () => String(a + b)), {
  name: 'add',
  description: 'adds two numbers',
  schema: z.object({ a: z.number(), b: z.number() }),
});

export const boom = tool(
  async () =>
    inner('boom', async () => {
      throw new TypeError('kaboom');
    }),
  { name: 'boom', description: 'always fails', schema: z.object({}) },
);

export const slow = tool(
  async ({ ms }) =>
    inner('slow', async () => {
      await sleep(ms);
      return `slept ${ms}`;
    }),
  { name: 'slow', description: 'sleeps', schema: z.object({ ms: z.number() }) },
);

export const search = new DynamicStructuredTool({
  name: 'search',
  description: 'searches',
  schema: z.object({ q: z.string() }),
  func: async ({ q }) => inner('search', async () => `results for ${q}`),
});

export const shout = new DynamicTool({
  name: 'shout',
  description: 'upper-cases a string',
  func: async (input: string) => inner('shout', async () => input.toUpperCase()),
});

/** A tool written as a class, the oldest style. */
export class Weather extends StructuredTool {
  name = 'weather';
  description = 'the weather in a city';
  schema = z.object({ city: z.string() });
  protected async _call({ city }: { city: string }): Promise<string> {
    return inner('weather', async () => `sunny in ${city}`);
  }
}
