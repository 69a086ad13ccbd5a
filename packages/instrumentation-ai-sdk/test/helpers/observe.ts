/**
 * Reading what a run produced: spans (real SDK provider, in-memory exporter), histogram points
 * (cumulative across a file's tests, so counted as differences), in-process store records, and
 * the AI SDK's global integration list.
 */
import { OpenTelemetry } from '@ai-sdk/otel';
import type { Attributes } from '@opentelemetry/api';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  type InvocationRecord,
  resetInstrumentation,
  subscribeInvocations,
} from '@toolscope/instrumentation';
import {
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
} from '@toolscope/instrumentation/internal';
import { registerTelemetry, type Telemetry } from 'ai';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../../test/support/otel.ts';
import { AiSdkInstrumentation } from '../../src/index.ts';
import { activeInTool } from './fixtures.ts';

type Point = DataPoint<Histogram>;

/** How `@ai-sdk/otel` is set up relative to toolscope. */
export type OtelSetup = 'without @ai-sdk/otel' | 'otel registered before' | 'otel registered after';
export const OTEL_SETUPS: readonly OtelSetup[] = [
  'without @ai-sdk/otel',
  'otel registered before',
  'otel registered after',
];

/** The AI SDK's global integration list (created empty when absent). */
export function integrations(): Telemetry[] {
  const g = globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: Telemetry[] };
  g.AI_SDK_TELEMETRY_INTEGRATIONS ??= [];
  return g.AI_SDK_TELEMETRY_INTEGRATIONS;
}

/** Empties the AI SDK's global integration list. */
export function clearIntegrations(): void {
  integrations().length = 0;
}

/** What a test enabled, disabled after it. */
const enabled: { disable(): void }[] = [];

/** Disables `instrumentation` (or any holder) after the current test; returns it. */
export function keep<T extends { disable(): void }>(instrumentation: T): T {
  enabled.push(instrumentation);
  return instrumentation;
}

/**
 * A test file's set-up: real providers with in-memory exporters; before each test, no spans,
 * the core's defaults and an empty AI SDK integration list; after it, every instrumentation
 * the test enabled disabled.
 */
export function useTestEnv(): TestOtel {
  const otel = setupTestOtel();
  beforeEach(() => {
    otel.reset();
    resetInstrumentation();
    clearIntegrations();
    activeInTool.clear();
  });
  afterEach(() => {
    for (const i of enabled.splice(0)) i.disable();
  });
  afterAll(() => otel.shutdown());
  return otel;
}

/**
 * Registers toolscope (and `@ai-sdk/otel` as `setup` says, with the AI SDK's own
 * `registerTelemetry`), disabled after the test.
 */
export function setUp(setup: OtelSetup, config = {}): AiSdkInstrumentation {
  if (setup === 'otel registered before') registerTelemetry(new OpenTelemetry());
  const instrumentation = keep(new AiSdkInstrumentation(config));
  if (setup === 'otel registered after') registerTelemetry(new OpenTelemetry());
  return instrumentation;
}

export const withOtel = (setup: OtelSetup) => setup !== 'without @ai-sdk/otel';

export function toolSpans(otel: TestOtel): ReadableSpan[] {
  return otel.spans().filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
}

export function agentSpans(otel: TestOtel): ReadableSpan[] {
  return otel.spans().filter((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent');
}

export function spanByCallId(otel: TestOtel, id: string): ReadableSpan[] {
  return toolSpans(otel).filter((s) => s.attributes['gen_ai.tool.call.id'] === id);
}

export function spanNamed(otel: TestOtel, name: string): ReadableSpan | undefined {
  return otel.spans().find((s) => s.name === name);
}

export function seconds(span: ReadableSpan): number {
  return span.duration[0] + span.duration[1] / 1e9;
}

/** A snapshot of a histogram's points: count and sum per attribute set. */
export class HistogramSnapshot {
  readonly points: { attributes: Attributes; count: number; sum: number }[];

  constructor(points: { attributes: Attributes; count: number; sum: number }[]) {
    this.points = points;
  }

  static async take(otel: TestOtel, metric: string): Promise<HistogramSnapshot> {
    const data = await otel.metric(metric);
    const points = ((data?.dataPoints ?? []) as Point[]).map((p) => ({
      attributes: p.attributes,
      count: p.value.count,
      sum: p.value.sum ?? 0,
    }));
    return new HistogramSnapshot(points);
  }

  count(filter: (a: Attributes) => boolean = () => true): number {
    return this.points.filter((p) => filter(p.attributes)).reduce((n, p) => n + p.count, 0);
  }

  sum(filter: (a: Attributes) => boolean = () => true): number {
    return this.points.filter((p) => filter(p.attributes)).reduce((n, p) => n + p.sum, 0);
  }

  /** Every attribute key seen on any point. */
  keys(): Set<string> {
    return new Set(this.points.flatMap((p) => Object.keys(p.attributes)));
  }
}

/** What one block of work added to the tool and agent histograms and the store. */
export interface Recorded {
  tools: {
    count(filter?: (a: Attributes) => boolean): number;
    sum(filter?: (a: Attributes) => boolean): number;
  };
  agents: {
    count(filter?: (a: Attributes) => boolean): number;
    sum(filter?: (a: Attributes) => boolean): number;
  };
  toolKeys: Set<string>;
  agentKeys: Set<string>;
  store: InvocationRecord[];
}

function diff(before: HistogramSnapshot, after: HistogramSnapshot) {
  return {
    count: (filter?: (a: Attributes) => boolean) => after.count(filter) - before.count(filter),
    sum: (filter?: (a: Attributes) => boolean) => after.sum(filter) - before.sum(filter),
  };
}

/** Runs `fn` and returns what it added to the histograms and the in-process store. */
export async function recording(otel: TestOtel, fn: () => Promise<unknown>): Promise<Recorded> {
  const tools0 = await HistogramSnapshot.take(otel, METRIC_GEN_AI_EXECUTE_TOOL_DURATION);
  const agents0 = await HistogramSnapshot.take(otel, METRIC_GEN_AI_INVOKE_AGENT_DURATION);
  const store: InvocationRecord[] = [];
  const unsubscribe = subscribeInvocations((r) => store.push(r));
  try {
    await fn();
  } finally {
    unsubscribe();
  }
  const tools1 = await HistogramSnapshot.take(otel, METRIC_GEN_AI_EXECUTE_TOOL_DURATION);
  const agents1 = await HistogramSnapshot.take(otel, METRIC_GEN_AI_INVOKE_AGENT_DURATION);
  return {
    tools: diff(tools0, tools1),
    agents: diff(agents0, agents1),
    toolKeys: tools1.keys(),
    agentKeys: agents1.keys(),
    store,
  };
}

export const toolIs = (name: string) => (a: Attributes) => a['gen_ai.tool.name'] === name;
