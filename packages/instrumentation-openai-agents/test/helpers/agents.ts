/**
 * Test set-up for the Agents SDK: real OpenTelemetry providers (in-memory), the SDK's tracing
 * switched on explicitly (vitest sets NODE_ENV=test, which turns it off), no OpenAI exporter,
 * and `ScriptedModel` (the SDK's own mock model) scripts. No network.
 */
import { setTraceProcessors, setTracingDisabled } from '@openai/agents';
import {
  assistantMessage,
  functionCall,
  ScriptedModel,
  type ScriptedModelInput,
} from '@openai/agents-core/testing';
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { histogramCount, setupTestOtel, type TestOtel } from '../../../../test/support/otel.ts';

/** Providers plus the SDK's tracing on, with no processor but toolscope's. */
export function setupAgentsOtel(): TestOtel {
  const otel = setupTestOtel();
  setTracingDisabled(false);
  setTraceProcessors([]);
  return otel;
}

/** A model that answers each call with the next turn of the script. */
export const scripted = (...turns: ScriptedModelInput[]) => new ScriptedModel(turns);
/** The model asks for tool `name` with `args` (an object, or raw argument text). */
export const call = (name: string, args: Record<string, unknown> | string, callId: string) =>
  functionCall(name, args, { callId });
/** The model answers in text. */
export const say = (text: string) => assistantMessage(text);

export const isToolSpan = (s: ReadableSpan) =>
  s.attributes['gen_ai.operation.name'] === 'execute_tool';
export const isAgentSpan = (s: ReadableSpan) =>
  s.attributes['gen_ai.operation.name'] === 'invoke_agent';

/** The finished `execute_tool` spans of `tool`. */
export const toolSpansOf = (otel: TestOtel, tool: string) =>
  otel.spans().filter((s) => isToolSpan(s) && s.attributes['gen_ai.tool.name'] === tool);

/** The one finished span named `name` (fails the test otherwise). */
export function only(otel: TestOtel, name: string): ReadableSpan {
  const found = otel.spans().filter((s) => s.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one span "${name}", found ${found.length}: ${names(otel)}`);
  }
  return found[0]!;
}

/** The span names, for failure messages. */
export const names = (otel: TestOtel) =>
  otel
    .spans()
    .map((s) => s.name)
    .join(', ');

export const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
export const idOf = (s: ReadableSpan) => s.spanContext().spanId;

/** Histogram points of `metric` whose attributes match `filter`. */
export async function pointsOf(
  otel: TestOtel,
  metric: string,
  filter: (attributes: Attributes) => boolean,
): Promise<number> {
  return histogramCount(await otel.metric(metric), filter);
}

/** The attribute sets of `metric`'s points matching `filter`. */
export async function attributeSetsOf(
  otel: TestOtel,
  metric: string,
  filter: (attributes: Attributes) => boolean,
): Promise<Attributes[]> {
  const data = await otel.metric(metric);
  return (data?.dataPoints ?? []).map((p) => p.attributes).filter(filter);
}
