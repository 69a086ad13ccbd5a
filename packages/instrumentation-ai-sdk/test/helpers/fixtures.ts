/**
 * The AI SDK runs the tests drive: the real `ai` package with its own mock model
 * (`MockLanguageModelV4` from `ai/test`), no network. Step 1 asks for five tool calls — a
 * success, a tool that throws, invalid input, an unknown tool, an async-generator tool with a
 * preliminary result — and step 2 answers with text.
 */

import { trace } from '@opentelemetry/api';
import {
  generateText,
  type LanguageModel,
  type ModelMessage,
  stepCountIs,
  streamText,
  type TelemetryOptions,
  type ToolSet,
  tool,
} from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { z } from 'zod';

export class BoomError extends Error {
  override name = 'BoomError';
}

/** What each tool saw as the active span while it ran (span name), by tool call id. */
export const activeInTool = new Map<string, string | undefined>();

function note(toolCallId: string): void {
  const span = trace.getActiveSpan() as unknown as { name?: string } | undefined;
  activeInTool.set(toolCallId, span?.name);
}

export const tools = {
  ok: tool({
    inputSchema: z.object({ q: z.string() }),
    execute: async ({ q }, { toolCallId }) => {
      note(toolCallId);
      return `ok:${q}`;
    },
  }),
  boom: tool({
    inputSchema: z.object({ q: z.string() }),
    execute: async (_input, { toolCallId }): Promise<string> => {
      note(toolCallId);
      throw new BoomError('kaboom');
    },
  }),
  strict: tool({
    inputSchema: z.object({ n: z.number() }),
    execute: async ({ n }) => n * 2,
  }),
  gen: tool({
    inputSchema: z.object({ q: z.string() }),
    async *execute({ q }, { toolCallId }) {
      yield { status: 'working' as const };
      await new Promise((resolve) => setImmediate(resolve));
      note(toolCallId);
      yield { status: 'done' as const, q };
    },
  }),
} satisfies ToolSet;

export interface ScriptedCall {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: string;
}

/** The five calls of step 1. */
export const FIVE_CALLS: readonly ScriptedCall[] = [
  { toolCallId: 'c-ok', toolName: 'ok', input: '{"q":"a"}' },
  { toolCallId: 'c-boom', toolName: 'boom', input: '{"q":"b"}' },
  { toolCallId: 'c-strict', toolName: 'strict', input: '{"n":"not-a-number"}' },
  { toolCallId: 'c-nope', toolName: 'nope', input: '{}' },
  { toolCallId: 'c-gen', toolName: 'gen', input: '{"q":"g"}' },
];

/** Expected outcome per call id of `FIVE_CALLS`: `error.type`, or undefined for success. */
export const EXPECTED_ERROR: Record<string, string | undefined> = {
  'c-ok': undefined,
  'c-boom': 'BoomError',
  'c-strict': 'AI_InvalidToolInputError',
  'c-nope': 'AI_NoSuchToolError',
  'c-gen': undefined,
};

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};
const TOOL_CALLS = { unified: 'tool-calls' as const, raw: 'tool_calls' };
const STOP = { unified: 'stop' as const, raw: 'stop' };

/** Step 1: the scripted tool calls; every later step: text. */
export function generateModel(calls: readonly ScriptedCall[] = FIVE_CALLS): MockLanguageModelV4 {
  let step = 0;
  return new MockLanguageModelV4({
    modelId: 'mock-model',
    doGenerate: async () => {
      step++;
      if (step === 1 && calls.length > 0) {
        const content = calls.map((c) => ({ type: 'tool-call' as const, ...c }));
        return { content, finishReason: TOOL_CALLS, usage, warnings: [] };
      }
      const content = [{ type: 'text' as const, text: 'done' }];
      return { content, finishReason: STOP, usage, warnings: [] };
    },
  });
}

type StreamPart =
  Awaited<ReturnType<MockLanguageModelV4['doStream']>>['stream'] extends ReadableStream<infer P>
    ? P
    : never;

/** The streaming twin of `generateModel`. */
export function streamModel(calls: readonly ScriptedCall[] = FIVE_CALLS): MockLanguageModelV4 {
  let step = 0;
  return new MockLanguageModelV4({
    modelId: 'mock-model',
    doStream: async () => {
      step++;
      const parts: StreamPart[] =
        step === 1 && calls.length > 0
          ? [
              { type: 'stream-start' as const, warnings: [] },
              ...calls.map((c) => ({ type: 'tool-call' as const, ...c })),
              { type: 'finish' as const, finishReason: TOOL_CALLS, usage },
            ]
          : [
              { type: 'stream-start' as const, warnings: [] },
              { type: 'text-start' as const, id: 't' },
              { type: 'text-delta' as const, id: 't', delta: 'done' },
              { type: 'text-end' as const, id: 't' },
              { type: 'finish' as const, finishReason: STOP, usage },
            ];
      return { stream: convertArrayToReadableStream(parts) };
    },
  });
}

export type Mode = 'generateText' | 'streamText';
export const MODES: readonly Mode[] = ['generateText', 'streamText'];

export interface RunOptions {
  readonly calls?: readonly ScriptedCall[];
  readonly tools?: ToolSet;
  readonly telemetry?: TelemetryOptions;
  readonly functionId?: string;
  readonly messages?: ModelMessage[];
  readonly model?: LanguageModel;
  readonly extra?: Record<string, unknown>;
}

/**
 * One run in `mode`, awaited to the end (the stream consumed); returns the preliminary results
 * the stream carried (streamText only).
 */
export async function runAiSdk(
  mode: Mode,
  options: RunOptions = {},
): Promise<{ preliminary: number }> {
  const telemetry: TelemetryOptions | undefined =
    options.functionId !== undefined
      ? { ...options.telemetry, functionId: options.functionId }
      : options.telemetry;
  const common = {
    tools: options.tools ?? tools,
    stopWhen: stepCountIs(3),
    ...(options.messages !== undefined ? { messages: options.messages } : { prompt: 'hi' }),
    ...(telemetry !== undefined ? { telemetry } : {}),
    ...options.extra,
  };
  if (mode === 'generateText') {
    await generateText({
      model: options.model ?? generateModel(options.calls),
      ...common,
    } as never);
    return { preliminary: 0 };
  }
  const result = streamText({
    model: options.model ?? streamModel(options.calls),
    ...common,
  } as never);
  let preliminary = 0;
  for await (const part of result.fullStream) {
    if (part.type === 'tool-result' && part.preliminary === true) preliminary++;
  }
  return { preliminary };
}
